"""Dossier statuses (trạng thái hồ sơ) and their mapping to the national portal's codes."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp trực tuyến, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang giải quyết")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Chờ bổ sung, hoàn thiện hồ sơ")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")


OPEN_STATUSES = frozenset({
    Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT,
    Status.RESULT_READY,
})
TERMINAL_STATUSES = frozenset({Status.RETURNED, Status.REFUSED, Status.WITHDRAWN})

# National public-service portal (DVCQG) status codes, see shared domain notes §4.
NATIONAL_STATUS_CODE = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.WITHDRAWN: 7,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}
