"""The electronic result of a granted decision: coded, rendered, signed, stored, its hash audited."""
import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents.facts import person
from documents.result import GENERIC_RESULT
from signing import verify
from tests.documents.conftest import pdf_text
from tests.signing.conftest import keys, signing_on  # noqa: F401 -- the session's demo CA
from tests.signing.test_forms import assert_pades_and_trusted
from tests.world import at, receive
from workflows import audit, codes, services, uploads
from workflows.errors import InvalidInput
from workflows.models import DossierEvent, DossierFile, FileKind, ResultCodeCounter

LEADER_AGENCY = "000.02.06.H29"  # UBND xã Bình Lư: the agency of the leader's step


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


def on_disk(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def to_leader(world, *, now=None):
    dossier = receive(world, now=now or at(2026, 3, 2, 9))
    return services.complete_step(dossier, actor=world.specialist, note="Hồ sơ hợp lệ",
                                  now=(now or at(2026, 3, 2, 9)).replace(hour=14))


def grant(world, *, now=None):
    dossier = to_leader(world, now=now)
    return services.decide(dossier, actor=world.leader, outcome="granted",
                           now=(now or at(2026, 3, 2, 9)).replace(hour=16))


def the_result(dossier) -> DossierFile:
    return DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)


def test_a_granted_decision_stores_its_result_and_the_event_records_code_file_and_hash(world, media):
    world.commune_proc.result_document = "Giấy xác nhận tình trạng hôn nhân"
    world.commune_proc.save(update_fields=["result_document"])
    dossier = grant(world)
    result = the_result(dossier)
    assert result.result_code == f"{LEADER_AGENCY}/2026/00001"
    assert (result.content_type, result.original_name) == ("application/pdf", f"ket-qua-{dossier.code}.pdf")
    stored = uploads.read_bytes(result.stored_name)
    assert on_disk(media) == [uploads.path_of(result.stored_name)]
    event = DossierEvent.objects.get(dossier=dossier, action="decide")
    assert event.data["result"] == {"code": result.result_code, "file": result.pk,
                                    "sha256": hashlib.sha256(stored).hexdigest()}
    assert result.sha256 == event.data["result"]["sha256"] and result.size == len(stored)
    reader, text = pdf_text(stored)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND XÃ BÌNH LƯ", "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                     "Giấy xác nhận tình trạng hôn nhân", result.result_code, dossier.code, "Nguyễn Văn An",
                     person(world.leader), "THỦ TRƯỞNG CƠ QUAN", "02/03/2026"):
        assert expected in text, expected
    # No keys configured (the suite's default): stored unsigned, as the forms are.
    assert not reader.trailer["/Root"].get("/AcroForm")
    assert verify.verdict_for_file(result).status == verify.UNSIGNED


def test_result_codes_count_per_agency_and_year(world, media):
    first, second = grant(world), grant(world)
    next_year = grant(world, now=at(2027, 1, 4, 9))
    assert [the_result(d).result_code for d in (first, second, next_year)] == [
        f"{LEADER_AGENCY}/2026/00001", f"{LEADER_AGENCY}/2026/00002", f"{LEADER_AGENCY}/2027/00001"]
    assert codes.format_result_code("000.00.17.H29", 2026, 123456) == "000.00.17.H29/2026/123456"
    with pytest.raises(ValueError):
        codes.format_result_code("000.00.17.H29", 2026, 0)


def test_without_a_result_type_in_the_catalog_the_result_has_the_generic_name(world, media):
    _reader, text = pdf_text(uploads.read_bytes(the_result(grant(world)).stored_name))
    assert GENERIC_RESULT in text


def test_a_denial_stores_no_result_file(world, media, denied):
    assert not DossierFile.objects.filter(kind=FileKind.RESULT).exists() and on_disk(media) == []
    assert "result" not in DossierEvent.objects.get(dossier=denied, action="decide").data


def test_a_decision_that_fails_after_the_write_leaves_no_file_no_row_and_no_number(world, media, monkeypatch):
    dossier = to_leader(world)

    def broken(event):
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(audit, "save_event", broken)
    with pytest.raises(RuntimeError):
        services.decide(dossier, actor=world.leader, outcome="granted", now=at(2026, 3, 2, 16))
    assert on_disk(media) == [] and not DossierFile.objects.exists() and not ResultCodeCounter.objects.exists()
    dossier.refresh_from_db()
    assert dossier.outcome == "" and dossier.status == "processing"


def test_the_signed_result_validates_against_the_configured_root(signing_on, world, media, frozen_now):  # noqa: F811
    result = the_result(grant(world))
    data = uploads.read_bytes(result.stored_name)
    statuses = assert_pades_and_trusted(data, signing_on, frozen_now, count=2)
    # The leader signs with her own key, then the deciding agency's seal.
    assert [s.signing_cert.subject.native["common_name"] for _sig, s in statuses] == ["Lê Văn Lãnh Đạo",
                                                                                       "UBND xã Bình Lư"]
    assert [str(sig.sig_object["/Reason"]) for sig, _s in statuses] == ["Thủ trưởng cơ quan", "Đóng dấu của cơ quan"]
    assert hashlib.sha256(data).hexdigest() == result.sha256
    assert verify.verdict_for_file(result).status == verify.VALID
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_the_stored_names_are_refused_when_they_leave_the_storage(media):
    for name in ("../etc/passwd", "/etc/passwd", "a\\b.pdf", "", "dossiers/../../x.pdf"):
        with pytest.raises(InvalidInput):
            uploads.path_of(name)
