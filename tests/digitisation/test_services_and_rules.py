"""The services' rules, the reuse offer's scope, the named rule "digitised dossier" and the shares command."""
from io import StringIO

import pytest
from django.core.management import call_command

from digitisation import reuse, rules, services
from digitisation.models import Component, Source
from tests.counter.conftest import submit_online
from tests.digitisation.helpers import ALL_CHECKS, digitise, mandatory, receive, scan
from workflows import services as workflow_services
from workflows.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier

pytestmark = pytest.mark.django_db


def both_forms(dossier) -> bool:
    """The rule for one dossier, after checking that its SQL form agrees."""
    dossier.refresh_from_db()
    in_sql = Dossier.objects.filter(rules.digitised_q(), pk=dossier.pk).exists()
    assert in_sql == rules.is_digitised(dossier)
    return in_sql


def test_the_named_rule_on_a_few_cases(world):
    paper = receive(world)
    assert not both_forms(paper)  # nothing recorded yet
    services.digitise(paper, actor=world.clerk, required_document=world.commune_proc.documents.get(
        is_mandatory=False), upload=scan(), pages=1, originals=0, copies=1, checks=ALL_CHECKS)
    assert not both_forms(paper)  # only the optional component
    services.exempt(paper, actor=world.clerk, required_document=mandatory(world), reason="classified")
    assert both_forms(paper)

    from_store = receive(world, id_number="")
    services.from_data_store(from_store, actor=world.clerk, required_document=mandatory(world), reference="VNeID:9")
    assert both_forms(from_store)

    online = submit_online(world)
    assert not both_forms(online)  # submitted, not received yet
    online = workflow_services.accept_online(online, actor=world.clerk)
    assert both_forms(online)  # filed online: electronic from the start


def test_exemption_needs_a_listed_reason(world):
    dossier = receive(world)
    for reason in ("", "anything"):
        with pytest.raises(InvalidInput):
            services.exempt(dossier, actor=world.clerk, required_document=mandatory(world), reason=reason)
    assert not Component.objects.exists()


def test_only_the_receiving_counter_and_an_open_dossier(world):
    dossier = receive(world)
    with pytest.raises(PermissionDenied):
        services.exempt(dossier, actor=world.other_clerk, required_document=mandatory(world), reason="shown_only")
    with pytest.raises(PermissionDenied):
        services.digitise(dossier, actor=world.specialist, required_document=mandatory(world), upload=scan(),
                          pages=1, originals=1, copies=0, checks=ALL_CHECKS)
    workflow_services.stop(dossier, actor=world.clerk, reason="Không còn nhu cầu", channel="counter")
    with pytest.raises(TransitionNotAllowed):
        services.exempt(dossier, actor=world.clerk, required_document=mandatory(world), reason="shown_only")


def test_an_online_dossier_is_electronic_not_digitised(world, settings):
    online = workflow_services.accept_online(submit_online(world), actor=world.clerk)
    with pytest.raises(InvalidInput):
        services.exempt(online, actor=world.clerk, required_document=mandatory(world), reason="shown_only")
    assert services.record_electronic(online, actor=world.clerk) == []  # no file sent: nothing to record


def test_reuse_offers_only_the_same_persons_files_in_the_province(world):
    mine = digitise(world, receive(world, id_number="011000000002"))
    theirs = digitise(world, receive(world, id_number="011000000003", name="Trần Thị Hoa"))
    elsewhere_dossier = receive(world, id_number="011000000002")
    elsewhere = digitise(world, elsewhere_dossier)
    Dossier.objects.filter(pk=elsewhere_dossier.pk).update(unit_path="/999999/")  # another province's dossier

    dossier = receive(world, id_number="011000000002")
    offered = [o.file for o in reuse.offers(dossier, [mandatory(world)])[mandatory(world).pk]]
    assert offered == [mine.file]
    for file in (theirs.file, elsewhere.file):
        with pytest.raises(InvalidInput):
            services.reuse(dossier, actor=world.clerk, required_document=mandatory(world), file_id=file.pk)
    with pytest.raises(PermissionDenied):
        services.reuse(dossier, actor=world.other_clerk, required_document=mandatory(world), file_id=mine.file.pk)
    row = services.reuse(dossier, actor=world.clerk, required_document=mandatory(world), file_id=mine.file.pk)
    assert row.source == Source.REUSED

    anonymous = receive(world, id_number="")
    assert reuse.offers(anonymous, [mandatory(world)]) == {mandatory(world).pk: []}


def test_a_file_of_another_component_is_not_offered(world):
    optional = world.commune_proc.documents.get(is_mandatory=False)
    earlier = digitise(world, receive(world, id_number="011000000004"), optional)
    dossier = receive(world, id_number="011000000004")
    assert reuse.offers(dossier, [mandatory(world)])[mandatory(world).pk] == []
    with pytest.raises(InvalidInput):
        services.reuse(dossier, actor=world.clerk, required_document=mandatory(world), file_id=earlier.file.pk)


def test_the_shares_command_prints_the_figures(world):
    digitise(world, receive(world, id_number="011000000005"))
    reused = receive(world, id_number="011000000005")
    earlier_file = Component.objects.get().file
    services.reuse(reused, actor=world.clerk, required_document=mandatory(world), file_id=earlier_file.pk)
    receive(world, id_number="011000000006")  # not digitised
    decided = receive(world, id_number="011000000007")
    decided = workflow_services.complete_step(decided, actor=world.specialist)
    workflow_services.decide(decided, actor=world.leader, outcome="granted")

    # the granted decision issued the electronic result
    assert rules.shares() == rules.Shares(received=4, digitised=2, with_reuse=1, decided=1, electronic_result=1)
    out = StringIO()
    call_command("digitisation_shares", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Hồ sơ đã tiếp nhận: 4",
        "Hồ sơ được số hóa (4.2): 2   50.0% / 4",
        "Hồ sơ có thành phần tái sử dụng (4.3): 1   25.0% / 4",
        "Hồ sơ đã có quyết định: 1",
        "Hồ sơ có kết quả điện tử (4.1): 1  100.0% / 1",
    ]


def test_the_shares_command_refuses_a_bad_date(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("digitisation_shares", "--from", "02/12/2026", stdout=StringIO())
