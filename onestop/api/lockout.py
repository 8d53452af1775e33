"""The answer to a locked-out login (django-axes): a readable 429 in the user's language."""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = round(float(settings.AXES_COOLOFF_TIME or 0) * 60)
    message = _("Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa trên máy này trong %(m)s phút; "
                "liên hệ quản trị viên nếu cần mở khóa sớm.") % {"m": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message}, status=429)
    return HttpResponse(f"<!doctype html><meta charset='utf-8'><title>429</title><p>{escape(message)}</p>",
                        status=429)
