"""The official forms as the staff screens serve them: rendered by documents.render, then signed.

    signed_form(kind, dossier, *, secret=None) -> bytes
    signing_plan(kind, dossier, *, decider=None, deciding_agency=None) -> list[Signing]
        who signs a form, in order (empty: not signed)
    sign_by_plan(pdf, plan, dossier) -> bytes      a rendered document signed by a plan

Who signs what (docs/decisions/0024-digital-signatures.md): the officer who acted signs in the
capacity the form prints under its signature line, with their own key when they have one and
otherwise with the key of the agency in the form's heading (their name then goes in the
signature's Name entry); a form whose signature line says "đóng dấu" also gets the agency's seal
signature, a second signature by the agency's key.

    receipt (Mẫu 01)             the receiving officer ("Người tiếp nhận hồ sơ"), receiving agency
    supplement request (Mẫu 02)  the officer who asked ("Người hướng dẫn"), the agency asking
    refusal (Mẫu 03), at the counter   the receiving officer, receiving agency
    refusal (Mẫu 03), after a denial   the leader who decided ("Thủ trưởng cơ quan"), their agency,
                                 and its seal
    apology (Mẫu 04)             the agency's seal (its head signs the paper)
    stop notice (Mẫu 05)         the receiving officer, receiving agency (the seal alone when the
                                 stop was the system's: a supplement not brought in time)
    control slip                 not signed: an internal slip signed by hand at each hand-off
    result (documents/result.py) the leader who decided ("Thủ trưởng cơ quan"), their agency, and
                                 its seal; signed once, when the decision is recorded
                                 (workflows.results), which names the decider and the agency
                                 before the decide event exists

Without configured keys the forms come back unsigned, as before.
"""
from dataclasses import dataclass

from documents import render as forms_pdf
from documents.facts import person
from workflows.models import Outcome
from workflows.statuses import Status

from .keys import has_personal_key, load_config, signing_available
from .sign import sign_pdf

RECEIVING_OFFICER = "Người tiếp nhận hồ sơ"
GUIDING_OFFICER = "Người hướng dẫn"
HEAD_OF_AGENCY = "Thủ trưởng cơ quan"
SEAL = "Đóng dấu của cơ quan"


@dataclass(frozen=True)
class Signing:
    agency: object
    reason: str
    field_name: str
    officer: object = None  # a user; None for the agency's seal

    @property
    def signer_name(self) -> str:
        return person(self.officer) if self.officer is not None else self.agency.name


def _last(dossier, *actions):
    return dossier.events.filter(action__in=actions).select_related("actor", "agency").order_by("-seq").first()


def signing_plan(kind: str, dossier, *, decider=None, deciding_agency=None) -> list[Signing]:
    """The signatures form `kind` of `dossier` gets, in the order they are applied. For the result,
    `decider` and `deciding_agency` name the leader and agency while the decision is being recorded
    (afterwards the last decide event says who)."""
    counter = dossier.receiving_agency
    if kind == "result":
        if deciding_agency is None:
            event = _last(dossier, "decide")
            decider, deciding_agency = (event.actor, event.agency) if event else (None, None)
        agency = deciding_agency or counter
        return [Signing(agency, HEAD_OF_AGENCY, "ThuTruong", decider), Signing(agency, SEAL, "DauCoQuan")]
    if kind == "receipt":
        event = _last(dossier, "receive", "accept_online")
        return [Signing(counter, RECEIVING_OFFICER, "NguoiTiepNhan", event.actor if event else None)]
    if kind == "supplement_request":
        event = _last(dossier, "request_supplement")
        agency = (event.agency if event else None) or counter
        return [Signing(agency, GUIDING_OFFICER, "NguoiHuongDan", event.actor if event else None)]
    if kind == "refusal":
        if dossier.outcome == Outcome.DENIED:
            event = _last(dossier, "decide")
            agency = (event.agency if event else None) or counter
            return [Signing(agency, HEAD_OF_AGENCY, "ThuTruong", event.actor if event else None),
                    Signing(agency, SEAL, "DauCoQuan")]
        event = _last(dossier, "refuse", "refuse_at_counter")
        return [Signing(counter, RECEIVING_OFFICER, "NguoiTiepNhan", event.actor if event else None)]
    if kind == "apology":
        event = _last(dossier, "extend")
        return [Signing((event.agency if event else None) or counter, SEAL, "DauCoQuan")]
    if kind == "stop_notice" and dossier.status == Status.STOPPED:
        event = _last(dossier, "stop", "expire_supplement")
        if event is None or event.actor is None:
            return [Signing(counter, SEAL, "DauCoQuan")]
        return [Signing(counter, RECEIVING_OFFICER, "NguoiTiepNhan", event.actor)]
    return []


def signed_form(kind: str, dossier, *, secret: str | None = None) -> bytes:
    """Form `kind` of `dossier` as PDF, signed by its plan where keys are configured (see above)."""
    return sign_by_plan(forms_pdf.render_form(kind, dossier, secret=secret), signing_plan(kind, dossier), dossier)


def sign_by_plan(pdf: bytes, plan: list[Signing], dossier, *, config=None) -> bytes:
    """`pdf` signed by each signing of `plan` that has a key; unchanged without configured keys."""
    config = config or load_config()
    if not config.configured:
        return pdf
    for signing in plan:
        officer = signing.officer
        if not signing_available(signing.agency, officer, config=config):
            continue
        # With no personal key the agency's key signs, on the officer's behalf (their name in /Name).
        uses_own_key = officer is not None and has_personal_key(officer, config=config)
        pdf = sign_pdf(pdf, agency=signing.agency, officer=officer if uses_own_key else None, reason=signing.reason,
                       field_name=signing.field_name, signer_name=signing.signer_name,
                       location=dossier.receiving_unit.name if dossier.receiving_unit_id else None, config=config)
    return pdf
