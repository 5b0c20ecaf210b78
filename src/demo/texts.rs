//! The words of the demo: petitioners' names, what they write about, and what offices answer.
//! Invented, and plainly so: every name and number is drawn from these lists, never from real
//! people.

use crate::domain::petition::Kind;
use crate::domain::workflow::RejectReason;

pub const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];

pub const MIDDLE_NAMES: &[&str] = &[
    "Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân",
];

pub const GIVEN_NAMES: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo",
    "Trang", "Tuấn", "Vân", "Yến",
];

/// Where in a commune something is: `{}` is a number.
pub const PLACES: &[&str] = &["tổ dân phố {}", "ngõ {}", "thôn {}", "khu phố {}", "xóm {}"];

/// A petition's title and description, by category; `{}` is the place.
pub struct Topic {
    pub category: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

pub const TOPICS: &[Topic] = &[
    Topic {
        category: "environment",
        title: "Rác thải tồn đọng tại {}",
        description: "Rác sinh hoạt không được thu gom nhiều ngày, bốc mùi, ảnh hưởng các hộ dân xung quanh.",
    },
    Topic {
        category: "environment",
        title: "Cống thoát nước bị tắc ở {}",
        description: "Mỗi khi mưa lớn nước tràn lên mặt đường, đề nghị nạo vét cống.",
    },
    Topic {
        category: "environment",
        title: "Xưởng sản xuất gây ồn và khói tại {}",
        description: "Xưởng hoạt động cả ban đêm, tiếng ồn và khói ảnh hưởng sức khỏe người dân.",
    },
    Topic {
        category: "traffic",
        title: "Đường hư hỏng, nhiều ổ gà ở {}",
        description: "Mặt đường xuống cấp, nhiều ổ gà sâu, đã có người đi xe máy bị ngã.",
    },
    Topic {
        category: "traffic",
        title: "Đèn chiếu sáng công cộng không hoạt động tại {}",
        description: "Cả dãy đèn đường tắt hơn hai tuần, đi lại buổi tối không an toàn.",
    },
    Topic {
        category: "traffic",
        title: "Đề nghị lắp biển báo và gờ giảm tốc gần trường học ở {}",
        description: "Xe chạy nhanh qua cổng trường vào giờ tan học, nguy hiểm cho học sinh.",
    },
    Topic {
        category: "land",
        title: "Lấn chiếm vỉa hè, lòng đường tại {}",
        description: "Một số hộ kinh doanh lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
    },
    Topic {
        category: "land",
        title: "Xây dựng không phép ở {}",
        description: "Công trình đang xây dựng không có biển báo giấy phép, lấn sang phần đất chung.",
    },
    Topic {
        category: "land",
        title: "Tranh chấp ranh giới thửa đất tại {}",
        description: "Đề nghị xác minh lại ranh giới thửa đất theo bản đồ địa chính.",
    },
    Topic {
        category: "public_order",
        title: "Tụ tập gây mất trật tự ban đêm ở {}",
        description: "Nhóm thanh niên tụ tập, nẹt pô sau 23 giờ nhiều đêm liền.",
    },
    Topic {
        category: "public_order",
        title: "Karaoke gây ồn quá giờ tại {}",
        description: "Hộ gia đình hát karaoke công suất lớn đến khuya, ảnh hưởng người già và trẻ nhỏ.",
    },
    Topic {
        category: "social_welfare",
        title: "Chưa nhận được trợ cấp xã hội tại {}",
        description: "Gia đình thuộc diện hưởng trợ cấp nhưng ba tháng nay chưa được chi trả.",
    },
    Topic {
        category: "social_welfare",
        title: "Đề nghị xem xét hộ cận nghèo ở {}",
        description: "Đề nghị rà soát lại danh sách hộ cận nghèo năm nay cho đúng thực tế.",
    },
    Topic {
        category: "health",
        title: "Trạm y tế thiếu thuốc thông thường ở {}",
        description: "Người dân đến khám bảo hiểm y tế thường phải tự mua thuốc bên ngoài.",
    },
    Topic {
        category: "health",
        title: "Đề nghị phun thuốc phòng sốt xuất huyết tại {}",
        description: "Trong khu dân cư đã có nhiều ca sốt xuất huyết, đề nghị phun hóa chất diệt muỗi.",
    },
    Topic {
        category: "education",
        title: "Thu các khoản ngoài quy định tại trường ở {}",
        description: "Phụ huynh được yêu cầu đóng nhiều khoản không có trong danh mục thu.",
    },
    Topic {
        category: "education",
        title: "Đề nghị sửa chữa phòng học xuống cấp ở {}",
        description: "Trần phòng học bong tróc, mùa mưa bị dột, không bảo đảm an toàn cho học sinh.",
    },
    Topic {
        category: "admin_procedures",
        title: "Hồ sơ chứng thực bị chậm trả kết quả ở {}",
        description: "Hồ sơ nộp đã quá hẹn nhưng chưa được trả kết quả, không rõ lý do.",
    },
    Topic {
        category: "admin_procedures",
        title: "Đề nghị hướng dẫn thủ tục đăng ký hộ kinh doanh tại {}",
        description: "Đề nghị niêm yết rõ thành phần hồ sơ và thời hạn giải quyết.",
    },
    Topic {
        category: "officials_conduct",
        title: "Thái độ tiếp dân chưa đúng mực tại bộ phận một cửa, {}",
        description: "Cán bộ tiếp nhận hồ sơ có thái độ thiếu tôn trọng người dân.",
    },
    Topic {
        category: "officials_conduct",
        title: "Cán bộ có dấu hiệu nhũng nhiễu khi giải quyết hồ sơ ở {}",
        description: "Người dân phản ánh bị gợi ý chi thêm tiền để hồ sơ được giải quyết nhanh.",
    },
    Topic {
        category: "other",
        title: "Kiến nghị về sinh hoạt cộng đồng tại {}",
        description: "Đề nghị bố trí thêm thời gian cho nhà văn hóa phục vụ người cao tuổi.",
    },
];

/// The categories each kind is mostly about, with weights.
pub fn category_weights(kind: Kind) -> &'static [(&'static str, f64)] {
    match kind {
        Kind::Complaint => &[
            ("land", 0.40),
            ("admin_procedures", 0.25),
            ("social_welfare", 0.20),
            ("education", 0.05),
            ("other", 0.10),
        ],
        Kind::Denunciation => &[
            ("officials_conduct", 0.45),
            ("land", 0.25),
            ("public_order", 0.15),
            ("education", 0.05),
            ("other", 0.10),
        ],
        Kind::Recommendation => &[
            ("traffic", 0.25),
            ("education", 0.15),
            ("health", 0.15),
            ("social_welfare", 0.15),
            ("admin_procedures", 0.15),
            ("environment", 0.10),
            ("other", 0.05),
        ],
        Kind::Feedback => &[
            ("environment", 0.25),
            ("traffic", 0.20),
            ("public_order", 0.15),
            ("land", 0.12),
            ("health", 0.08),
            ("officials_conduct", 0.06),
            ("admin_procedures", 0.06),
            ("education", 0.04),
            ("other", 0.04),
        ],
    }
}

