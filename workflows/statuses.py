"""Dossier statuses (trạng thái hồ sơ) and their mapping to the national portal's codes."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp trực tuyến, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang giải quyết")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung, hoàn thiện hồ sơ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng giải quyết theo đề nghị")


OPEN_STATUSES = frozenset({
    Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_PAYMENT, Status.RESULT_READY,
})
TERMINAL_STATUSES = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})
# Before a decision: the applicant may still ask to stop handling (NĐ 118/2025 Art. 21.1).
UNDECIDED_STATUSES = frozenset({
    Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.AWAITING_PAYMENT,
})

# National public-service portal (DVCQG) status codes, see shared domain notes §4.
NATIONAL_STATUS_CODE = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}

# The words the national portal shows for each code (DVCQG), so a citizen who checks both reads
# the same status; the codes are what we sync.
NATIONAL_STATUS_WORDS = {
    1: _("Mới đăng ký"),
    2: _("Được tiếp nhận"),
    3: _("Không được tiếp nhận"),
    4: _("Đang xử lý"),
    5: _("Yêu cầu bổ sung giấy tờ"),
    6: _("Yêu cầu nghĩa vụ tài chính"),
    7: _("Công dân rút hồ sơ"),
    8: _("Dừng xử lý"),
    9: _("Đã xử lý xong"),
    10: _("Đã trả kết quả"),
}


def national_status_word(status: str) -> str:
    """The national portal's word for one of our statuses ("" for an unknown one)."""
    code = NATIONAL_STATUS_CODE.get(status)
    return str(NATIONAL_STATUS_WORDS[code]) if code else ""


# What the public reads of each event, on the status lookup and on the national portal (the synced
# process history); internal actions (assign, unassign) are left out.
PUBLIC_ACTION_TEXT = {
    "submit_online": _("Nộp hồ sơ trực tuyến"),
    "receive": _("Tiếp nhận hồ sơ"),
    "accept_online": _("Tiếp nhận hồ sơ trực tuyến"),
    "refuse": _("Từ chối tiếp nhận hồ sơ"),
    "refuse_at_counter": _("Từ chối tiếp nhận hồ sơ"),
    "start_processing": _("Bắt đầu giải quyết"),
    "complete_step": _("Hoàn thành một bước, chuyển bước tiếp theo"),
    "request_supplement": _("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "supplement_received": _("Đã nhận hồ sơ bổ sung"),
    "extend": _("Gia hạn, hẹn lại ngày trả kết quả"),
    "decide": _("Đã có kết quả giải quyết"),
    "return_result": _("Đã trả kết quả"),
    "withdraw": _("Rút hồ sơ"),
    "request_payment": _("Thông báo thực hiện nghĩa vụ tài chính"),
    "payment_received": _("Đã hoàn thành nghĩa vụ tài chính"),
    "stop": _("Dừng giải quyết theo đề nghị"),
}
