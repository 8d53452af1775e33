"""Every form onestop signs, validated with pyHanko's own validator against the configured root."""
import io

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents.facts import person
from documents.render import render_form
from signing import forms, verify
from signing.keys import signing_available
from tests.world import at, receive
from workflows import services


def validated(data: bytes, roots, moment):
    """pyHanko's status for each embedded signature, in the order they were applied."""
    reader = PdfFileReader(io.BytesIO(data))
    statuses = []
    for signature in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, moment=moment, allow_fetching=False)
        statuses.append((signature, validate_pdf_signature(signature, context)))
    return statuses


def assert_pades_and_trusted(data, keys, moment, *, count=1):
    statuses = validated(data, keys.roots, moment)
    assert len(statuses) == count
    for signature, status in statuses:
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.bottom_line
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        assert status.validation_path[0].subject == keys.roots[0].subject
    return statuses


def _stopped(world):
    dossier = services.start_processing(receive(world, now=at(2025, 7, 2, 9)), actor=world.specialist,
                                        now=at(2025, 7, 2, 10))
    return services.stop(dossier, actor=world.clerk, reason="Đã được giải quyết ở nơi khác", channel="counter",
                         now=at(2025, 7, 3, 14, 30))


def test_a_signed_receipt_is_signed_by_the_receiving_agency_for_the_clerk(signing_on, received, frozen_now):
    data = forms.signed_form("receipt", received, secret="ABCD2345")
    [(signature, status)] = assert_pades_and_trusted(data, signing_on, frozen_now)
    assert status.signing_cert.subject.native["common_name"] == "Bộ phận Một cửa xã Bình Lư"
    assert str(signature.sig_object["/Reason"]) == "Người tiếp nhận hồ sơ"
    assert str(signature.sig_object["/Name"]) == person(received.events.get(action="receive").actor)
    assert verify.verify_pdf(data, trust_roots=signing_on.roots, moment=frozen_now).status == verify.VALID


def test_the_counter_serves_the_receipt_signed(signing_on, world, received, client, frozen_now):
    client.force_login(world.clerk)
    response = client.get(reverse("counter:form", args=[received.pk, "receipt"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_pades_and_trusted(response.content, signing_on, frozen_now)


@pytest.mark.parametrize(("fixture", "kind", "reason", "signers"), [
    ("awaiting_supplement", "supplement_request", "Người hướng dẫn", ["Công chức Tư pháp – Hộ tịch xã Bình Lư"]),
    ("refused_at_counter", "refusal", "Người tiếp nhận hồ sơ", ["Bộ phận Một cửa xã Bình Lư"]),
    # the leader has a key of her own; the agency's seal follows
    ("denied", "refusal", "Thủ trưởng cơ quan", ["Lê Văn Lãnh Đạo", "UBND xã Bình Lư"]),
    ("extended", "apology", "Đóng dấu của cơ quan", ["Công chức Tư pháp – Hộ tịch xã Bình Lư"]),
])
def test_each_signed_form_validates_against_the_root(signing_on, request, frozen_now, fixture, kind, reason, signers):
    dossier = request.getfixturevalue(fixture)
    data = forms.signed_form(kind, dossier)
    statuses = assert_pades_and_trusted(data, signing_on, frozen_now, count=len(signers))
    assert [s.signing_cert.subject.native["common_name"] for _sig, s in statuses] == signers
    assert str(statuses[0][0].sig_object["/Reason"]) == reason
    assert verify.verify_pdf(data, trust_roots=signing_on.roots, moment=frozen_now).status == verify.VALID


def test_the_stop_notice_is_signed_by_the_receiving_officer(signing_on, world, frozen_now):
    data = forms.signed_form("stop_notice", _stopped(world))
    [(signature, status)] = assert_pades_and_trusted(data, signing_on, frozen_now)
    assert str(signature.sig_object["/Reason"]) == "Người tiếp nhận hồ sơ"
    assert str(signature.sig_object["/Name"]) == person(world.clerk)


def test_the_control_slip_is_not_signed(signing_on, world, frozen_now):
    dossier = receive(world)
    assert forms.signing_plan("control_slip", dossier) == []
    data = forms.signed_form("control_slip", dossier)
    assert verify.verify_pdf(data, trust_roots=signing_on.roots, moment=frozen_now).status == verify.UNSIGNED


def test_without_keys_the_forms_are_served_unsigned(world, received, frozen_now):
    assert not signing_available(world.counter)
    data = forms.signed_form("receipt", received)
    assert data == render_form("receipt", received)
    assert verify.verify_pdf(data, trust_roots=[], moment=frozen_now).status == verify.UNSIGNED


def test_an_agency_without_a_key_serves_its_forms_unsigned(signing_on, world, frozen_now):
    assert signing_available(world.counter) and not signing_available(world.other_counter)
    dossier = receive(world, clerk=world.other_clerk, agency=world.other_counter)
    data = forms.signed_form("receipt", dossier)
    assert verify.verify_pdf(data, trust_roots=signing_on.roots, moment=frozen_now).status == verify.UNSIGNED
