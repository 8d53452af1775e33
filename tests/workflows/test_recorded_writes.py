"""Writes beside the flow that feed official figures (ratings, complaints) or the dossier's evidence
(files) go through a service: one transaction, exactly one audit event, nothing stored when refused."""
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import services as petition_services
from petitions.models import Petition
from tests import factories as f
from tests.world import at, receive
from workflows import audit, services, uploads
from workflows.audit import verify_chain
from workflows.codes import make_lookup_token
from workflows.errors import Conflict, InvalidInput, PermissionDenied, TransitionNotAllowed
from workflows.models import Dossier, DossierEvent, DossierFile, FileKind, SatisfactionRating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


def on_disk(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def returned(w) -> Dossier:
    d = services.complete_step(receive(w), actor=w.specialist, now=at(2026, 3, 2, 14))
    d = services.decide(d, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 10))
    return services.return_result(d, actor=w.clerk, collected_by="Nguyễn Văn An", now=at(2026, 3, 3, 15))


def assert_one_event(dossier: Dossier, before: int, action: str) -> DossierEvent:
    events = list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("seq"))
    assert len(events) == before + 1 and events[-1].action == action
    fresh = Dossier.objects.get(pk=dossier.pk)
    report = verify_chain(fresh)
    assert report.ok and report.checked == before + 1
    return events[-1]


def assert_nothing_recorded(dossier: Dossier, before: int):
    assert DossierEvent.objects.filter(dossier_id=dossier.pk).count() == before
    assert Dossier.objects.get(pk=dossier.pk).event_count == before


# --- ratings (đánh giá mức độ hài lòng) ---------------------------------------------------


def test_a_rating_is_stored_with_one_event(world):
    d = returned(world)
    before = d.event_count
    rating = services.rate(d, rating="satisfied", comment="  Nhanh, chu đáo ")
    assert (rating.rating, rating.comment) == ("satisfied", "Nhanh, chu đáo")
    event = assert_one_event(d, before, "rate")
    assert event.actor_id is None and event.data["rating"] == "satisfied"
    assert (event.from_status, event.to_status) == ("returned", "returned")
    assert rating.dossier.event_count == before + 1


@pytest.mark.parametrize(("case", "error"), [
    ("unknown value", InvalidInput),
    ("not returned yet", TransitionNotAllowed),
    ("second rating", TransitionNotAllowed),
])
def test_a_bad_rating_is_refused_and_nothing_is_stored(world, case, error):
    d = receive(world) if case == "not returned yet" else returned(world)
    if case == "second rating":
        d = services.rate(d, rating="normal").dossier
    ratings, before = SatisfactionRating.objects.count(), d.event_count
    with pytest.raises(error):
        services.rate(d, rating="excellent" if case == "unknown value" else "satisfied")
    assert SatisfactionRating.objects.count() == ratings
    assert_nothing_recorded(d, before)


def test_the_portal_shows_a_second_rating_as_a_form_error_not_a_500(client, world):
    d = returned(world)
    token = make_lookup_token(d.code)
    first = client.post(reverse("portal:rate"), {"token": token, "rating": "satisfied"})
    assert first.status_code == 302
    again = client.post(reverse("portal:rate"), {"token": token, "rating": "not_satisfied"})
    assert again.status_code == 409
    assert "Hồ sơ này đã được đánh giá." in again.content.decode()
    assert "errorlist" in again.content.decode()
    assert SatisfactionRating.objects.get(dossier=d).rating == "satisfied"
    assert DossierEvent.objects.filter(dossier=d, action="rate").count() == 1


# --- complaints (phản ánh, kiến nghị; indicator 7) ----------------------------------------


@pytest.fixture
def people(world):
    """Who may and may not take and conclude complaints about a dossier of the commune counter."""
    w = world
    elsewhere = f.unit("Phong Thổ", "district", parent=w.province, code="107")
    return {
        "clerk": w.clerk,
        "counter_leader": f.user("counter_leader", "leader", [w.counter]),
        "supervisor": w.supervisor,  # supervises the district that holds the commune
        "province_supervisor": f.user("province_supervisor", "supervisor", [w.province_pc],
                                      supervised_unit=w.province),
        "other_supervisor": f.user("other_supervisor", "supervisor", [w.district_pc], supervised_unit=elsewhere),
        "specialist": w.specialist,  # processes the dossier, but does not answer for the counter
        "other_clerk": w.other_clerk,
        "leader_elsewhere": w.leader,  # a leader of the commune's people's committee, not the counter
    }


