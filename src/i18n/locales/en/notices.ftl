## What a partner should tell the citizen about how a petition was taken in.

notice-denunciation_taken_as_feedback = A denunciation that does not give the denouncer's name and address is not handled as a denunciation (Law on Denunciations art. 25); its content was taken in as feedback.
notice-late_filing = The complaint was filed more than 90 days after the complainant learned of the decision (Law on Complaints art. 9). It was taken in; the office will consider any valid excuse (illness, natural disaster…).
notice-late_second_time_filing = The second-time complaint was filed more than 30 days (45 in remote areas) after the first-time decision, or after its period ran out without one (Law on Complaints art. 33). It was taken in; the office will consider any valid excuse.
notice-denunciation_incomplete = The denunciation does not say how to reach the denouncer (Law on Denunciations art. 23(1)). It is kept as incomplete and no deadline runs yet; add a phone number or an email for it to be received.
