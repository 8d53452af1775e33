import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_submission_switched_off_points_to_the_national_portal(client, settings):
    settings.ONLINE_SUBMISSION_ENABLED = False
    response = client.get(reverse("portal:submit_choose"))
    assert response.status_code == 200
    assert b"dichvucong.gov.vn" in response.content


def test_submission_on_by_default(client):
    response = client.get(reverse("portal:submit_choose"))
    assert b"dichvucong.gov.vn" not in response.content
