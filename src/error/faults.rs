//! What each field fault says, in both languages.

use super::FieldProblem;
use crate::domain::lang::Lang;
use crate::domain::petition::{Fault, Kind, Violation};

fn kind_vi(kind: Kind) -> &'static str {
    match kind {
        Kind::Complaint => "khiếu nại",
        Kind::Denunciation => "tố cáo",
        Kind::Recommendation => "kiến nghị",
        Kind::Feedback => "phản ánh",
    }
}

/// A violation as the API reports it: the field, a stable code and a sentence.
pub fn describe(v: &Violation, lang: Lang) -> FieldProblem {
    let (code, vi, en): (&str, String, String) = match &v.fault {
        Fault::Required => ("required", "Bắt buộc phải có.".into(), "Required.".into()),
        Fault::Blank => (
            "blank",
            "Không được để trống.".into(),
            "Must not be blank.".into(),
        ),
        Fault::TooLong { max } => (
            "too_long",
            format!("Dài quá {max} ký tự."),
            format!("Longer than {max} characters."),
        ),
        Fault::InvalidFormat => (
            "invalid_format",
            "Sai định dạng.".into(),
            "Not in the expected format.".into(),
        ),
        Fault::Unknown => (
            "unknown",
            "Không có trong danh mục.".into(),
            "Not a known value.".into(),
        ),
        Fault::OutsideVietnam => (
            "outside_vietnam",
            "Tọa độ nằm ngoài lãnh thổ Việt Nam.".into(),
            "The coordinate is outside Vietnam.".into(),
        ),
        Fault::NotHttpUrl => (
            "not_http_url",
            "Phải là địa chỉ http hoặc https.".into(),
            "Must be an http or https URL.".into(),
        ),
        Fault::InFuture => (
            "in_future",
            "Không được là thời điểm trong tương lai.".into(),
            "Must not be in the future.".into(),
        ),
        Fault::OutOfRange { min, max } => (
            "out_of_range",
            format!("Phải từ {min} đến {max}."),
            format!("Must be from {min} to {max}."),
        ),
        Fault::TooMany { max } => (
            "too_many",
            format!("Tối đa {max} mục."),
            format!("At most {max} items."),
        ),
        Fault::NotForKind { kind } => (
            "not_for_kind",
            format!("Chỉ dùng cho đơn {}.", kind_vi(*kind)),
            format!("Only for a {}.", kind.code()),
        ),
        Fault::IdentityRequired { kind } => (
            "identity_required",
            format!(
                "Đơn {} phải ghi rõ họ tên, địa chỉ và số điện thoại hoặc email của người gửi (Luật Khiếu nại điều 8, Luật Tố cáo điều 23).",
                kind_vi(*kind)
            ),
            format!(
                "A {} must give the petitioner's full name, address and a phone or email (Law on Complaints art. 8, Law on Denunciations art. 23).",
                kind.code()
            ),
        ),
        Fault::AnonymityNotAllowed { kind } => (
            "anonymity_not_allowed",
            format!(
                "Đơn {} không được gửi nặc danh (Luật Khiếu nại điều 8).",
                kind_vi(*kind)
            ),
            format!(
                "A {} cannot be anonymous (Law on Complaints art. 8).",
                kind.code()
            ),
        ),
        Fault::AnonymousWithIdentity => (
            "anonymous_with_identity",
            "Đơn nặc danh không kèm thông tin cá nhân: bỏ anonymous hoặc bỏ thông tin trong citizen.".into(),
            "An anonymous petition carries no personal data: drop anonymous, or the personal fields of citizen.".into(),
        ),
        Fault::IdentityOrAnonymous => (
            "identity_or_anonymous",
            "Gửi thông tin người gửi trong citizen, hoặc anonymous: true.".into(),
            "Send the petitioner in citizen, or anonymous: true.".into(),
        ),
        Fault::NotAComplaint => (
            "not_a_complaint",
            "Đơn được nêu không phải là đơn khiếu nại của bạn.".into(),
            "The petition named is not one of your complaints.".into(),
        ),
        Fault::UnknownField => (
            "unknown_field",
            "Trường này không có trong API: kiểm tra lỗi chính tả.".into(),
            "This field is not part of the API: check its spelling.".into(),
        ),
        Fault::WeakPassword => (
            "weak_password",
            "Mật khẩu phải dài ít nhất 12 ký tự và khó đoán (không dùng mật khẩu phổ biến hay tên đăng nhập).".into(),
            "A password has at least 12 characters and is hard to guess (no common passwords, not the username).".into(),
        ),
        Fault::Taken => (
            "taken",
            "Giá trị này đã được dùng.".into(),
            "Already in use.".into(),
        ),
        Fault::NotForRole => (
            "not_for_role",
            "Không áp dụng cho vai trò này.".into(),
            "Does not apply to this role.".into(),
        ),
        Fault::LimitReached => (
            "limit_reached",
            "Đã hết số lần gia hạn luật cho phép, hoặc thời hạn này không được gia hạn.".into(),
            "The law allows no (further) extension of this deadline.".into(),
        ),
        Fault::Expired => (
            "expired",
            "Đã quá thời gian cho phép.".into(),
            "The time allowed for this has passed.".into(),
        ),
        Fault::Unchanged => (
            "unchanged",
            "Giống giá trị hiện tại.".into(),
            "The same as the current value.".into(),
        ),
        Fault::NotPermitted => (
            "not_permitted",
            "Bạn không được phép đặt giá trị này.".into(),
            "You may not set this value.".into(),
        ),
        Fault::OtherOffice => (
            "other_office",
            "Đơn này do cơ quan khác giải quyết, không phải cơ quan được kiến nghị.".into(),
            "Another office handles this petition, not the office addressed.".into(),
        ),
        Fault::Unreadable { reason } => (
            "wrong_type",
            format!("Giá trị không đúng kiểu: {reason}."),
            format!("The value has the wrong type: {reason}."),
        ),
    };
    FieldProblem {
        field: v.field.clone(),
        code: code.to_owned(),
        message: match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
    }
}
