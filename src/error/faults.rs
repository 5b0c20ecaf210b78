//! What each field fault says, in both languages, from the message catalogue.

use super::FieldProblem;
use crate::domain::lang::Lang;
use crate::domain::petition::{Fault, Kind, Violation};
use crate::i18n;

/// A violation as the API reports it: the field, a stable code and a sentence from the
/// catalogue (`fault-<code>`).
pub fn describe(v: &Violation, lang: Lang) -> FieldProblem {
    let (code, args): (&str, Vec<(&'static str, String)>) = match &v.fault {
        Fault::Required => ("required", vec![]),
        Fault::Blank => ("blank", vec![]),
        Fault::TooLong { max } => ("too_long", vec![("max", max.to_string())]),
        Fault::InvalidFormat => ("invalid_format", vec![]),
        Fault::Unknown => ("unknown", vec![]),
        Fault::OutsideVietnam => ("outside_vietnam", vec![]),
        Fault::NotHttpUrl => ("not_http_url", vec![]),
        Fault::InFuture => ("in_future", vec![]),
        Fault::OutOfRange { min, max } => (
            "out_of_range",
            vec![("min", min.to_string()), ("max", max.to_string())],
        ),
        Fault::TooMany { max } => ("too_many", vec![("max", max.to_string())]),
        Fault::NotForKind { kind } => ("not_for_kind", kind_arg(*kind)),
        Fault::IdentityRequired { kind } => ("identity_required", kind_arg(*kind)),
        Fault::ContactRequired => ("contact_required", vec![]),
        Fault::AnonymityNotAllowed { kind } => ("anonymity_not_allowed", kind_arg(*kind)),
        Fault::AnonymousWithIdentity => ("anonymous_with_identity", vec![]),
        Fault::IdentityOrAnonymous => ("identity_or_anonymous", vec![]),
        Fault::NotAComplaint => ("not_a_complaint", vec![]),
        Fault::DecidedByProvince => ("decided_by_province", vec![]),
        Fault::UnknownField => ("unknown_field", vec![]),
        Fault::WeakPassword => ("weak_password", vec![]),
        Fault::WrongPassword => ("wrong_password", vec![]),
        Fault::Taken => ("taken", vec![]),
        Fault::NotForRole => ("not_for_role", vec![]),
        Fault::LimitReached => ("limit_reached", vec![]),
        Fault::Expired => ("expired", vec![]),
        Fault::Unchanged => ("unchanged", vec![]),
        Fault::NotPermitted => ("not_permitted", vec![]),
        Fault::OtherOffice => ("other_office", vec![]),
        Fault::RoutedElsewhere => ("routed_elsewhere", vec![]),
        Fault::OfficeDenounced => ("office_denounced", vec![]),
        Fault::Unreadable { reason } => ("wrong_type", vec![("reason", reason.clone())]),
    };
    FieldProblem {
        field: v.field.clone(),
        code: code.to_owned(),
        message: i18n::text_with(lang, &format!("fault-{code}"), &args),
    }
}

/// A kind as the messages take it: its code (the Vietnamese files name it by it).
fn kind_arg(kind: Kind) -> Vec<(&'static str, String)> {
    vec![("kind", kind.code().to_owned())]
}
