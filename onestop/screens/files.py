"""The documents a citizen sent (tệp đính kèm), opened on the counter's and the desk's dossier page.

A file is served only to a user who may see its dossier (`dossiers_for`), under its checked
content type (PDF, JPEG, PNG: `workflows.uploads`), inline so the page can preview it, and
fenced: no sniffing into another type, a sandboxed document that runs nothing and loads
nothing from elsewhere, framed only by our own pages.
"""
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from workflows import uploads
from workflows.access import dossiers_for
from workflows.errors import InvalidInput
from workflows.models import DossierFile

PREVIEWABLE = {"application/pdf": "pdf", "image/jpeg": "image", "image/png": "image"}

# The file is a document of its own: sandboxed (a unique origin, no scripts, no forms), no
# fetches, images and the PDF's own content only; framed only by our own pages.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

MAX_ID = 2**63 - 1


def files_of(dossier) -> list[DossierFile]:
    """The dossier's uploaded documents in upload order, each marked with how it previews."""
    files = list(DossierFile.objects.filter(dossier=dossier).select_related("required_document").order_by("pk"))
    for file in files:
        file.preview = PREVIEWABLE.get(file.content_type, "")
    return files


def _attachment_name(name: str) -> str:
    return name.replace('"', "").replace("\r", "").replace("\n", "")


@xframe_options_sameorigin
def serve(request, pk: int, file_id: int):
    """One uploaded file of dossier `pk`, inline (`?download=1`: as an attachment); 404 outside the scope."""
    if pk > MAX_ID or file_id > MAX_ID:
        raise Http404(_("Không tìm thấy tệp."))
    stored = (DossierFile.objects.filter(pk=file_id, dossier_id=pk, dossier__in=dossiers_for(request.user))
              .only("stored_name", "original_name", "content_type").first())
    if stored is None or stored.content_type not in PREVIEWABLE:
        raise Http404(_("Không tìm thấy tệp."))
    try:
        handle = uploads.path_of(stored.stored_name).open("rb")
    except (InvalidInput, OSError):
        raise Http404(_("Không tìm thấy tệp.")) from None
    response = FileResponse(handle, as_attachment=bool(request.GET.get("download")),
                            filename=_attachment_name(stored.original_name), content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
