"""The demo's own small certificate authority: one root, a certificate per agency (its seal) and,
optionally, per officer, written as PKCS#12 files with the configuration keys.py reads.

    ensure_demo_ca(agencies, officers=(), directory=None) -> Path of config.json
        Idempotent: the root is made once and kept; an agency or officer without a certificate gets
        one; the configuration is rewritten to list them all.
    issue_root(...), issue_certificate(...), write_pkcs12(...): the building blocks, used by the tests
        too (another CA, an expired certificate).

Only for the demo and the tests: in production the keys are the government CA's (Ban Cơ yếu Chính
phủ, NĐ 68/2024) and live on tokens or in PKCS#12 files the agency receives; see
docs/decisions/0024-digital-signatures.md. Everything is written under var/signing/ (not in git).
The default validity, 2024-01-01 to 2035-01-01, covers every date the demo and the tests use.
"""
import datetime as dt
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

from workflows import people

NOT_BEFORE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2035, 1, 1, tzinfo=dt.UTC)
ROOT_NAME = "Onestop Demo Root CA (không dùng thật)"


@dataclass
class Issued:
    """A key and its certificate."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _fit(value: str, limit: int = 64) -> str:
    """`value` cut to `limit` UTF-8 bytes at a character boundary (X.520's upper bound on names,
    which cryptography counts in bytes: a Vietnamese name reaches it in fewer characters)."""
    value = unicodedata.normalize("NFC", value.strip())
    while len(value.encode("utf-8")) > limit:
        value = value[:-1]
    return value.rstrip()


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attributes)


def issue_root(common_name: str = ROOT_NAME, *, not_before: dt.datetime = NOT_BEFORE,
               not_after: dt.datetime = NOT_AFTER, path_length: int = 0) -> Issued:
    """A self-signed root; by default it signs end-entity certificates only (no intermediate CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, "Onestop demo")
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, certificate)


def issue_intermediate(issuer: Issued, common_name: str, *, not_before: dt.datetime = NOT_BEFORE,
                       not_after: dt.datetime = NOT_AFTER) -> Issued:
    """A CA certificate under `issuer` that signs end-entity certificates, as the government CA's
    issuing CA sits under its root (for tests of chains with `other_certs`). The issuer must allow it
    (`issue_root(path_length=1)`)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, "Onestop demo")).issuer_name(issuer.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Issued(key, certificate)


def issue_certificate(issuer: Issued, common_name: str, *, organisation: str | None = None,
                      not_before: dt.datetime = NOT_BEFORE, not_after: dt.datetime = NOT_AFTER) -> Issued:
    """An end-entity signing certificate (digital signature and non-repudiation) issued by `issuer`."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation)).issuer_name(issuer.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Issued(key, certificate)


def write_pkcs12(path: Path, issued: Issued, *, chain: list[x509.Certificate], passphrase: bytes | None,
                 friendly_name: str = "onestop") -> Path:
    """The key, its certificate and the chain as a PKCS#12 file (mode 0600)."""
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    data = pkcs12.serialize_key_and_certificates(friendly_name.encode(), issued.key, issued.certificate, chain,
                                                 encryption)
    return _write_private(path, data)


def _write_private(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)


def _load_or_make_root(directory: Path, passphrase: bytes) -> Issued:
    key_path, cert_path = directory / "demo-root.key", directory / "demo-root.pem"
    if key_path.is_file() and cert_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), passphrase)
        return Issued(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))
    root = issue_root()
    _write_private(key_path, root.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.BestAvailableEncryption(passphrase)))
    cert_path.write_bytes(root.pem)
    return root


def load_root(directory: Path) -> Issued:
    """The demo root made by ensure_demo_ca in `directory`, with its key (to issue more certificates)."""
    directory = Path(directory)
    return _load_or_make_root(directory, (directory / "passphrase").read_text(encoding="utf-8").strip().encode())


def default_directory() -> Path:
    return Path(settings.VAR_DIR) / "signing"


def ensure_demo_ca(agencies, officers=(), directory: Path | None = None) -> Path:
    """Make (or complete) the demo CA under `directory` (default var/signing/) and write its config.json.

    `agencies`: Agency objects (or (identifier, name) pairs), each getting its seal certificate;
    `officers`: users (or (username, full name) pairs), each getting a personal certificate.
    Returns the configuration file's path: keys.py finds it there by default.
    """
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    passphrase_file = directory / "passphrase"
    if not passphrase_file.is_file():
        _write_private(passphrase_file, secrets.token_urlsafe(24).encode())
    passphrase = passphrase_file.read_text(encoding="utf-8").strip().encode()
    root = _load_or_make_root(directory, passphrase)
    config_file = directory / "config.json"
    config = {"trust_roots": ["demo-root.pem"], "agencies": {}, "officers": {}}

    def entry(kind: str, key: str, common_name: str, organisation: str | None) -> dict:
        path = directory / kind / f"{_safe(key)}.p12"
        if not path.is_file():
            issued = issue_certificate(root, common_name, organisation=organisation)
            write_pkcs12(path, issued, chain=[root.certificate], passphrase=passphrase, friendly_name=key)
        return {"pkcs12": f"{kind}/{path.name}", "passphrase_file": "passphrase"}

    for agency in agencies:
        identifier, name = (agency if isinstance(agency, tuple) else (agency.identifier, agency.name))
        config["agencies"][identifier] = entry("agencies", identifier, name, name)
    for officer in officers:
        username, full_name = (officer if isinstance(officer, tuple)
                               else (officer.get_username(), people.full_name(officer)))
        config["officers"][username] = entry("officers", username, full_name, None)
    config_file.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return config_file


def demo_ca_from_database(*, officers: bool = True, directory: Path | None = None) -> tuple[Path, int, int]:
    """The demo CA for every agency in the database and, with `officers`, every active non-admin user
    (load_demo calls this). Returns the configuration's path and the agency and officer counts."""
    from django.contrib.auth import get_user_model

    from procedures.models import Agency

    agencies = list(Agency.objects.order_by("identifier"))
    people = (list(get_user_model().objects.filter(is_active=True, is_staff=False).order_by("username"))
              if officers else [])
    return ensure_demo_ca(agencies, people, directory=directory), len(agencies), len(people)