def test_a_complaint_is_recorded_with_one_event(world):
    d = receive(world)
    before = d.event_count
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="  Chậm trả kết quả ",
                                          received_at=at(2026, 3, 2, 10), now=at(2026, 3, 2, 11))
    assert (complaint.text, complaint.received_at, complaint.resolved_at) == (
        "Chậm trả kết quả", at(2026, 3, 2, 10), None)
    event = assert_one_event(d, before, "record_complaint")
    assert event.actor_id == world.clerk.pk and event.data["complaint"] == complaint.pk
    assert event.note == "Chậm trả kết quả"


@pytest.mark.parametrize(("who", "allowed"), [
    ("clerk", True), ("counter_leader", True), ("supervisor", True), ("province_supervisor", True),
    ("other_supervisor", False), ("specialist", False), ("other_clerk", False), ("leader_elsewhere", False),
])
def test_who_may_record_a_complaint(world, people, who, allowed):
    d = receive(world)
    before = d.event_count
    if allowed:
        petition_services.record_complaint(d, actor=people[who], text="Nhũng nhiễu")
        assert_one_event(d, before, "record_complaint")
    else:
        with pytest.raises(PermissionDenied):
            petition_services.record_complaint(d, actor=people[who], text="Nhũng nhiễu")
        assert not Petition.objects.exists()
        assert_nothing_recorded(d, before)


@pytest.mark.parametrize("bad", ["empty text", "received in the future"])
def test_a_bad_complaint_is_refused_and_nothing_is_stored(world, bad):
    d = receive(world)
    now = at(2026, 3, 2, 11)
    with pytest.raises(InvalidInput):
        petition_services.record_complaint(
            d, actor=world.clerk, text="   " if bad == "empty text" else "Chậm",
            received_at=now + dt.timedelta(days=1) if bad == "received in the future" else None, now=now,
        )
    assert not Petition.objects.exists()
    assert_nothing_recorded(d, 1)


def test_a_complaint_is_concluded_once_with_one_event(world):
    d = receive(world)
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="Phản ánh sai sự thật",
                                          now=at(2026, 3, 2, 11))
    before = complaint.dossier.event_count
    resolved = petition_services.resolve_complaint(complaint, actor=world.supervisor, unsubstantiated=True,
                                          note="Đã xác minh: không đúng", now=at(2026, 3, 4, 9))
    assert (resolved.resolved_at, resolved.unsubstantiated) == (at(2026, 3, 4, 9), True)
    event = assert_one_event(d, before, "resolve_complaint")
    assert event.data == {"complaint": complaint.pk, "unsubstantiated": True}
    assert event.note == "Đã xác minh: không đúng"

    with pytest.raises(TransitionNotAllowed):  # concluded once: not again, not reversed
        petition_services.resolve_complaint(complaint, actor=world.supervisor, unsubstantiated=False)
    complaint.refresh_from_db()
    assert (complaint.resolved_at, complaint.unsubstantiated) == (at(2026, 3, 4, 9), True)
    assert_nothing_recorded(d, before + 1)


@pytest.mark.parametrize(("who", "allowed"), [
    ("counter_leader", True), ("supervisor", True), ("province_supervisor", True),
    ("clerk", False), ("other_supervisor", False), ("specialist", False), ("leader_elsewhere", False),
])
def test_who_may_conclude_a_complaint(world, people, who, allowed):
    d = receive(world)
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="Chậm trả kết quả")
    before = complaint.dossier.event_count
    if allowed:
        petition_services.resolve_complaint(complaint, actor=people[who], unsubstantiated=False)
        assert_one_event(d, before, "resolve_complaint")
    else:
        with pytest.raises(PermissionDenied):
            petition_services.resolve_complaint(complaint, actor=people[who], unsubstantiated=False)
        complaint.refresh_from_db()
        assert complaint.resolved_at is None
        assert_nothing_recorded(d, before)


def test_a_conclusion_must_say_substantiated_or_not(world):
    d = receive(world)
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="Chậm trả kết quả")
    with pytest.raises(InvalidInput):
        petition_services.resolve_complaint(complaint, actor=world.supervisor, unsubstantiated=None)
    complaint.refresh_from_db()
    assert complaint.resolved_at is None


def test_a_stale_version_is_a_conflict(world):
    d = receive(world)
    with pytest.raises(Conflict):
        petition_services.record_complaint(d, actor=world.clerk, text="Chậm", expected_version=d.event_count - 1)
    assert not Petition.objects.exists()


# --- files (tệp đính kèm) -------------------------------------------------------------------


@pytest.fixture
def submission(world):
    proc = world.commune_proc
    proc.online_level = "partial"
    proc.save()
    return services.submit_online(
        procedure=proc, agency=world.counter, applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        document_ids=[], now=at(2026, 3, 2, 9),
    ).dossier


def checked(name="to-khai.pdf", content=PDF):
    return uploads.check(SimpleUploadedFile(name, content, "application/pdf"))


