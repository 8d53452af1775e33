"""Staff download of a dossier's uploaded file: login and the dossier's scope required."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from onestop.screens.files import open_or_refuse
from workflows.access import dossiers_for
from workflows.models import DossierFile


@login_required
def download(request, pk):
    file = DossierFile.objects.filter(pk=pk, dossier__in=dossiers_for(request.user)).first()
    if file is None:
        raise Http404()
    handle, refused = open_or_refuse(file)  # the hash is checked: a changed file is refused (410)
    if refused is not None:
        return refused
    response = FileResponse(handle, as_attachment=True, filename=file.original_name, content_type=file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
