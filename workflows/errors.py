"""Domain errors: each has a machine-readable code and a message a clerk can read."""
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 400
    default_message = _("Không thể thực hiện thao tác.")

    def __init__(self, message=None, **details):
        self.message = message or self.default_message
        self.details = details
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid_input"
    default_message = _("Dữ liệu không hợp lệ.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    http_status = 409
    default_message = _("Thao tác này không hợp lệ với trạng thái hiện tại của hồ sơ.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _(
        "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang để xem trạng thái mới nhất."
    )


class RoutingError(DomainError):
    code = "routing_error"
    default_message = _("Không xác định được cơ quan xử lý cho thủ tục này.")
