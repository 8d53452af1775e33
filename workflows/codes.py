"""Dossier codes (mã số hồ sơ, NĐ 61/2018 Art. 26; TT 01/2018 Art. 19) and lookup secrets.

Code: `<agency identifier>-YYMMDD-XXXX`, XXXX the receipt's number within the agency's day.
One upsert statement takes the next number: it locks the counter row until the receipt
commits (so concurrent receipts queue), and a rolled-back receipt returns its number.
"""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import DossierCodeCounter

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


def issue_code(agency, instant) -> str:
    day = timezone.localtime(instant).date()
    return f"{agency.identifier}-{day:%y%m%d}-{next_number(agency.pk, day):04d}"


def new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def hash_secret(secret: str) -> str:
    # A keyed hash is enough: the secret is random (40 bits) and lookups are throttled.
    normalized = secret.strip().upper().replace(" ", "").replace("-", "")
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(hash_secret(secret), stored_hash)
