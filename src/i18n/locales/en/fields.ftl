## What is wrong with one field of a request.

kind-name = { $kind }

fault-required = Required.
fault-blank = Must not be blank.
fault-too_long = Longer than { $max } characters.
fault-invalid_format = Not in the expected format.
fault-unknown = Not a known value.
fault-outside_vietnam = The coordinate is outside Vietnam.
fault-not_http_url = Must be an http or https URL.
fault-in_future = Must not be in the future.
fault-out_of_range = Must be from { $min } to { $max }.
fault-too_many = At most { $max } items.
fault-not_for_kind = Only for a { $kind }.
fault-identity_required = A { $kind } must give the petitioner's full name and address (Law on Complaints art. 8(2)); a phone or email is welcome but not required.
fault-contact_required = Give a phone number or an email: a denunciation must say how to reach the denouncer (Law on Denunciations art. 23(1)).
fault-anonymity_not_allowed = A { $kind } cannot be anonymous (Law on Complaints art. 8).
fault-anonymous_with_identity = An anonymous petition carries no personal data: drop anonymous, or the personal fields of citizen.
fault-identity_or_anonymous = Send the petitioner in citizen, or anonymous: true.
fault-decided_by_province = The first-time complaint was decided by a province People's Committee: a second-time complaint goes to the Minister of the sector (Law on Complaints art. 7(3)), or to court, not through this service.
fault-not_a_complaint = The petition named is not one of your complaints.
fault-unknown_field = This field is not part of the API: check its spelling.
fault-weak_password = A password has at least 12 characters and is hard to guess (no common passwords, not the username).
fault-taken = Already in use.
fault-not_for_role = Does not apply to this role.
fault-limit_reached = The law allows no (further) extension of this deadline.
fault-expired = The time allowed for this has passed.
fault-unchanged = The same as the current value.
fault-not_permitted = You may not set this value.
fault-other_office = Another office handles this petition, not the office addressed.
fault-routed_elsewhere = Another office handles petitions like this one: guide the citizen to it rather than entering it here.
fault-office_denounced = The denunciation is about this office's leadership, so it cannot be sent to this office.
fault-wrong_password = Not this account's current password.
fault-wrong_type = The value has the wrong type: { $reason }.
