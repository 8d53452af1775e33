"""The verdict on signed PDFs: valid, unsigned, modified (bytes changed, content added), invalid,
unknown signer, expired; and on the citizens' uploads, beside the document on the staff page."""
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from signing import ca, verify
from signing.keys import load_certificates
from signing.sign import sign_pdf
from signing.verify import verdict_for_file, verify_pdf
from tests.world import at
from workflows import services, uploads

from .conftest import plain_pdf

COUNTER = "000.01.06.H29"


def signed(keys, text="To khai cua cong dan"):
    return sign_pdf(plain_pdf(text), agency=COUNTER, reason="Kiểm thử", field_name="Sig1")


def signed_by(settings, tmp_path, issued, chain):
    """A PDF signed by a key that is not in the configuration (another CA, an expired certificate)."""
    path = ca.write_pkcs12(tmp_path / "other.p12", issued, chain=chain, passphrase=None)
    settings.ONESTOP_SIGNING = {"agencies": {"X": {"pkcs12": str(path)}}}
    return sign_pdf(plain_pdf(), agency="X", reason="Kiểm thử", field_name="Sig1")


def verdict(data, keys, moment):
    return verify_pdf(data, trust_roots=keys.roots, moment=moment)


def test_a_pdf_signed_by_an_agency_of_the_root_is_valid(signing_on, frozen_now):
    result = verdict(signed(signing_on), signing_on, frozen_now)
    assert result.status == verify.VALID and result.ok
    [report] = result.signatures
    assert (report.signer, report.reason, report.field_name) == ("Bộ phận Một cửa xã Bình Lư", "Kiểm thử", "Sig1")
    assert report.signed_at == frozen_now
    assert result.label == "Chữ ký số hợp lệ"


def test_an_unsigned_pdf_is_unsigned(signing_on, frozen_now):
    result = verdict(plain_pdf(), signing_on, frozen_now)
    assert result.status == verify.UNSIGNED and result.signatures == ()


def test_changed_signed_bytes_are_reported_as_modified(signing_on, frozen_now):
    data = signed(signing_on, "Nguoi nop: Nguyen Van An")
    assert data.count(b"Nguyen Van An") == 1
    tampered = data.replace(b"Nguyen Van An", b"Nguyen Van Ba")
    assert verdict(tampered, signing_on, frozen_now).status == verify.MODIFIED


def test_content_added_after_signing_is_reported_as_modified(signing_on, frozen_now):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed(signing_on)))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 300 Td (DA DUYET) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    result = verdict(out.getvalue(), signing_on, frozen_now)
    assert result.status == verify.MODIFIED
    assert result.label == "Tài liệu đã bị thay đổi sau khi ký"


def test_bytes_appended_after_signing_are_reported_as_modified(signing_on, frozen_now):
    data = signed(signing_on) + b"\n% appended after signing\n" + b"x" * 64
    assert verdict(data, signing_on, frozen_now).status == verify.MODIFIED


def test_a_broken_signature_value_is_invalid(signing_on, frozen_now):
    data = signed(signing_on)
    start = data.index(b"/Contents <") + len(b"/Contents <")
    # Flip one hex digit well inside the CMS blob (its signature value is near the end of the DER).
    end = data.index(b">", start)
    blob = data[start:end].rstrip(b"0")
    position = start + len(blob) - 10
    flipped = b"1" if data[position:position + 1] != b"1" else b"2"
    tampered = data[:position] + flipped + data[position + 1:]
    assert verdict(tampered, signing_on, frozen_now).status == verify.INVALID


def test_a_signer_from_another_ca_is_unknown(signing_on, settings, tmp_path, frozen_now):
    data = signed_by(settings, tmp_path, signing_on.stranger, [signing_on.stranger_root.certificate])
    result = verdict(data, signing_on, frozen_now)
    assert result.status == verify.UNKNOWN_SIGNER
    assert result.signer == "Người lạ"


def test_a_certificate_expired_at_the_moment_is_expired(signing_on, settings, tmp_path, frozen_now):
    data = signed_by(settings, tmp_path, signing_on.expired, [signing_on.expired_root.certificate])
    assert verdict(data, signing_on, frozen_now).status == verify.EXPIRED
    # The same file checked while the certificate was valid (its signing time is the test's clock,
    # but the check is at the moment given) is valid.
    assert verdict(data, signing_on, at(2024, 6, 1)).status == verify.VALID


def test_a_valid_certificate_checked_after_its_end_is_expired(signing_on, frozen_now):
    data = signed(signing_on)
    assert verdict(data, signing_on, dt.datetime(2035, 6, 1, tzinfo=dt.UTC)).status == verify.EXPIRED


