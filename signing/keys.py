"""Where the signing keys and the trust roots come from (docs/decisions/0024-digital-signatures.md).

The configuration is a dict, `settings.ONESTOP_SIGNING` when set, else the JSON file named by
`settings.ONESTOP_SIGNING_CONFIG`, else by the environment variable ONESTOP_SIGNING_CONFIG
(default var/signing/config.json); an empty name, or a missing file, means "nothing configured":
forms are served unsigned, as the embedded default always did. Relative paths in a file are
relative to the file's folder.

    {
      "trust_roots": ["root.pem"],                 # PEM/DER: the CAs whose signatures count
      "other_certs": ["intermediate.pem"],         # optional: intermediates to build chains with
      "allow_fetching": false,                     # optional: fetch CRL/OCSP when verifying
      "agencies": {                                # by Agency.identifier (TT 10/2016 code)
        "000.00.06.H29": {"pkcs12": "agencies/000.00.06.H29.p12",
                          "passphrase_env": "ONESTOP_SIGNING_PASSPHRASE"}
      },
      "officers": {                                # optional: personal keys, by username
        "clerk": {"pkcs12": "officers/clerk.p12", "passphrase_file": "passphrase"}
      },
      "pkcs11": {                                  # optional: the production path, a token (HSM)
        "module": "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "token_label": "onestop", "pin_env": "ONESTOP_PKCS11_PIN",
        "agencies": {"000.00.06.H29": {"cert_label": "h29", "key_label": "h29"}},
        "officers": {"clerk": {"cert_label": "clerk", "key_label": "clerk"}}
      }
    }

A key entry's passphrase comes from `passphrase_env` (an environment variable's name) or
`passphrase_file` (a file holding it; the demo CA writes one, mode 0600); neither means an
unencrypted PKCS#12. An agency or officer listed under "pkcs11" signs on the token and is never
looked up among the PKCS#12 files. The token path needs python-pkcs11 (`pip install
"pyHanko[pkcs11]"`), imported only when a token is used; the tests exercise PKCS#12 only.
"""
import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import signers

CONFIG_VARIABLE = "ONESTOP_SIGNING_CONFIG"


@dataclass(frozen=True)
class SigningConfig:
    """The signing configuration, paths resolved."""

    trust_roots: tuple[Path, ...] = ()
    other_certs: tuple[Path, ...] = ()
    allow_fetching: bool = False
    agencies: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)
    pkcs11: dict = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        return bool(self.agencies or self.officers or self.pkcs11.get("agencies") or self.pkcs11.get("officers"))


def config_path() -> Path | None:
    """The configuration file's path, or None when signing is switched off by an empty name."""
    name = getattr(settings, "ONESTOP_SIGNING_CONFIG", None)
    if name is None:
        name = os.environ.get(CONFIG_VARIABLE)
    if name is None:
        name = str(Path(settings.VAR_DIR) / "signing" / "config.json")
    return Path(name) if name else None


def _resolve(base: Path, entry: dict) -> dict:
    resolved = dict(entry)
    for key in ("pkcs12", "passphrase_file"):
        if resolved.get(key):
            resolved[key] = str((base / resolved[key]).resolve())
    return resolved


def _from_dict(raw: dict, base: Path) -> SigningConfig:
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("The signing configuration must be a JSON object (docs/decisions/0024).")
    pkcs11 = dict(raw.get("pkcs11") or {})
    return SigningConfig(
        trust_roots=tuple((base / p).resolve() for p in raw.get("trust_roots", [])),
        other_certs=tuple((base / p).resolve() for p in raw.get("other_certs", [])),
        allow_fetching=bool(raw.get("allow_fetching", False)),
        agencies={key: _resolve(base, value) for key, value in (raw.get("agencies") or {}).items()},
        officers={key: _resolve(base, value) for key, value in (raw.get("officers") or {}).items()},
        pkcs11=pkcs11,
    )


def load_config() -> SigningConfig:
    """The configuration in force now (read on each call: a file rewritten by the demo CA counts at once)."""
    raw = getattr(settings, "ONESTOP_SIGNING", None)
    if raw is not None:
        return _from_dict(raw, Path(settings.BASE_DIR))
    path = config_path()
    if path is None or not path.is_file():
        return SigningConfig()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"The signing configuration {path} cannot be read: {exc}") from exc
    return _from_dict(raw, path.parent)


# --- certificates --------------------------------------------------------------------------------


def load_certificates(path: Path) -> list[x509.Certificate]:
    """The certificates in a PEM (one or more) or DER file."""
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"]
    return [x509.Certificate.load(data)]


def trust_roots(config: SigningConfig | None = None) -> list[x509.Certificate]:
    """The configured trust roots (the government CA's root in production, the demo root in the demo)."""
    config = config or load_config()
    return [cert for path in config.trust_roots for cert in load_certificates(path)]


