"""Tái sử dụng: the citizen's earlier documents and results, offered at the counter instead of a new copy.

Found by the applicant's personal ID number among the province's other dossiers (indexed:
`dossier_applicant_id`, digitisation/migrations/0001_initial), so the citizen does not bring, and
the counter does not scan, what the province already holds (NĐ 45/2020 Art. 16 as amended by
NĐ 118/2025 Art. 40: data recorded once is reused). A file matches a component when it was filed
for the same required document or for one of the same name (catalog versions renumber their
components); a result document matches every component. Only the receiving counter's clerks see
the offer (`may_reuse`), and choosing one is checked again by the service (`offered_file`).
"""
from dataclasses import dataclass

from workflows import access
from workflows.folding import fold
from workflows.models import Dossier, DossierFile
from workflows.roles import Role

OFFERS_PER_COMPONENT = 10  # the newest; older ones are rarely wanted and would crowd the screen


@dataclass
class Offer:
    file: DossierFile
    dossier_code: str
    is_result: bool


def may_reuse(actor, dossier: Dossier) -> bool:
    return access.is_member(actor, dossier.receiving_agency_id, Role.CLERK)


def province_prefix(dossier: Dossier) -> str:
    """'/<province id>/': the root of the competent unit's path (every unit path starts there)."""
    return f"/{dossier.unit_path.strip('/').split('/')[0]}/"


def _is_result(file: DossierFile) -> bool:
    # The result document arrives with another change (DossierFile.kind); without it, none is one.
    return getattr(file, "kind", "") == "result"


def earlier_files(dossier: Dossier):
    """The person's files on the province's other dossiers, newest first (empty without an ID number)."""
    if not dossier.applicant_id_number:
        return DossierFile.objects.none()
    others = (Dossier.objects.filter(applicant_id_number=dossier.applicant_id_number,
                                     unit_path__startswith=province_prefix(dossier))
              .exclude(pk=dossier.pk).values("pk"))
    return (DossierFile.objects.filter(dossier__in=others).select_related("dossier", "required_document")
            .order_by("-uploaded_at", "-pk"))


def _matches(file: DossierFile, required_document) -> bool:
    if _is_result(file):
        return True
    if file.required_document_id is None or required_document is None:
        return False
    return (file.required_document_id == required_document.pk
            or fold(file.required_document.name) == fold(required_document.name))


def offers(dossier: Dossier, required_documents) -> dict[int, list[Offer]]:
    """For each required document (by id), the earlier files that may stand in for it."""
    files = list(earlier_files(dossier)[:200])  # one query; a person rarely has more
    found = {}
    for doc in required_documents:
        matching = [Offer(f, f.dossier.code, _is_result(f)) for f in files if _matches(f, doc)]
        found[doc.pk] = matching[:OFFERS_PER_COMPONENT]
    return found


def offered_file(dossier: Dossier, file_id, required_document) -> DossierFile | None:
    """The earlier file `file_id` if the offer for this component holds it (the person's, the province's)."""
    try:
        file_id = int(file_id)
    except (TypeError, ValueError):
        return None
    file = earlier_files(dossier).filter(pk=file_id).first()
    return file if file is not None and _matches(file, required_document) else None
