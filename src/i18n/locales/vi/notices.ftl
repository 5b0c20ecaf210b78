## Điều đối tác nên cho công dân biết về cách đơn được tiếp nhận.

notice-denunciation_taken_as_feedback = Đơn tố cáo không ghi rõ họ tên, địa chỉ của người tố cáo nên không được xử lý theo quy định của Luật Tố cáo (điều 25); nội dung đã được tiếp nhận dưới dạng phản ánh.
notice-late_filing = Đơn khiếu nại gửi sau 90 ngày kể từ ngày biết quyết định (Luật Khiếu nại điều 9). Đơn vẫn được tiếp nhận; cơ quan sẽ xem xét lý do chính đáng (ốm đau, thiên tai…) nếu có.
notice-late_second_time_filing = Đơn khiếu nại lần hai gửi sau 30 ngày (vùng sâu, vùng xa 45 ngày) kể từ ngày nhận quyết định giải quyết lần đầu, hoặc kể từ ngày hết thời hạn giải quyết mà chưa được giải quyết (Luật Khiếu nại điều 33). Đơn vẫn được tiếp nhận; cơ quan sẽ xem xét lý do chính đáng nếu có.
notice-denunciation_incomplete = Đơn tố cáo chưa ghi cách thức liên hệ với người tố cáo (Luật Tố cáo điều 23 khoản 1). Đơn được giữ ở trạng thái chưa đầy đủ và chưa tính thời hạn xử lý; hãy bổ sung số điện thoại hoặc email để đơn được tiếp nhận.
