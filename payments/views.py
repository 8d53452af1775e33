"""Payment screens and the gateway's endpoints.

- notify: the gateway's server-to-server result (POST, no CSRF token, no session), answered in
  the protocol's JSON; every message logged (payments.services.handle_callback).
- back: where the gateway sends the citizen's browser; the signed parameters are handled like a
  notification (idempotent), then the citizen sees what became of the payment.
- pay: the citizen's online payment, reached with the dossier's lookup token (?t=).
- counter: the clerk's fee page of a dossier (exemptions, the payment taken at the counter).
- receipt_pdf: the electronic receipt (biên lai), for staff who see the dossier or the citizen's token.
"""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workflows.access import dossiers_for
from workflows.codes import make_lookup_token, read_lookup_token
from workflows.errors import DomainError
from workflows.membership import has_role
from workflows.models import Dossier
from workflows.roles import Role

from . import fees, gateway, receipt, services
from .models import CallbackSource, FeeLine, Payment, PaymentChannel, PaymentStatus


def _client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- the gateway ---------------------------------------------------------------------------


@csrf_exempt
@require_POST
def notify(request):
    handled = services.handle_callback(request.POST, source=CallbackSource.NOTIFY,
                                       remote_addr=_client_address(request))
    return JsonResponse({"code": handled.ack, "message": handled.outcome})


def _status_url(dossier: Dossier) -> str:
    return f"{reverse('portal:index')}?{urlencode({'t': make_lookup_token(dossier.code)})}"


@never_cache
@require_GET
def back(request):
    """Kết quả thanh toán: the browser's return from the gateway."""
    handled = services.handle_callback(request.GET, source=CallbackSource.RETURN,
                                       remote_addr=_client_address(request))
    payment = handled.payment
    if payment is not None and handled.outcome not in ("bad_signature",):
        payment.refresh_from_db()
        context = {"payment": payment, "dossier": payment.dossier, "status_url": _status_url(payment.dossier),
                   "receipt_url": _receipt_url(payment)}
        return render(request, "payments/back.html", context)
    return render(request, "payments/back.html", {"payment": None}, status=400)


# --- the citizen ---------------------------------------------------------------------------


def _receipt_url(payment: Payment) -> str:
    if payment.status != PaymentStatus.PAID:
        return ""
    token = make_lookup_token(payment.dossier.code)
    return f"{reverse('payments:receipt', args=[payment.pk])}?{urlencode({'t': token})}"


def _dossier_by_token(token: str) -> Dossier | None:
    code = read_lookup_token(token or "")
    return Dossier.objects.select_related("procedure", "receiving_agency").filter(code=code).first() if code else None


def _pay_page(request, dossier, *, error=None, status=200):
    context = {
        "dossier": dossier, "token": make_lookup_token(dossier.code), "charges": fees.charges(dossier),
        "due": fees.outstanding(dossier), "enabled": gateway.config().enabled, "error": error,
        "payments": list(dossier.payments.order_by("-created_at", "-pk")),
        "status_url": _status_url(dossier),
    }
    for payment in context["payments"]:
        payment.receipt_url = _receipt_url(payment)
    return render(request, "payments/pay.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request):
    """Nộp phí, lệ phí trực tuyến: what the dossier owes, and the way to the gateway."""
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t")
    dossier = _dossier_by_token(token)
    if dossier is None:
        raise Http404()
    if request.method == "GET":
        return _pay_page(request, dossier)
    return_url = settings.SITE_URL.rstrip("/") + reverse("payments:back")
    try:
        started = services.start_online_payment(dossier, return_url=return_url)
    except DomainError as exc:
        return _pay_page(request, dossier, error=exc.message, status=exc.http_status)
    return redirect(started.redirect_url)


@require_GET
def receipt_pdf(request, pk):
    payment = get_object_or_404(Payment.objects.select_related("dossier__procedure", "agency__unit", "recorded_by"),
                                pk=pk, status=PaymentStatus.PAID)
    by_token = read_lookup_token(request.GET.get("t", "")) == payment.dossier.code
    if not by_token and not (request.user.is_authenticated
                             and dossiers_for(request.user).filter(pk=payment.dossier_id).exists()):
        raise Http404()
    response = HttpResponse(receipt.render(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the counter ---------------------------------------------------------------------------


def clerk_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, Role.CLERK):
            raise PermissionDenied(_("Chức năng này không dành cho vai trò của bạn."))
        return view(request, *args, **kwargs)

    return wrapper


def _counter_page(request, dossier, *, error=None, status=200):
    payments = list(dossier.payments.select_related("recorded_by").order_by("-created_at", "-pk"))
    context = {"dossier": dossier, "charges": fees.charges(dossier), "due": fees.amount_due(dossier),
               "outstanding": fees.outstanding(dossier), "payments": payments, "error": error,
               "payable": dossier.status in services.PAYABLE_STATUSES, "paid": PaymentStatus.PAID,
               "online": PaymentChannel.ONLINE}
    return render(request, "payments/counter.html", context, status=status)


@clerk_only
@require_http_methods(["GET", "POST"])
def counter(request, pk):
    """Thu phí, lệ phí: the dossier's fee lines, exemptions and payments at the counter."""
    dossier = get_object_or_404(dossiers_for(request.user).select_related("procedure", "receiving_agency"), pk=pk)
    if request.method == "GET":
        return _counter_page(request, dossier)
    action = request.POST.get("action")
    try:
        if action == "record":
            try:
                amount = int(request.POST.get("amount", ""))
            except ValueError:
                return _counter_page(request, dossier, error=_("Số tiền không hợp lệ."), status=400)
            payment = services.record_counter_payment(dossier, actor=request.user, amount=amount)
            messages.success(request, _("Đã thu phí, lệ phí; biên lai số %(number)s.") % {"number": payment.receipt})
        elif action == "exempt":
            line = get_object_or_404(FeeLine, pk=request.POST.get("fee_line") or 0, procedure_id=dossier.procedure_id)
            services.grant_exemption(dossier, actor=request.user, fee_line=line, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã ghi nhận miễn khoản “%(name)s”.") % {"name": line.name})
        elif action == "query":
            payment = get_object_or_404(Payment, pk=request.POST.get("payment") or 0, dossier=dossier)
            if services.settle_by_query(payment) is None:
                messages.warning(request, _("Cổng thanh toán chưa trả lời; giao dịch vẫn chờ kết quả, thử lại sau."))
        else:
            return _counter_page(request, dossier, error=_("Thao tác không hợp lệ."), status=400)
    except DomainError as exc:
        dossier.refresh_from_db()
        return _counter_page(request, dossier, error=exc.message, status=exc.http_status)
    return redirect("payments:counter", pk=dossier.pk)
