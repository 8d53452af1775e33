"""The documents a citizen sent (tệp đính kèm), opened on the counter's and the desk's dossier page.

A file is served only to a user who may see its dossier (`dossiers_for`), under its checked
content type (PDF, JPEG, PNG: `workflows.uploads`), inline so the page can preview it, and
fenced: no sniffing into another type, a sandboxed document that runs nothing and loads
nothing from elsewhere, framed only by our own pages. A file is opened through the dossiers'
storage and its bytes checked against the hash recorded when it was stored
(`uploads.open_verified`): a changed file is refused with 410 and a log line, never served.
"""
from django.http import FileResponse, Http404, HttpResponseGone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from workflows import uploads
from workflows.access import dossiers_for
from workflows.models import DossierFile, FileKind

PREVIEWABLE = {"application/pdf": "pdf", "image/jpeg": "image", "image/png": "image"}

# The file is a document of its own: sandboxed (a unique origin, no scripts, no forms), no
# fetches, images and the PDF's own content only; framed only by our own pages.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

MAX_ID = 2**63 - 1


def files_of(dossier, kind: str = FileKind.SUBMITTED) -> list[DossierFile]:
    """The dossier's documents of `kind` (by default those sent in) in upload order, each marked with
    how it previews."""
    files = list(DossierFile.objects.filter(dossier=dossier, kind=kind).select_related("required_document")
                 .order_by("pk"))
    for file in files:
        file.preview = PREVIEWABLE.get(file.content_type, "")
    return files


def tampered_response():
    """What a request for a stored file that no longer matches its hash gets: 410, a message."""
    return HttpResponseGone(_("Tệp lưu trữ không còn khớp với mã băm đã ghi nhận khi lưu (có thể đã bị thay đổi), "
                              "hệ thống không cung cấp tệp này. Đề nghị báo quản trị hệ thống."),
                            content_type="text/plain; charset=utf-8")


def open_or_refuse(stored: DossierFile):
    """The verified stored bytes as an open file, or the response that refuses them (404, 410)."""
    try:
        return uploads.open_verified(stored), None
    except uploads.StoredFileError as error:
        if error.tampered:
            return None, tampered_response()
        raise Http404(_("Không tìm thấy tệp.")) from None


def _attachment_name(name: str) -> str:
    return name.replace('"', "").replace("\r", "").replace("\n", "")


@xframe_options_sameorigin
def serve(request, pk: int, file_id: int):
    """One uploaded file of dossier `pk`, inline (`?download=1`: as an attachment); 404 outside the scope."""
    if pk > MAX_ID or file_id > MAX_ID:
        raise Http404(_("Không tìm thấy tệp."))
    stored = (DossierFile.objects.filter(pk=file_id, dossier_id=pk, dossier__in=dossiers_for(request.user))
              .only("dossier_id", "stored_name", "original_name", "content_type", "sha256").first())
    if stored is None or stored.content_type not in PREVIEWABLE:
        raise Http404(_("Không tìm thấy tệp."))
    handle, refused = open_or_refuse(stored)
    if refused is not None:
        return refused
    response = FileResponse(handle, as_attachment=bool(request.GET.get("download")),
                            filename=_attachment_name(stored.original_name), content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
