"""The official forms of TT 01/2018/TT-VPCP (Art. 9–10) as PDF.

    render_form(kind, dossier, *, secret=None, status_url=None) -> bytes
        Mẫu 01–05 on A5. Raises ValueError for an unknown kind and
        workflows.errors.TransitionNotAllowed when the form does not apply to the dossier.
    render_tracking_book(agency, date_from, date_to) -> bytes
        Mẫu 06 (sổ theo dõi hồ sơ) on A4 landscape for the dossiers received in the period.

Forms only read; callers scope access (workflows.access.dossiers_for) before rendering.
The fonts are bundled (fonts/, Liberation Serif, SIL OFL 1.1) so output never depends on
the machine.
"""
import datetime as dt

from django.utils import translation

from workflows.models import Outcome
from workflows.statuses import Status

from . import control_slip, notices, receipt, tracking_book

FORM_KINDS = ("receipt", "supplement_request", "refusal", "apology", "control_slip")

# kind → (Mẫu number, Vietnamese name, renderer)
FORMS = {
    "receipt": ("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", receipt.render),
    "supplement_request": ("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", notices.render_supplement_request),
    "refusal": ("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", notices.render_refusal),
    "apology": ("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", notices.render_apology),
    "control_slip": ("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ", control_slip.render),
}


def applicable_kinds(dossier) -> list[str]:
    """The form kinds that apply to `dossier` now, read from its row alone (no query): for
    showing download buttons. render_form makes the authoritative check."""
    kinds = []
    if dossier.received_at is not None:
        kinds.append("receipt")
    if dossier.supplement_count:
        kinds.append("supplement_request")
    if dossier.status == Status.REFUSED or dossier.outcome == Outcome.DENIED:
        kinds.append("refusal")
    if dossier.extension_count:
        kinds.append("apology")
    if dossier.received_at is not None and dossier.process_id is not None:
        kinds.append("control_slip")
    return kinds


def render_form(kind: str, dossier, *, secret: str | None = None, status_url: str | None = None) -> bytes:
    """One of Mẫu 01–05 for `dossier` as PDF bytes (A5). The secret is printed only when given."""
    if kind not in FORMS:
        raise ValueError(f"Unknown form kind {kind!r}; expected one of {', '.join(FORM_KINDS)}.")
    renderer = FORMS[kind][2]
    # The forms are Vietnamese by law, whatever language the request runs in.
    with translation.override("vi"):
        if kind == "receipt":
            return renderer(dossier, secret=secret, status_url=status_url)
        return renderer(dossier)


def render_tracking_book(agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """Mẫu 06 for `agency`: the dossiers it received from `date_from` to `date_to` inclusive."""
    with translation.override("vi"):
        return tracking_book.render(agency, date_from, date_to)


def filename(kind: str, dossier) -> str:
    """A download name such as 'mau-01-000.01.06.H29-260302-0001.pdf'."""
    return f"mau-{FORMS[kind][0]}-{dossier.code}.pdf"


__all__ = ["FORM_KINDS", "FORMS", "applicable_kinds", "filename", "render_form", "render_tracking_book"]
