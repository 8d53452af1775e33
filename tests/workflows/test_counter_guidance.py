"""A guidance at the counter before receipt (Mẫu 02) is a contact the evaluation counts: the dossier
later received for the same person and procedure takes it over (TT 01/2018 Art. 13, indicators 3, 4)."""
import datetime as dt

import pytest

from reporting import rules
from tests.world import at
from workflows import services
from workflows.errors import InvalidInput, PermissionDenied
from workflows.models import CounterGuidance, Dossier

pytestmark = pytest.mark.django_db
PERSON = "011223344556"


def _guide(w, now, id_number=PERSON):
    return services.issue_guidance(actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
                                   applicant=services.Applicant(name="Lò Thị Mai", id_number=id_number),
                                   items=["Tờ khai có chữ ký"], now=now)


def _receive(w, now, id_number=PERSON):
    return services.receive(actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
                            applicant=services.Applicant(name="Lò Thị Mai", id_number=id_number),
                            document_ids=[d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)],
                            now=now).dossier


def _scores(d):
    return Dossier.objects.filter(pk=d.pk).annotate(i3=rules.indicator3(), i4=rules.indicator4()).values_list(
        "i3", "i4").get()


def test_the_dossier_received_later_takes_the_guidance_over(world):
    first = _guide(world, at(2026, 3, 2, 9))
    _guide(world, at(2026, 3, 2, 10), id_number="099999999999")  # someone else
    d = _receive(world, at(2026, 3, 3, 9))
    assert d.guidance_count == 1
    assert d.events.get(action="receive").data["guidances"] == [first.pk]
    assert list(d.guidances.all()) == [first]
    assert _scores(d) == (1, 1)  # one contact, with the counter
    # taken over once: a second dossier of the same person finds nothing left
    assert _receive(world, at(2026, 3, 4, 9)).guidance_count == 0


def test_two_guidances_score_no_point_and_none_scores_two(world):
    _guide(world, at(2026, 3, 2, 9))
    _guide(world, at(2026, 3, 2, 14))
    assert _scores(_receive(world, at(2026, 3, 3, 9))) == (0, 1)
    assert _scores(_receive(world, at(2026, 3, 3, 10), id_number="088888888888")) == (2, 2)


def test_an_old_guidance_is_another_attempt(world):
    _guide(world, at(2026, 1, 2, 9))
    assert _receive(world, at(2026, 1, 2, 9) + dt.timedelta(days=91)).guidance_count == 0


def test_a_guidance_needs_items_and_a_clerk_of_the_counter(world):
    applicant = services.Applicant(name="Lò Thị Mai")
    with pytest.raises(InvalidInput):
        services.issue_guidance(actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
                                applicant=applicant, items=[" "], now=at(2026, 3, 2, 9))
    with pytest.raises(PermissionDenied):
        services.issue_guidance(actor=world.other_clerk, procedure=world.commune_proc, agency=world.counter,
                                applicant=applicant, items=["Tờ khai"], now=at(2026, 3, 2, 9))
    assert not CounterGuidance.objects.exists()
