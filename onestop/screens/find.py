"""Finding a dossier from one search box (tìm hồ sơ), for the counter and the desk.

One box takes what a clerk has at hand: the whole code or a part of it, the applicant's name
typed with or without diacritics ("nguyen van an" finds "Nguyễn Văn An"), a phone number, a
personal ID number, or a scanned receipt: the scanner types what the receipt's QR code holds,
the status page's link with the code signed in it, or the bare code of a barcode.

The name is matched on `Dossier.applicant_search` (the names folded once, when the dossier is
created: `workflows.folding`), so it behaves the same on SQLite and PostgreSQL. Scope and
bounds are the caller's: `dossiers_for` (or `access.visible_slice`) and a page.
"""
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_
from urllib.parse import parse_qs, urlsplit

from django.db.models import Q

from workflows import codes
from workflows.folding import fold

MAX_QUERY = 200
_NUMBER_NOISE = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class DossierQuery:
    text: str
    scanned_code: str = ""  # the code a scanned receipt's link carries (its signature checked)

    def __bool__(self):
        return bool(self.text)

    @property
    def codes(self) -> list[str]:
        """The whole codes the query may name, exactly (codes are upper-case: a clerk may type lower)."""
        if self.scanned_code:
            return [self.scanned_code]
        return list(dict.fromkeys([self.text, self.text.upper()]))

    @property
    def number(self) -> str:
        """The query as a phone or ID number (spaces, dots and dashes dropped; +84 as 0), or ""."""
        compact = _NUMBER_NOISE.sub("", self.text)
        if compact.startswith("+84"):
            compact = "0" + compact[3:]
        return compact if compact.isdigit() and len(compact) >= 6 else ""


def read(raw: str | None) -> DossierQuery:
    """The query a clerk typed or scanned."""
    text = " ".join((raw or "").split())[:MAX_QUERY]
    if "t=" in text and ("://" in text or text.startswith("/")):
        token = parse_qs(urlsplit(text).query).get("t", [""])[0]
        code = codes.read_lookup_token(token)
        if code:
            return DossierQuery(text=code, scanned_code=code)
    return DossierQuery(text=text)


def exact_q(query: DossierQuery, prefix: str = "") -> Q:
    """The dossier whose whole code the query is."""
    return Q(**{f"{prefix}code__in": query.codes})


def matching_q(query: DossierQuery, prefix: str = "") -> Q:
    """Dossiers the query finds: code (whole or part), names without diacritics, phone or ID number.

    `prefix` reaches the dossier from another model ("process__dossier__" from a work item).
    """
    if query.scanned_code:
        return exact_q(query, prefix)
    condition = exact_q(query, prefix)
    if len(query.text) >= 3:
        condition |= Q(**{f"{prefix}code__icontains": query.text})
    number = query.number
    if number:
        condition |= (Q(**{f"{prefix}applicant_phone__in": list({number, query.text})})
                      | Q(**{f"{prefix}applicant_id_number": number})
                      | Q(**{f"{prefix}subject_id_number": number}))
    words = fold(query.text).split()
    if words and not number:
        condition |= reduce(and_, (Q(**{f"{prefix}applicant_search__contains": word}) for word in words))
    return condition