def test_the_worst_signature_gives_the_verdict(signing_on, settings, tmp_path, frozen_now):
    path = ca.write_pkcs12(tmp_path / "other.p12", signing_on.stranger,
                           chain=[signing_on.stranger_root.certificate], passphrase=None)
    twice = sign_pdf(signed(signing_on), agency="X", reason="Kiểm thử", field_name="Sig2",
                     config=_config_with(settings, path))
    result = verdict(twice, signing_on, frozen_now)
    assert [r.status for r in result.signatures] == [verify.VALID, verify.UNKNOWN_SIGNER]
    assert result.status == verify.UNKNOWN_SIGNER


def _config_with(settings, path):
    from signing.keys import load_config

    settings.ONESTOP_SIGNING = {"agencies": {"X": {"pkcs12": str(path)}}}
    config = load_config()
    del settings.ONESTOP_SIGNING
    return config


def test_a_pdf_that_cannot_be_read_is_unsigned_or_invalid(signing_on, frozen_now):
    assert verdict(b"%PDF-1.4 not really", signing_on, frozen_now).status == verify.UNSIGNED
    assert verdict(b"%PDF-1.4 /ByteRange [0 1 2 3] broken", signing_on, frozen_now).status == verify.INVALID


# --- the citizens' uploads ----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def submission(world):
    proc = world.commune_proc
    proc.online_level = "partial"
    proc.save()
    return services.submit_online(
        procedure=proc, agency=world.counter, applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        document_ids=[], now=at(2026, 3, 2, 9),
    ).dossier


def attach(dossier, name, content):
    checked = uploads.check(SimpleUploadedFile(name, content, "application/pdf"))
    return services.attach_file(dossier, checked_file=checked, now=at(2026, 3, 2, 9, 5))


def test_uploads_get_their_verdict_at_the_moment_they_arrived(signing_on, submission, media):
    good = attach(submission, "to-khai-ky-so.pdf", signed(signing_on))
    tampered = attach(submission, "to-khai-sua.pdf", signed(signing_on, "Nguoi nop: Nguyen Van An")
                      .replace(b"Nguyen Van An", b"Nguyen Van Ba"))
    unsigned = attach(submission, "to-khai.pdf", plain_pdf())
    assert verdict_for_file(good).status == verify.VALID
    assert verdict_for_file(tampered).status == verify.MODIFIED
    assert verdict_for_file(unsigned).status == verify.UNSIGNED


def test_the_staff_dossier_page_shows_each_verdict_beside_the_document(signing_on, world, submission, media, client):
    files = [
        (attach(submission, "to-khai-ky-so.pdf", signed(signing_on)), "Chữ ký số hợp lệ"),
        (attach(submission, "to-khai-sua.pdf", signed(signing_on, "Nguoi nop: Nguyen Van An")
                .replace(b"Nguyen Van An", b"Nguyen Van Ba")), "Tài liệu đã bị thay đổi sau khi ký"),
        (attach(submission, "to-khai.pdf", plain_pdf()), "Không có chữ ký số"),
    ]
    client.force_login(world.clerk)
    page = client.get(reverse("counter:dossier", args=[submission.pk])).content.decode()
    for file, label in files:
        item = page[page.index(f'<li id="file-{file.pk}">'):]
        item = item[:item.index("</li>")]
        assert label in item, (file.original_name, item)
    assert 'data-verdict="valid"' in page and "Bộ phận Một cửa xã Bình Lư" in page


def test_a_chain_through_an_intermediate_ca_is_valid_with_the_root_alone(settings, tmp_path, frozen_now):
    """The production shape: the government CA's root trusted, its issuing CA configured as other_certs."""
    from cryptography.hazmat.primitives import serialization

    root = ca.issue_root("Root CA kiểm thử", path_length=1)
    issuing = ca.issue_intermediate(root, "CA cấp chứng thư kiểm thử")
    agency = ca.issue_certificate(issuing, "UBND xã Bình Lư", organisation="UBND xã Bình Lư")
    (tmp_path / "root.pem").write_bytes(root.pem)
    (tmp_path / "issuing.pem").write_bytes(issuing.certificate.public_bytes(serialization.Encoding.PEM))
    ca.write_pkcs12(tmp_path / "h29.p12", agency, chain=[], passphrase=b"mat-khau")
    settings.ONESTOP_SIGNING_CONFIG = str(tmp_path / "config.json")
    (tmp_path / "config.json").write_text(json.dumps({
        "trust_roots": ["root.pem"], "other_certs": ["issuing.pem"],
        "agencies": {"000.02.06.H29": {"pkcs12": "h29.p12", "passphrase_env": "TEST_SIGNING_PASSPHRASE"}},
    }), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TEST_SIGNING_PASSPHRASE", "mat-khau")
        data = sign_pdf(plain_pdf(), agency="000.02.06.H29", reason="Kiểm thử", field_name="Sig1")
    roots = load_certificates(tmp_path / "root.pem")
    assert verify_pdf(data, trust_roots=roots, moment=frozen_now).status == verify.VALID  # the CMS carries the chain