/// What an office answers, by kind.
pub fn answer_body(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Complaint => &[
            "Sau khi xác minh, Ủy ban nhân dân công nhận một phần nội dung khiếu nại và đã ban hành quyết định giải quyết khiếu nại lần đầu.",
            "Sau khi xác minh, quyết định hành chính bị khiếu nại là đúng quy định; Ủy ban nhân dân giữ nguyên quyết định và hướng dẫn quyền khiếu nại lần hai.",
        ],
        Kind::Denunciation => &[
            "Đã xác minh nội dung tố cáo; tố cáo đúng một phần, đã kiến nghị xử lý trách nhiệm cán bộ liên quan theo quy định.",
            "Đã xác minh nội dung tố cáo; chưa có căn cứ kết luận vi phạm. Kết luận nội dung tố cáo được gửi người tố cáo theo quy định.",
        ],
        Kind::Recommendation | Kind::Feedback => &[
            "Ủy ban nhân dân đã giao bộ phận chuyên môn kiểm tra thực tế và chỉ đạo khắc phục; cảm ơn người dân đã phản ánh.",
            "Đã kiểm tra, nội dung phản ánh đúng; đơn vị liên quan đã xử lý xong trong tuần.",
            "Nội dung kiến nghị đã được tiếp thu và đưa vào kế hoạch năm sau; kết quả sẽ được thông báo công khai.",
        ],
    }
}

pub const TRANSFER_REASON: &str =
    "Nội dung thuộc thẩm quyền giải quyết của Ủy ban nhân dân nơi phát sinh sự việc";

pub const EXTEND_REASON: &str = "Nội dung phức tạp, cần thêm thời gian xác minh thực tế";

/// Reason codes of a refusal (`POST /v1/petitions/{id}/reject`), with weights; late complaints
/// are refused as `out_of_time`.
pub const REJECT_REASONS: &[(RejectReason, f64)] = &[
    (RejectReason::Duplicate, 0.35),
    (RejectReason::Incomplete, 0.30),
    (RejectReason::NotCompetent, 0.25),
    (RejectReason::Other, 0.10),
];

pub const PARTNERS: &[(&str, f64)] = &[
    ("Cổng Dịch vụ công tỉnh (demo)", 0.50),
    ("Zalo Mini App Tiếng Dân (demo)", 0.35),
    ("Ứng dụng tổ chức xã hội (demo)", 0.15),
];
