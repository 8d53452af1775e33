"""The electronic result of a granted decision (kết quả giải quyết điện tử; docs/decisions/0028).

    issue_result(dossier, *, actor, agency, now, written) -> DossierFile
        Inside `services.decide`'s transaction, with the dossier's flow locked: takes the result's
        code (workflows.codes.issue_result_code, the deciding agency's yearly counter), renders the
        result (documents.result), signs it by the plan of kind "result" (signing.forms: the leader
        who decided, then the agency's seal; unsigned when no key is configured, or when
        settings.ONESTOP_SIGN_RESULTS is off, as in the demo's bulk simulation), stores it in the
        dossiers' storage and records the DossierFile (kind "result"). The stored name is appended
        to `written` before the row exists, so the caller removes the file if its transaction fails.

Only `services.decide` calls this: it is part of that one user action, and its event records the
result's code, file and hash.
"""
import hashlib

from django.conf import settings

from . import codes, uploads
from .models import DossierFile, FileKind

PDF = "application/pdf"


def issue_result(dossier, *, actor, agency, now, written: list) -> DossierFile:
    # Imported here: documents and signing read workflows' models, which import nothing of theirs.
    from documents.result import filename, render_result
    from signing.forms import sign_by_plan, signing_plan

    code = codes.issue_result_code(agency, now)
    pdf = render_result(dossier, code=code, agency=agency, signer=actor, decided_at=now)
    if getattr(settings, "ONESTOP_SIGN_RESULTS", True):
        pdf = sign_by_plan(pdf, signing_plan("result", dossier, decider=actor, deciding_agency=agency), dossier)
    stored_name = uploads.store_bytes(pdf, PDF, now)
    written.append(stored_name)
    return DossierFile.objects.create(
        dossier=dossier, kind=FileKind.RESULT, result_code=code, stored_name=stored_name,
        original_name=filename(dossier), content_type=PDF, size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_at=now,
    )


def result_of(dossier) -> DossierFile | None:
    """The dossier's electronic result, if its decision produced one."""
    return DossierFile.objects.filter(dossier=dossier, kind=FileKind.RESULT).order_by("-pk").first()
