"""The official forms as PDF, in the set of the dossier's legal frame (workflows.frames).

    FORMS[frame.key][kind] -> layout.Form(kind, number, title, circular)
        The appendix of each circular. TT 01/2018/TT-VPCP: 01 receipt, 02 supplement request,
        03 refusal, 04 apology, 05 control slip, 06 tracking book. TT 03/2025/TT-VPCP: 01–03 the
        same, 04 apology and request for extension, 05 stop notice (new), 06 control slip,
        07 tracking book. A dossier prints the set of its frame for good.
    render_form(kind, dossier, *, secret=None, status_url=None) -> bytes
        One of FORM_KINDS on A5. Raises ValueError for an unknown kind and
        workflows.errors.TransitionNotAllowed when the form does not apply to the dossier.
    render_tracking_book(agency, date_from, date_to) -> bytes
        The tracking book (sổ theo dõi hồ sơ) on A4 landscape for the dossiers received in the
        period, numbered as the set in force on `date_from`.

Forms only read; callers scope access (workflows.access.dossiers_for) before rendering.
The fonts are bundled (fonts/, Liberation Serif, SIL OFL 1.1) so output never depends on
the machine.
"""
import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from workflows.errors import TransitionNotAllowed
from workflows.frames import FRAME_2018, FRAME_2025, LegalFrame, frame_of, frame_on
from workflows.models import Outcome
from workflows.statuses import Status

from . import control_slip, notices, receipt, tracking_book
from .layout import Form

# The kinds render_form knows, in the order of the set in force. Stable names: URLs and
# screens use them; the numbers differ between the sets.
FORM_KINDS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_slip")
TRACKING_BOOK = "tracking_book"  # in the tables for its number; printed by render_tracking_book

