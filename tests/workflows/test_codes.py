"""Dossier codes: `<identifier>-YYMMDD-XXXX` with at least four digits and as many as needed, and
`<identifier>-YYMMDD-AAXXXX` for procedures run on a centralised national service (TT 03/2025
Art. 13.3, added by TT 04/2025 Art. 23.2). A code is issued once, at receipt, and never changes."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from documents.render import render_form
from procedures.versions import publish_new_version
from tests.documents.conftest import pdf_text
from tests.world import at, receive
from workflows import codes, services
from workflows.errors import InvalidInput
from workflows.models import Dossier, DossierCodeCounter

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _counter_at(agency, number, day=DAY):
    """As if `number` dossiers had been received by `agency` on `day` already."""
    DossierCodeCounter.objects.update_or_create(agency=agency, day=day, defaults={"last_number": number})


def test_the_sequence_has_at_least_four_digits_and_is_never_cut():
    assert codes.SEQUENCE_MIN_DIGITS == 4
    assert codes.format_code("000.01.06.H29", DAY, 1) == "000.01.06.H29-260302-0001"
    assert codes.format_code("000.01.06.H29", DAY, 9999) == "000.01.06.H29-260302-9999"
    assert codes.format_code("000.01.06.H29", DAY, 10000) == "000.01.06.H29-260302-10000"
    assert codes.format_code("000.01.06.H29", DAY, 123456) == "000.01.06.H29-260302-123456"
    with pytest.raises(ValueError):
        codes.format_code("000.01.06.H29", DAY, 0)


def test_the_ten_thousandth_dossier_of_a_day_gets_five_digits(world):
    _counter_at(world.counter, 9998)
    ninth = receive(world, now=at(2026, 3, 2, 9))
    tenth = receive(world, now=at(2026, 3, 2, 10))
    after = receive(world, now=at(2026, 3, 2, 11))
    assert [d.code for d in (ninth, tenth, after)] == [
        "000.01.06.H29-260302-9999", "000.01.06.H29-260302-10000", "000.01.06.H29-260302-10001"]
    assert Dossier.objects.get(pk=tenth.pk).code == "000.01.06.H29-260302-10000"  # stored whole
    assert "000.01.06.H29-260302-10000" in pdf_text(render_form("receipt", tenth))[1]
    # The next day starts at 0001 again, whatever the day before reached.
    assert receive(world, now=at(2026, 3, 3, 9)).code == "000.01.06.H29-260303-0001"


def test_a_centrally_run_procedure_gets_the_host_owners_two_digits_before_the_sequence(world):
    proc = world.commune_proc
    proc.central_service, proc.central_host_code = True, "01"
    instant = at(2026, 3, 2, 9)
    assert codes.issue_code(world.counter, instant, proc) == "000.01.06.H29-260302-010001"
    assert codes.issue_code(world.counter, instant, proc) == "000.01.06.H29-260302-010002"
    # One daily counter for both formats: numbers stay unique across them.
    assert codes.issue_code(world.counter, instant) == "000.01.06.H29-260302-0003"
    assert codes.issue_code(world.counter, instant, world.linked_proc) == "000.01.06.H29-260302-0004"
    _counter_at(world.counter, 9999)
    assert codes.issue_code(world.counter, instant, proc) == "000.01.06.H29-260302-0110000"


@pytest.mark.parametrize("host_code", ["", "1", "1A", "١٢"])
def test_a_centrally_run_procedure_without_two_host_digits_gets_no_code(world, host_code):
    proc = world.commune_proc
    proc.central_service, proc.central_host_code = True, host_code
    with pytest.raises(InvalidInput):
        codes.issue_code(world.counter, at(2026, 3, 2, 9), proc)
    assert not DossierCodeCounter.objects.filter(agency=world.counter).exists()  # no number spent


def test_the_catalog_accepts_only_two_digits_for_the_host_owner(world):
    with pytest.raises(ValidationError) as caught:
        publish_new_version(world.commune_proc, dt.date(2026, 1, 25), central_service=True, central_host_code="A1")
    assert "central_host_code" in caught.value.message_dict
    new = publish_new_version(world.commune_proc, dt.date(2026, 1, 25), central_service=True,
                              central_host_code="01")
    assert (new.central_service, new.central_host_code) == (True, "01")


def test_a_code_issued_under_the_old_format_never_changes(world):
    old = receive(world, now=at(2025, 6, 30, 9))
    assert old.code == "000.01.06.H29-250630-0001"
    # TT 04/2025 in force on 25/01/2026: the procedure becomes centrally run from a new version.
    central = publish_new_version(world.commune_proc, dt.date(2026, 1, 25), central_service=True,
                                  central_host_code="01")
    d = services.complete_step(old, actor=world.specialist, now=at(2026, 2, 2, 9))
    d = services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 2, 2, 10))
    d = services.return_result(d, actor=world.clerk, collected_by="An", now=at(2026, 2, 2, 11))
    assert Dossier.objects.get(pk=old.pk).code == "000.01.06.H29-250630-0001"
    assert "000.01.06.H29-250630-0001" in pdf_text(render_form("receipt", d))[1]
    assert codes.issue_code(world.counter, at(2026, 2, 2, 9), central) == "000.01.06.H29-260202-010001"


def test_a_receipt_of_a_centrally_run_procedure_gets_the_central_code(world):
    proc = world.commune_proc
    proc.central_service, proc.central_host_code = True, "01"
    proc.save(update_fields=["central_service", "central_host_code"])
    assert receive(world, now=at(2026, 3, 2, 9)).code == "000.01.06.H29-260302-010001"
