"""The demo CA: a certificate per agency and officer, idempotent, read by signing.keys."""
import datetime as dt
import json

from cryptography import x509
from django.core.management import call_command

from signing import forms, verify
from signing.keys import load_certificates, load_config, signing_available
from tests.world import receive


def test_signing_demo_ca_issues_a_key_per_agency_and_officer_once(world, settings, tmp_path, frozen_now):
    call_command("signing_demo_ca", directory=str(tmp_path))
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert world.counter.identifier in config["agencies"] and world.tax.identifier in config["agencies"]
    assert "clerk" in config["officers"] and "leader" in config["officers"]
    root = (tmp_path / "demo-root.pem").read_bytes()
    key_file = (tmp_path / "agencies" / f"{world.counter.identifier}.p12").read_bytes()
    assert (tmp_path / "passphrase").stat().st_mode & 0o077 == 0

    call_command("signing_demo_ca", directory=str(tmp_path))  # again: nothing is re-issued
    assert (tmp_path / "demo-root.pem").read_bytes() == root
    assert (tmp_path / "agencies" / f"{world.counter.identifier}.p12").read_bytes() == key_file

    certificate = x509.load_pem_x509_certificate(root)
    assert certificate.not_valid_before_utc <= dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert certificate.not_valid_after_utc >= dt.datetime(2035, 1, 1, tzinfo=dt.UTC)

    settings.ONESTOP_SIGNING_CONFIG = str(tmp_path / "config.json")
    assert signing_available(world.counter) and load_config().configured
    data = forms.signed_form("receipt", receive(world))
    roots = load_certificates(tmp_path / "demo-root.pem")
    result = verify.verify_pdf(data, trust_roots=roots, moment=frozen_now)
    # The clerk has a personal certificate from the demo CA: she signs with it.
    assert result.status == verify.VALID and result.signer == "clerk"


def test_long_vietnamese_names_fit_the_certificate(tmp_path):
    from signing import ca

    name = "Bộ phận Tiếp nhận và Trả kết quả – Trung tâm Phục vụ hành chính công tỉnh Lai Châu"
    issued = ca.issue_certificate(ca.issue_root(), name, organisation=name)
    common_name = issued.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert len(common_name.encode("utf-8")) <= 64 and name.startswith(common_name)
