"""Dossier codes (mã số hồ sơ, NĐ 61/2018 Art. 26; TT 01/2018 Art. 19; TT 03/2025 Art. 13) and lookup secrets.

Code: `<agency identifier>-YYMMDD-XXXX`, XXXX the receipt's number within the agency's day,
at least four digits and as many as it takes (10000 after 9999). A procedure run on a
centralised national service (`Procedure.central_service`, TT 03/2025 Art. 13.3 added by
TT 04/2025 Art. 23.2) gets `<identifier>-YYMMDD-AAXXXX`, AA the host system owner's two digits.
A code is issued once, at receipt (or online submission), and never rewritten: a format change
applies to new dossiers only (docs/decisions/0020-*.md).
One upsert statement takes the next number: it locks the counter row until the receipt
commits (so concurrent receipts queue), and a rolled-back receipt returns its number.

Result code (số kết quả, docs/decisions/0028-*.md): `<agency identifier>/<year>/<NNNNN>`, the
number of the result within the deciding agency's year from 1, at least five digits; issued once,
on the leader's decision, by one upsert on the agency's yearly counter (ResultCodeCounter) inside
the decision's transaction, like the dossier's number.

Lookup key: the secret printed on the receipt is stored only as an HMAC, and the receipt's
QR link carries a signed token; both are keyed with `settings.ONESTOP_LOOKUP_KEYS`, not
SECRET_KEY. The first key hashes and signs, every listed key verifies, so receipts printed
before a rotation keep working while their key stays listed (docs/decisions/0010-*.md).
"""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .models import DossierCodeCounter, ResultCodeCounter

_UPSERT = (
    "INSERT INTO {table} (agency_id, day, last_number) VALUES (%s, %s, 1) "
    "ON CONFLICT (agency_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
    "RETURNING last_number"
)
# No 0/O, 1/I/L: the secret is read off paper and typed on a phone.
_SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SECRET_LENGTH = 8


def next_number(agency_id: int, day) -> int:
    sql = _UPSERT.format(table=connection.ops.quote_name(DossierCodeCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, day])
        return cursor.fetchone()[0]


# "tối thiểu gồm 04 ký tự", the length "theo thực tế hồ sơ phát sinh" (TT 03/2025 Art. 13.3.d): the
# number is padded to four digits, never cut, so the 10,000th dossier of a day is 10000.
SEQUENCE_MIN_DIGITS = 4


def format_code(identifier: str, day, number: int, host_code: str = "") -> str:
    """`<identifier>-YYMMDD-XXXX`, or `<identifier>-YYMMDD-AAXXXX` with the host owner's two digits."""
    if number < 1:
        raise ValueError("A dossier's number within its day starts at 1.")
    return f"{identifier}-{day:%y%m%d}-{host_code}{number:0{SEQUENCE_MIN_DIGITS}d}"


def issue_code(agency, instant, procedure=None) -> str:
    """The next code of `agency` for the local day of `instant`, in the format of `procedure`.

    Both formats draw on the agency's one daily counter, so its numbers stay unique and gap-free
    across them. Only past 99,999 dossiers in a day could a general number spell a central code;
    the unique code column would then refuse that receipt rather than issue a duplicate.
    """
    host_code = ""
    if procedure is not None and procedure.central_service:
        host_code = procedure.central_host_code or ""
        if len(host_code) != 2 or not host_code.isascii() or not host_code.isdigit():
            raise InvalidInput(_("Thủ tục thực hiện trên hệ thống dịch vụ công tập trung chưa có mã 02 chữ số "
                                 "của cơ quan chủ quản hệ thống; cần cập nhật danh mục thủ tục."))
    day = timezone.localtime(instant).date()
    return format_code(agency.identifier, day, next_number(agency.pk, day), host_code)


_RESULT_UPSERT = (
    "INSERT INTO {table} (agency_id, year, last_number) VALUES (%s, %s, 1) "
    "ON CONFLICT (agency_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
    "RETURNING last_number"
)
RESULT_MIN_DIGITS = 5


def format_result_code(identifier: str, year: int, number: int) -> str:
    """`<identifier>/<year>/<NNNNN>`: the rule for a result's code, in this one place."""
    if number < 1:
        raise ValueError("A result's number within its year starts at 1.")
    return f"{identifier}/{year}/{number:0{RESULT_MIN_DIGITS}d}"


def issue_result_code(agency, instant) -> str:
    """The next result code of `agency` for the local year of `instant` (locks its counter row)."""
    year = timezone.localtime(instant).year
    sql = _RESULT_UPSERT.format(table=connection.ops.quote_name(ResultCodeCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, year])
        number = cursor.fetchone()[0]
    return format_result_code(agency.identifier, year, number)


def new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


# --- the lookup key: every hash and signature of the citizen's lookup goes through here ----


def lookup_keys() -> list[str]:
    """The lookup keys, current first (settings.ONESTOP_LOOKUP_KEYS)."""
    keys = [key for key in getattr(settings, "ONESTOP_LOOKUP_KEYS", ()) if key]
    if not keys:
        raise ImproperlyConfigured("ONESTOP_LOOKUP_KEYS is empty: set ONESTOP_LOOKUP_KEY (see docs/deploy.md).")
    return keys


def _hmac(key: str, normalized: str) -> str:
    return hmac.new(key.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def _normalize(secret: str) -> str:
    return secret.strip().upper().replace(" ", "").replace("-", "")


def hash_secret(secret: str) -> str:
    # A keyed hash is enough: the secret is random (40 bits) and lookups are throttled.
    return _hmac(lookup_keys()[0], _normalize(secret))


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Whether `secret` hashes to `stored_hash` under any listed key.

    Every key is tried, a match or not, so a hit costs the same work as a miss.
    """
    normalized, expected = _normalize(secret), stored_hash or ""
    matched = False
    for key in lookup_keys():
        matched |= hmac.compare_digest(_hmac(key, normalized), expected)
    return bool(expected) and matched


# --- the status link (QR code on the receipt, link in messages) -------------------------

# Unchanged since tokens were signed with SECRET_KEY: listing that key as an old lookup key
# keeps those QR codes working.
_TOKEN_SALT = "onestop.portal.lookup"


def make_lookup_token(code: str) -> str:
    """A signed token for the dossier's status page: the same for a dossier every time under one
    key, so a reprinted receipt carries the same QR code. It shows no personal data; dropping
    its key from ONESTOP_LOOKUP_KEYS revokes it."""
    return signing.Signer(key=lookup_keys()[0], salt=_TOKEN_SALT).sign(code)


def read_lookup_token(token: str) -> str | None:
    """The dossier code a token was signed for under any listed key, or None when forged or altered."""
    current, *old = lookup_keys()
    try:
        return signing.Signer(key=current, fallback_keys=old, salt=_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None


def lookup_url(dossier) -> str:
    """Absolute link to the dossier's public status page (printed as the receipt's QR code)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('portal:index')}?t={make_lookup_token(dossier.code)}"