def other_certs(config: SigningConfig | None = None) -> list[x509.Certificate]:
    config = config or load_config()
    return [cert for path in config.other_certs for cert in load_certificates(path)]


# --- signers -------------------------------------------------------------------------------------


def _identifier(agency) -> str:
    return agency if isinstance(agency, str) else agency.identifier


def _username(officer) -> str | None:
    if officer is None:
        return None
    return officer if isinstance(officer, str) else officer.get_username()


def _passphrase(entry: dict) -> bytes | None:
    if entry.get("passphrase_env"):
        value = os.environ.get(entry["passphrase_env"])
        if value is None:
            raise ImproperlyConfigured(f"The signing key's passphrase variable {entry['passphrase_env']} is not set.")
        return value.encode()
    if entry.get("passphrase_file"):
        return Path(entry["passphrase_file"]).read_text(encoding="utf-8").strip().encode()
    return None


@functools.lru_cache(maxsize=64)
def _pkcs12_signer(path: str, mtime_ns: int, passphrase: bytes | None, extra: tuple[str, ...]) -> signers.SimpleSigner:
    """One PKCS#12 file's signer, loaded once per version of the file (its mtime) and passphrase."""
    chain = [cert for other in extra for cert in load_certificates(Path(other))]
    return signers.SimpleSigner.load_pkcs12_data(Path(path).read_bytes(), other_certs=chain, passphrase=passphrase)


def _from_pkcs12(entry: dict, config: SigningConfig) -> signers.SimpleSigner:
    path = Path(entry["pkcs12"])
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImproperlyConfigured(f"The signing key {path} cannot be read: {exc}") from exc
    return _pkcs12_signer(str(path), stat.st_mtime_ns, _passphrase(entry), tuple(str(p) for p in config.other_certs))


def _token_entry(config: SigningConfig, identifier: str, username: str | None) -> dict | None:
    tokens = config.pkcs11
    if username and username in (tokens.get("officers") or {}):
        return tokens["officers"][username]
    return (tokens.get("agencies") or {}).get(identifier)


def _file_entry(config: SigningConfig, identifier: str, username: str | None) -> dict | None:
    if username and username in config.officers:
        return config.officers[username]
    return config.agencies.get(identifier)


def signing_available(agency, officer=None, *, config: SigningConfig | None = None) -> bool:
    """Whether a key is configured for `agency` (an Agency or its identifier), or for `officer`."""
    config = config or load_config()
    identifier, username = _identifier(agency), _username(officer)
    return bool(_token_entry(config, identifier, username) or _file_entry(config, identifier, username))


def has_personal_key(officer, *, config: SigningConfig | None = None) -> bool:
    """Whether `officer` (a user or username) has a key of their own, on a token or in a PKCS#12 file."""
    config = config or load_config()
    username = _username(officer)
    return bool(username and (username in (config.pkcs11.get("officers") or {}) or username in config.officers))


@contextmanager
def signer_for(agency, officer=None, *, config: SigningConfig | None = None) -> Iterator[signers.Signer | None]:
    """The signer of `officer`'s own key if they have one, else of `agency`'s key; None when neither is
    configured. A context manager: a token session stays open only while signing."""
    config = config or load_config()
    identifier, username = _identifier(agency), _username(officer)
    token = _token_entry(config, identifier, username)
    if token is not None:
        with _token_signer(config, token) as signer:
            yield signer
        return
    entry = _file_entry(config, identifier, username)
    yield _from_pkcs12(entry, config) if entry is not None else None


@contextmanager
def _token_signer(config: SigningConfig, entry: dict) -> Iterator[signers.Signer]:
    """A key on a PKCS#11 token (an HSM, or the officer's USB token), through pyHanko's PKCS#11 signer.

    Module, token and PIN come from config["pkcs11"] ("module", "token_label" or "slot_no",
    "pin_env"); the entry names the certificate and key ("cert_label", "key_label", optional
    "other_certs_to_pull" for the CA chain kept on the token)."""
    try:
        from pyhanko.config.pkcs11 import PKCS11SignatureConfig, TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11SigningContext
    except ImportError as exc:  # python-pkcs11 is an optional dependency
        raise ImproperlyConfigured('Signing on a PKCS#11 token needs python-pkcs11: pip install "pyHanko[pkcs11]".'
                                   ) from exc
    tokens = config.pkcs11
    pin = os.environ.get(tokens["pin_env"]) if tokens.get("pin_env") else None
    p11_config = PKCS11SignatureConfig(
        module_path=tokens["module"],
        token_criteria=TokenCriteria(label=tokens["token_label"]) if tokens.get("token_label") else None,
        slot_no=tokens.get("slot_no"),
        cert_label=entry.get("cert_label"),
        key_label=entry.get("key_label"),
        other_certs=other_certs(config) or None,
        other_certs_to_pull=tuple(entry.get("other_certs_to_pull", ())),
    )
    with PKCS11SigningContext(p11_config, user_pin=pin) as signer:
        yield signer
