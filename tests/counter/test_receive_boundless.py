"""The counter's form for a dossier received regardless of boundary (NĐ 118/2025 Art. 14)."""
import pytest
from django.urls import reverse

from tests.world import at
from workflows import services
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def test_the_counter_form_names_the_competent_unit_and_the_receipt_shows_both(client, commune_b, fake_documents):
    w = commune_b
    client.force_login(w.clerk)
    data = {"agency": w.counter.pk, "applicant_name": "Lò Văn Thành", "id_number": "011223344556",
            "phone": "0987654321", "competent_unit": w.other_commune.pk, "return_agency": w.counter.pk,
            "documents": [doc.pk for doc in w.commune_proc.documents.filter(is_mandatory=True)], "action": "confirm"}
    form = client.get(reverse("counter:receive", args=[w.commune_proc.pk])).content.decode()
    assert "Bản Bo" in form  # the competent unit is offered for a boundless procedure
    response = client.post(reverse("counter:receive", args=[w.commune_proc.pk]), data)
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.competent_unit == w.other_commune and d.received_out_of_area
    page = client.get(response["Location"]).content.decode()
    assert w.counter.name in page and "Bản Bo" in page


def test_the_counter_form_refuses_a_competent_unit_for_a_procedure_not_listed(clerk_client, world):
    data = {"agency": world.counter.pk, "applicant_name": "Lò Văn Thành", "competent_unit": world.other_commune.pk,
            "documents": [doc.pk for doc in world.commune_proc.documents.filter(is_mandatory=True)],
            "action": "confirm"}
    response = clerk_client.post(reverse("counter:receive", args=[world.commune_proc.pk]), data)
    assert response.status_code == 400
    assert not Dossier.objects.exists()


def test_an_interlinked_receipt_shows_the_first_units_appointment_and_the_whole(clerk_client, world):
    d = services.receive(
        actor=world.clerk, procedure=world.linked_proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An"), now=at(2026, 3, 2, 9),
        document_ids=[doc.pk for doc in world.linked_proc.documents.filter(is_mandatory=True)],
    ).dossier
    page = clerk_client.get(reverse("counter:receipt", args=[d.pk])).content.decode()
    assert "Hẹn hoàn thành tại đơn vị tiếp nhận hồ sơ" in page and "toàn bộ quy trình liên thông" in page
