"""The petition's lifecycle through petitions.services: each step checks who acts and the state,
and leaves its trail (the petition's own steps; the dossier's audited events when about one)."""
import pytest

from petitions import services
from petitions.models import Petition, PetitionChannel, PetitionEvent, PetitionState
from tests.world import at, receive
from workflows.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import DossierEvent

pytestmark = pytest.mark.django_db


def _public(world, **kw):
    return services.receive(
        text=kw.pop("text", "Cán bộ hướng dẫn chưa rõ ràng"), agency=world.counter, channel=PetitionChannel.PUBLIC,
        petitioner_name="Lê Thị Hoa", petitioner_contact="0912345678", now=kw.pop("now", at(2026, 4, 29, 9)), **kw)


def test_a_public_petition_goes_through_every_step(world, holidays):
    p = _public(world)
    assert (p.state, p.channel, p.dossier_id, p.agency_id) == (PetitionState.RECEIVED, "public", None,
                                                               world.counter.pk)
    assert p.refuse_due_at == at(2026, 5, 5, 9) and p.handle_due_at == at(2026, 5, 22, 9)
    p = services.classify(p, actor=world.clerk, classification="conduct", now=at(2026, 4, 29, 10))
    p = services.ask_for_more(p, actor=world.clerk, text="Cho biết ngày, giờ đến quầy", now=at(2026, 5, 4, 9))
    assert p.state == PetitionState.AWAITING_INFO
    p = services.info_received(p, actor=world.clerk, note="Gọi điện", now=at(2026, 5, 6, 9))
    assert p.state == PetitionState.RECEIVED
    assert p.handle_due_at == at(2026, 5, 27, 9)  # 15 working days from Wednesday 6/5 09:00
    p = services.answer(p, actor=world.clerk, answer="Đã nhắc nhở cán bộ.", now=at(2026, 5, 8, 9))
    assert (p.state, p.resolved_at, p.publish_due_at) == (PetitionState.ANSWERED, at(2026, 5, 8, 9),
                                                          at(2026, 5, 12, 9))
    p = services.publish(p, actor=world.clerk, now=at(2026, 5, 11, 9))
    assert (p.state, p.published_at) == (PetitionState.PUBLISHED, at(2026, 5, 11, 9))
    p = services.record_dislike(p, actor=world.clerk, now=at(2026, 5, 12, 9))
    assert p.disliked
    steps = list(PetitionEvent.objects.filter(petition=p).values_list("action", "from_state", "to_state", "actor"))
    assert steps == [
        ("receive", "", "received", None),
        ("classify_petition", "received", "received", world.clerk.pk),
        ("ask_petition_info", "received", "awaiting_info", world.clerk.pk),
        ("petition_info_received", "awaiting_info", "received", world.clerk.pk),
        ("answer_petition", "received", "answered", world.clerk.pk),
        ("publish_petition", "answered", "published", world.clerk.pk),
        ("dislike_petition", "published", "published", world.clerk.pk),
    ]
    assert not DossierEvent.objects.filter(action__contains="petition").exists()


def test_a_petition_about_a_dossier_writes_the_dossiers_events(world):
    d = receive(world, now=at(2026, 3, 2, 9))
    p = services.record_complaint(d, actor=world.clerk, text="Chậm", now=at(2026, 3, 3, 9))
    assert p.agency_id == world.counter.pk and p.channel == PetitionChannel.COUNTER
    services.answer(p, actor=world.clerk, answer="Đã trả kết quả", now=at(2026, 3, 4, 9))
    actions = list(DossierEvent.objects.filter(dossier=d).order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["record_complaint", "answer_petition"]
    event = DossierEvent.objects.get(dossier=d, action="answer_petition")
    assert event.data == {"petition": p.pk, "unsubstantiated": False} and event.actor_id == world.clerk.pk


@pytest.mark.parametrize("step, call", [
    ("publish", lambda p, w: services.publish(p, actor=w.clerk)),
    ("info_received", lambda p, w: services.info_received(p, actor=w.clerk)),
    ("dislike", lambda p, w: services.record_dislike(p, actor=w.clerk)),
])
def test_a_step_from_the_wrong_state_is_refused_with_the_state_named(world, step, call):
    p = _public(world)
    with pytest.raises(TransitionNotAllowed) as error:
        call(p, world)
    assert "Đã tiếp nhận, đang xử lý" in str(error.value.message)
    assert error.value.http_status == 409
    assert Petition.objects.get().state == PetitionState.RECEIVED


def test_a_refused_petition_takes_no_more_steps(world):
    p = services.refuse(_public(world), actor=world.clerk, reason="Không thuộc thẩm quyền", now=at(2026, 4, 29, 10))
    assert (p.state, p.refuse_reason, p.refused_at) == ("refused", "Không thuộc thẩm quyền", at(2026, 4, 29, 10))
    for call in (lambda: services.answer(p, actor=world.clerk, answer="x"),
                 lambda: services.ask_for_more(p, actor=world.clerk, text="x"),
                 lambda: services.refuse(p, actor=world.clerk, reason="x")):
        with pytest.raises(TransitionNotAllowed):
            call()


def test_information_is_asked_for_once(world):
    p = services.ask_for_more(_public(world), actor=world.clerk, text="Ngày đến quầy", now=at(2026, 4, 29, 10))
    p = services.info_received(p, actor=world.clerk, now=at(2026, 4, 29, 11))
    with pytest.raises(TransitionNotAllowed):
        services.ask_for_more(p, actor=world.clerk, text="Lần nữa")


def test_publishing_needs_an_answer_text(world):
    d = receive(world, now=at(2026, 3, 2, 9))
    p = services.record_complaint(d, actor=world.clerk, text="Chậm", now=at(2026, 3, 3, 9))
    p = services.resolve_complaint(p, actor=world.supervisor, unsubstantiated=False, now=at(2026, 3, 4, 9))
    assert p.state == PetitionState.ANSWERED
    with pytest.raises(TransitionNotAllowed, match="kết quả xử lý"):
        services.publish(p, actor=world.clerk)


def test_who_handles_and_who_concludes(world):
    p = _public(world)
    for outsider in (world.other_clerk, world.specialist, world.district_clerk):
        with pytest.raises(PermissionDenied):
            services.classify(p, actor=outsider, classification="other")
    # the district's supervisor holds the commune in their subtree
    services.classify(p, actor=world.supervisor, classification="other")
    # a clerk answers, but only a leader or a supervisor finds a petition unsubstantiated
    with pytest.raises(PermissionDenied):
        services.answer(p, actor=world.clerk, answer="Không đúng", unsubstantiated=True)
    services.answer(p, actor=world.supervisor, answer="Không đúng", unsubstantiated=True)


def test_a_public_petition_needs_its_sender_and_a_counter_one_its_handler(world):
    with pytest.raises(InvalidInput):
        services.receive(text="Nội dung", agency=world.counter, channel="public", petitioner_name="An")
    with pytest.raises(PermissionDenied):
        services.receive(text="Nội dung", agency=world.counter, channel="counter")
    with pytest.raises(InvalidInput):
        _public(world, text="   ")
    with pytest.raises(PermissionDenied):
        services.receive(text="Nội dung", agency=world.counter, actor=world.other_clerk)
    assert not Petition.objects.exists()


def test_a_petition_raised_again_names_the_earlier_one(world):
    first = services.answer(_public(world), actor=world.clerk, answer="Đã xử lý", now=at(2026, 4, 29, 10))
    again = _public(world, re_raised_from=first, now=at(2026, 4, 29, 11))
    assert list(first.re_raised_by.all()) == [again]