RECEIPT_TITLE = gettext_noop("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
SUPPLEMENT_TITLE = gettext_noop("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
REFUSAL_TITLE = gettext_noop("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
CONTROL_SLIP_TITLE = gettext_noop("Phiếu kiểm soát quá trình giải quyết hồ sơ")
TRACKING_BOOK_TITLE = gettext_noop("Sổ theo dõi hồ sơ")


def _set(frame: LegalFrame, rows) -> dict[str, Form]:
    return {kind: Form(kind, number, title, frame.circular) for kind, number, title in rows}


# Marked with gettext_noop so the staff screens' labels (onestop.screens.views.FORM_LABELS) are in
# the catalog; the PDFs print them untranslated, as the circulars word them.
FORMS: dict[str, dict[str, Form]] = {
    FRAME_2018.key: _set(FRAME_2018, [  # TT 01/2018/TT-VPCP Art. 9–10
        ("receipt", "01", RECEIPT_TITLE),
        ("supplement_request", "02", SUPPLEMENT_TITLE),
        ("refusal", "03", REFUSAL_TITLE),
        ("apology", "04", gettext_noop("Phiếu xin lỗi và hẹn lại ngày trả kết quả")),
        ("control_slip", "05", CONTROL_SLIP_TITLE),
        (TRACKING_BOOK, "06", TRACKING_BOOK_TITLE),
    ]),
    FRAME_2025.key: _set(FRAME_2025, [  # TT 03/2025/TT-VPCP Appendix I
        ("receipt", "01", RECEIPT_TITLE),
        ("supplement_request", "02", SUPPLEMENT_TITLE),
        ("refusal", "03", REFUSAL_TITLE),
        ("apology", "04", gettext_noop("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")),
        ("stop_notice", "05", gettext_noop("Thông báo dừng giải quyết hồ sơ")),  # Art. 7
        ("control_slip", "06", CONTROL_SLIP_TITLE),
        (TRACKING_BOOK, "07", TRACKING_BOOK_TITLE),
    ]),
}

_RENDERERS = {
    "receipt": receipt.render,
    "supplement_request": notices.render_supplement_request,
    "refusal": notices.render_refusal,
    "apology": notices.render_apology,
    "stop_notice": notices.render_stop_notice,
    "control_slip": control_slip.render,
}


def forms_of(frame: LegalFrame) -> dict[str, Form]:
    """The set of a legal frame, kind → form, tracking book included."""
    return FORMS[frame.key]


def form_titles(frame: LegalFrame = FRAME_2025) -> dict[str, str]:
    """kind → title of the forms render_form prints in a frame's set (by default the newest, which
    has every kind): labels for the screens."""
    return {kind: FORMS[frame.key][kind].title for kind in FORM_KINDS if kind in FORMS[frame.key]}


def form_of(kind: str, dossier) -> Form | None:
    """The form `kind` in the set of the dossier's frame, or None when that set has no such form."""
    return FORMS[frame_of(dossier).key].get(kind)


def applicable_kinds(dossier) -> list[str]:
    """The form kinds that apply to `dossier` now, read from its row alone (no query): for
    showing download buttons. render_form makes the authoritative check."""
    kinds = set()
    if dossier.received_at is not None:
        kinds.add("receipt")
    if dossier.supplement_count:
        kinds.add("supplement_request")
    if dossier.status == Status.REFUSED or dossier.outcome == Outcome.DENIED:
        kinds.add("refusal")
    if dossier.extension_count:
        kinds.add("apology")
    if dossier.status == Status.STOPPED:
        kinds.add("stop_notice")
    if dossier.received_at is not None and dossier.process_id is not None:
        kinds.add("control_slip")
    available = FORMS[frame_of(dossier).key]
    return [kind for kind in FORM_KINDS if kind in kinds and kind in available]


def render_form(kind: str, dossier, *, secret: str | None = None, status_url: str | None = None) -> bytes:
    """The form `kind` of the dossier's set as PDF bytes (A5). The secret is printed only when given."""
    if kind not in _RENDERERS:
        raise ValueError(f"Unknown form kind {kind!r}; expected one of {', '.join(FORM_KINDS)}.")
    form = form_of(kind, dossier)
    if form is None:
        raise TransitionNotAllowed(_("Biểu mẫu này không có trong bộ biểu mẫu áp dụng cho hồ sơ."))
    renderer = _RENDERERS[kind]
    # The forms are Vietnamese by law, whatever language the request runs in.
    with translation.override("vi"):
        if kind == "receipt":
            return renderer(dossier, form=form, secret=secret, status_url=status_url)
        return renderer(dossier, form=form)


def render_counter_guidance(guidance) -> bytes:
    """Mẫu 02 for a guidance at the counter before receipt, in the set in force on its day."""
    with translation.override("vi"):
        form = FORMS[frame_on(timezone.localtime(guidance.issued_at).date()).key]["supplement_request"]
        return notices.render_counter_guidance(guidance, form=form)


def tracking_book_form(date_from: dt.date) -> Form:
    """The tracking book's form for a period: the set in force on its first day."""
    return FORMS[frame_on(date_from).key][TRACKING_BOOK]


def render_tracking_book(agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The tracking book of `agency`: the dossiers it received from `date_from` to `date_to` inclusive."""
    with translation.override("vi"):
        form = tracking_book_form(date_from) if isinstance(date_from, dt.date) else None
        return tracking_book.render(agency, date_from, date_to, form=form)


def filename(kind: str, dossier) -> str:
    """A download name such as 'mau-01-000.01.06.H29-260302-0001.pdf' (the number of the dossier's set)."""
    form = form_of(kind, dossier)
    return f"mau-{form.number if form else kind}-{dossier.code}.pdf"


__all__ = [
    "FORM_KINDS", "FORMS", "TRACKING_BOOK", "applicable_kinds", "filename", "form_of", "form_titles", "forms_of",
    "render_counter_guidance", "render_form", "render_tracking_book", "tracking_book_form",
]
