"""Cấp lại mã bí mật tra cứu: a citizen who lost the receipt's secret gets a new one at the counter,
after the clerk checks their identity document against the dossier (logged: one `reissue_secret`
event naming the document checked, with the new secret's hash; the old secret stops working).

The new secret is shown once, on the page the action redirects to, and kept for reprinting the
receipt the way a new receipt keeps it (the counter's SESSION_SECRET).
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from workflows import services
from workflows.errors import DomainError
from workflows.errors import PermissionDenied as DomainPermissionDenied
from workflows.gates import dossier_or_404, role_required
from workflows.privacy import mask_id_number
from workflows.roles import Role

from .views import SESSION_SECRET

# The new secret until the page that shows it is drawn (once).
SESSION_REISSUED = "counter_reissued_secret"

DOCUMENT_KINDS = [
    ("cccd", gettext_lazy("Thẻ căn cước / Căn cước công dân")),
    ("passport", gettext_lazy("Hộ chiếu")),
    ("other", gettext_lazy("Giấy tờ tùy thân khác")),
]


def _digits(value: str) -> str:
    return "".join(c for c in (value or "") if c.isalnum()).upper()


class ReissueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    document_kind = forms.ChoiceField(label=gettext_lazy("Giấy tờ tùy thân đã kiểm tra"), choices=DOCUMENT_KINDS)
    document_number = forms.CharField(
        label=gettext_lazy("Số giấy tờ (nhập theo giấy tờ công dân xuất trình)"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú (không bắt buộc)"), required=False, max_length=300)

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    def clean_document_number(self):
        typed = _digits(self.cleaned_data["document_number"])
        known = {_digits(n) for n in (self.dossier.applicant_id_number, self.dossier.subject_id_number) if n}
        if known and typed not in known:
            raise forms.ValidationError(_("Số giấy tờ không khớp với số định danh đã khai trong hồ sơ: "
                                          "không cấp lại mã bí mật."))
        return typed

    def id_checked_note(self) -> str:
        data = self.cleaned_data
        kind = dict(DOCUMENT_KINDS)[data["document_kind"]]
        text = f"{kind} {mask_id_number(data['document_number'])}"
        return f"{text}; {data['note'].strip()}" if data["note"].strip() else text


def _page(request, dossier, form, *, secret=None, error=None, status=200):
    return render(request, "counter/reissue_secret.html", {
        "dossier": dossier, "form": form, "secret": secret, "error": error,
        "masked_id": mask_id_number(dossier.applicant_id_number),
    }, status=status)


@role_required(Role.CLERK)
@never_cache
@require_http_methods(["GET", "POST"])
def reissue_secret(request, pk):
    dossier = dossier_or_404(request.user, pk)
    if request.method == "GET":
        kept = request.session.get(SESSION_REISSUED)
        secret = None
        if kept and kept.get("dossier") == dossier.pk:
            secret = kept["secret"]
            del request.session[SESSION_REISSUED]  # shown once
        return _page(request, dossier, ReissueForm(initial={"version": dossier.event_count}, dossier=dossier),
                     secret=secret)
    form = ReissueForm(request.POST, dossier=dossier)
    if not form.is_valid():
        return _page(request, dossier, form, status=400)
    try:
        receipt = services.reissue_secret(dossier, actor=request.user, id_checked_note=form.id_checked_note(),
                                          expected_version=form.cleaned_data["version"])
    except DomainPermissionDenied as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        dossier = dossier_or_404(request.user, pk)
        fresh = ReissueForm(initial={"version": dossier.event_count}, dossier=dossier)
        return _page(request, dossier, fresh, error=error.message, status=error.http_status)
    kept = {"dossier": dossier.pk, "secret": receipt.secret}
    request.session[SESSION_REISSUED] = kept
    request.session[SESSION_SECRET] = kept  # the reprinted receipt carries the new secret
    messages.success(request, _("Đã cấp lại mã bí mật tra cứu của hồ sơ %(code)s; mã cũ không còn dùng được.")
                     % {"code": dossier.code})
    return redirect("counter:reissue_secret", pk=dossier.pk)
