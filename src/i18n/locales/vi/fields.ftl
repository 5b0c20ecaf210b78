## Lỗi của từng trường dữ liệu.

kind-name = { $kind ->
    [complaint] khiếu nại
    [denunciation] tố cáo
    [recommendation] kiến nghị
   *[feedback] phản ánh
}

fault-required = Bắt buộc phải có.
fault-blank = Không được để trống.
fault-too_long = Dài quá { $max } ký tự.
fault-invalid_format = Sai định dạng.
fault-unknown = Không có trong danh mục.
fault-outside_vietnam = Tọa độ nằm ngoài lãnh thổ Việt Nam.
fault-not_http_url = Phải là địa chỉ http hoặc https.
fault-in_future = Không được là thời điểm trong tương lai.
fault-out_of_range = Phải từ { $min } đến { $max }.
fault-too_many = Tối đa { $max } mục.
fault-not_for_kind = Chỉ dùng cho đơn { kind-name }.
fault-identity_required = Đơn { kind-name } phải ghi rõ họ tên, địa chỉ của người gửi (Luật Khiếu nại điều 8 khoản 2); số điện thoại hoặc email không bắt buộc.
fault-contact_required = Hãy ghi số điện thoại hoặc email: đơn tố cáo phải có cách thức liên hệ với người tố cáo (Luật Tố cáo điều 23 khoản 1).
fault-anonymity_not_allowed = Đơn { kind-name } không được gửi nặc danh (Luật Khiếu nại điều 8).
fault-anonymous_with_identity = Đơn nặc danh không kèm thông tin cá nhân: bỏ anonymous hoặc bỏ thông tin trong citizen.
fault-identity_or_anonymous = Gửi thông tin người gửi trong citizen, hoặc anonymous: true.
fault-decided_by_province = Khiếu nại lần đầu do Chủ tịch Ủy ban nhân dân cấp tỉnh giải quyết: khiếu nại lần hai gửi Bộ trưởng quản lý ngành, lĩnh vực (Luật Khiếu nại điều 7 khoản 3) hoặc khởi kiện tại Tòa án, không qua hệ thống này.
fault-not_a_complaint = Đơn được nêu không phải là đơn khiếu nại của bạn.
fault-unknown_field = Trường này không có trong API: kiểm tra lỗi chính tả.
fault-weak_password = Mật khẩu phải dài ít nhất 12 ký tự và khó đoán (không dùng mật khẩu phổ biến hay tên đăng nhập).
fault-taken = Giá trị này đã được dùng.
fault-not_for_role = Không áp dụng cho vai trò này.
fault-limit_reached = Đã hết số lần gia hạn luật cho phép, hoặc thời hạn này không được gia hạn.
fault-expired = Đã quá thời gian cho phép.
fault-unchanged = Giống giá trị hiện tại.
fault-not_permitted = Bạn không được phép đặt giá trị này.
fault-other_office = Đơn này do cơ quan khác giải quyết, không phải cơ quan được kiến nghị.
fault-routed_elsewhere = Đơn loại này do cơ quan khác giải quyết: hướng dẫn công dân đến cơ quan đó thay vì tiếp nhận tại đây.
fault-office_denounced = Đơn tố cáo lãnh đạo của cơ quan này nên không được chuyển cho chính cơ quan này.
fault-wrong_password = Không phải mật khẩu hiện tại của tài khoản này.
fault-wrong_type = Giá trị không đúng kiểu: { $reason }.