def test_a_file_is_stored_with_its_row_and_one_event(world, submission, media):
    doc = world.commune_proc.documents.get(is_mandatory=True)
    file = services.attach_file(submission, checked_file=checked(), required_document=doc, now=at(2026, 3, 2, 9, 1))
    stored = DossierFile.objects.get()
    assert (stored.pk, stored.required_document_id, stored.size) == (file.pk, doc.pk, len(PDF))
    assert uploads.path_of(stored.stored_name).read_bytes() == PDF
    assert stored.uploaded_at == at(2026, 3, 2, 9, 1)
    event = assert_one_event(submission, 1, "attach_file")
    assert event.actor_id is None
    assert (event.data["sha256"], event.data["size"], event.data["file"]) == (stored.sha256, len(PDF), stored.pk)


def test_a_clerk_attaches_a_scan_to_an_open_dossier(world, media):
    d = receive(world)
    services.attach_file(d, actor=world.clerk, checked_file=checked("ban-chup.pdf"))
    event = assert_one_event(d, 1, "attach_file")
    assert event.actor_id == world.clerk.pk and len(on_disk(media)) == 1


@pytest.mark.parametrize("case", ["citizen on a received dossier", "clerk of another counter",
                                  "document of another procedure", "closed dossier"])
def test_a_refused_file_leaves_no_row_and_no_file(world, submission, media, case):
    target, actor, doc, error = submission, None, None, TransitionNotAllowed
    if case == "citizen on a received dossier":
        target = receive(world)
    elif case == "clerk of another counter":
        actor, error = world.other_clerk, PermissionDenied
    elif case == "document of another procedure":
        doc, error = world.linked_proc.documents.first(), InvalidInput
    else:
        target, actor = returned(world), world.clerk
    before, kept = target.event_count, on_disk(media)  # a granted dossier has its result stored already
    with pytest.raises(error):
        services.attach_file(target, actor=actor, checked_file=checked(), required_document=doc)
    assert not DossierFile.objects.filter(kind=FileKind.SUBMITTED).exists() and on_disk(media) == kept
    assert_nothing_recorded(target, before)


def test_a_failure_after_the_write_removes_the_file(world, submission, media, monkeypatch):
    def broken(event):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "save_event", broken)
    with pytest.raises(RuntimeError):
        services.attach_file(submission, checked_file=checked())
    assert not DossierFile.objects.exists() and on_disk(media) == []
    assert_nothing_recorded(submission, 1)


# --- the admin: complaints are read-only, written through the services ----------------------


@pytest.fixture
def admin_supervisor(world):
    from django.contrib.auth.models import Permission

    user = f.user("admin_supervisor", "supervisor", [world.district_pc], supervised_unit=world.district,
                  is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_petition", "add_petition"]))
    return user


def test_the_admin_cannot_change_or_delete_a_complaint(client, world):
    d = receive(world)
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="Chậm trả kết quả")
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    change = reverse("admin:petitions_petition_change", args=[complaint.pk])
    assert client.get(change).status_code == 200  # viewable
    response = client.post(change, {"text": "sửa", "unsubstantiated": "on", "received_at_0": "02/03/2026",
                                    "received_at_1": "09:00:00"})
    assert response.status_code == 403
    delete = reverse("admin:petitions_petition_delete", args=[complaint.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    complaint.refresh_from_db()
    assert (complaint.text, complaint.unsubstantiated) == ("Chậm trả kết quả", False)


def test_the_admin_records_a_complaint_through_the_service(client, world, admin_supervisor):
    d = receive(world)
    client.force_login(admin_supervisor)
    add = reverse("admin:petitions_petition_add")
    assert client.get(add, {"dossier": d.code}).status_code == 200
    response = client.post(add, {"dossier": d.code, "text": "Nhũng nhiễu"})
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Petition.objects.get()
    assert complaint.text == "Nhũng nhiễu"
    assert_one_event(d, 1, "record_complaint")


def test_the_admin_shows_a_refusal_as_a_form_error(client, world):
    d = receive(world)
    staff = f.user("staff_specialist", "specialist", [world.justice], is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(reverse("admin:petitions_petition_add"), {"dossier": d.code, "text": "Nhũng nhiễu"})
    assert response.status_code == 200
    assert "Bạn không có quyền" in response.content.decode()
    assert not Petition.objects.exists()


def test_the_admin_concludes_complaints_with_an_action(client, world, admin_supervisor):
    d = receive(world)
    complaint = petition_services.record_complaint(d, actor=world.clerk, text="Phản ánh sai")
    client.force_login(admin_supervisor)
    response = client.post(reverse("admin:petitions_petition_changelist"), {
        "action": "resolve_unsubstantiated", "_selected_action": [complaint.pk], "index": 0,
    })
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.unsubstantiated and complaint.resolved_at is not None
    assert_one_event(d, 2, "resolve_complaint")
