"""Uploaded files are served only through the permission-checked endpoint."""
import hashlib

import pytest

from workflows.models import DossierFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings, tmp_path, dossier):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 to khai"
    (tmp_path / "ab12cd34.pdf").write_bytes(content)
    return DossierFile.objects.create(
        dossier=dossier, stored_name="ab12cd34.pdf", original_name="tờ khai.pdf", content_type="application/pdf",
        size=len(content), sha256=hashlib.sha256(content).hexdigest(),
    )


def test_staff_who_see_the_dossier_download_its_file(api, world, stored, dossier):
    detail = api(world.clerk).get(f"/api/dossiers/{dossier.pk}/").json()
    assert [f["original_name"] for f in detail["files"]] == ["tờ khai.pdf"]
    response = api(world.specialist).get(detail["files"][0]["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 to khai"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_others_get_401_or_404(api, world, stored, dossier):
    path = f"/api/dossiers/{dossier.pk}/files/{stored.pk}/"
    assert api().get(path).status_code == 401
    assert api(world.other_clerk).get(path).status_code == 404  # out of scope: as if it did not exist
    assert api(world.clerk).get(f"/api/dossiers/{dossier.pk}/files/987654/").status_code == 404
    assert api(world.clerk).get(f"/api/dossiers/{dossier.pk}/files/99999999999999999999999/").status_code == 404


def test_a_stored_name_escaping_the_upload_folder_is_never_served(api, world, stored):
    DossierFile.objects.filter(pk=stored.pk).update(stored_name="../../etc/passwd")
    assert api(world.clerk).get(f"/api/dossiers/{stored.dossier_id}/files/{stored.pk}/").status_code == 404


def test_uploads_have_no_public_url(client, stored):
    from django.conf import settings

    assert not getattr(settings, "MEDIA_URL", "").strip("/")
    assert client.get("/media/ab12cd34.pdf").status_code == 404
    assert client.get("/uploads/ab12cd34.pdf").status_code == 404
