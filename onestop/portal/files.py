"""Staff download of a dossier's uploaded file: login and the dossier's scope required."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from workflows import uploads
from workflows.access import dossiers_for
from workflows.errors import InvalidInput
from workflows.models import DossierFile


@login_required
def download(request, pk):
    file = DossierFile.objects.filter(pk=pk, dossier__in=dossiers_for(request.user)).first()
    if file is None:
        raise Http404()
    try:
        path = uploads.path_of(file.stored_name)
        handle = path.open("rb")
    except (InvalidInput, OSError):
        raise Http404() from None
    response = FileResponse(handle, as_attachment=True, filename=file.original_name, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
