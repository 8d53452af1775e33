"""The verdict on a signed PDF: the citizens' uploads, and every form onestop signs (the tests).

    verify_pdf(data, *, trust_roots, moment, other_certs=(), allow_fetching=False) -> Verdict
        Each embedded signature validated with pyHanko against `trust_roots` at `moment` (an aware
        datetime: for an upload, the moment it arrived), then one verdict for the file:

        unsigned        no signature
        valid           every signature intact, the file unchanged after it (or changed only by
                        later signatures and form filling), the signer chained to a trust root and
                        valid at `moment`
        invalid         a signature that cannot be read or whose cryptography does not hold
        modified        the signed bytes changed (digest mismatch), or content added after signing
                        beyond signatures and form filling (pyHanko's difference analysis), or bytes
                        the signature does not cover (appended after its revision)
        unknown_signer  cryptographically sound, but no chain to a configured trust root
        expired         chained to a trust root, but the certificate (or its CA) was not valid at
                        `moment` (expired or not yet valid)

        A file with several signatures takes the worst verdict, in that order from invalid down to
        valid; `signatures` has each one's.
    verdict_for_file(dossier_file) -> Verdict | None
        The verdict on an uploaded DossierFile (PDFs only), against the configured trust roots at
        the upload's moment; cached by the file's hash, so the dossier page computes it once.

Revocation: soft-fail (a certificate without reachable CRL/OCSP passes); fetching is off unless
the configuration's "allow_fetching" says otherwise, so a verdict never depends on the network.
"""
import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import ValueErrorWithMessage
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import off_loop

logger = logging.getLogger(__name__)

UNSIGNED, VALID, INVALID, MODIFIED, UNKNOWN_SIGNER, EXPIRED = (
    "unsigned", "valid", "invalid", "modified", "unknown_signer", "expired")

LABELS = {
    UNSIGNED: _("Không có chữ ký số"),
    VALID: _("Chữ ký số hợp lệ"),
    INVALID: _("Chữ ký số không hợp lệ"),
    MODIFIED: _("Tài liệu đã bị thay đổi sau khi ký"),
    UNKNOWN_SIGNER: _("Không xác định được người ký (chứng thư số không thuộc tổ chức tin cậy)"),
    EXPIRED: _("Chứng thư số hết hiệu lực tại thời điểm kiểm tra"),
}

# Worst first: the file's verdict is the worst of its signatures'.
SEVERITY = (INVALID, MODIFIED, EXPIRED, UNKNOWN_SIGNER, VALID)

# Changes after a signature that keep it valid: none, signature upkeep (DSS, timestamps), and
# filling in forms, which includes adding later signatures.
ACCEPTED_LEVELS = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
TIME_PROBLEMS = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
                 AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED, AdESIndeterminate.NOT_YET_VALID,
                 AdESFailure.NOT_YET_VALID}
# A signing certificate with either usage is accepted (non-repudiation is what the signature
# certificates of Vietnamese CAs carry; some carry only digital signature).
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})


@dataclass(frozen=True)
class SignatureReport:
    """One embedded signature's verdict."""

    status: str
    field_name: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    reason: str = ""
    detail: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.status]


@dataclass(frozen=True)
class Verdict:
    status: str
    signatures: tuple[SignatureReport, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def signer(self) -> str:
        return ", ".join(s.signer for s in self.signatures if s.signer)


def _signer_name(certificate) -> str:
    try:
        subject = certificate.subject.native
        return subject.get("common_name") or certificate.subject.human_friendly
    except Exception:  # a certificate we cannot name still gets a verdict
        return ""


def _classify(status) -> tuple[str, str]:
    if not status.valid:
        return INVALID, "signature value does not verify"
    if not status.intact:
        return MODIFIED, "the signed bytes changed after signing"
    coverage = status.coverage
    if coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        level = status.modification_level
        if level not in ACCEPTED_LEVELS or status.docmdp_ok is False:
            return MODIFIED, f"changed after signing ({level.name if level else 'unknown changes'})"
    elif coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return MODIFIED, f"the signature does not cover the file ({coverage.name if coverage else 'unknown'})"
    indication = status.trust_problem_indic
    if status.revoked:
        return INVALID, "certificate revoked"
    if indication in TIME_PROBLEMS:
        return EXPIRED, indication.name
    if not status.trusted:
        return UNKNOWN_SIGNER, indication.name if indication else "no path to a trust root"
    return VALID, ""


def _context(trust_roots, other_certs, moment, allow_fetching) -> ValidationContext:
    return ValidationContext(trust_roots=list(trust_roots), other_certs=list(other_certs), moment=moment,
                             allow_fetching=allow_fetching, revocation_mode="soft-fail")


def verify_pdf(data: bytes, *, trust_roots, moment: dt.datetime, other_certs=(), allow_fetching: bool = False
               ) -> Verdict:
    """The verdict on the PDF `data` (see the module's docstring)."""
    if moment.tzinfo is None:
        raise ValueError("verify_pdf needs an aware moment")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        # A file pyHanko cannot read: signed if it has the marks of a signature, which then fails.
        if b"/ByteRange" in data:
            return Verdict(INVALID, (SignatureReport(INVALID, detail=f"unreadable: {exc}"),))
        return Verdict(UNSIGNED)
    if not embedded:
        return Verdict(UNSIGNED)
    reports = []
    for signature in embedded:
        reports.append(_report(signature, trust_roots, other_certs, moment, allow_fetching))
    worst = min(reports, key=lambda r: SEVERITY.index(r.status))
    return Verdict(worst.status, tuple(reports))


def _report(signature, trust_roots, other_certs, moment, allow_fetching) -> SignatureReport:
    name = ""
    try:
        name = signature.field_name or ""
        signer = _signer_name(signature.signer_cert)
        signed_at = signature.self_reported_timestamp
        reason = str(signature.sig_object.get("/Reason", "") or "")
    except (ValueError, KeyError, TypeError) as exc:
        return SignatureReport(INVALID, field_name=name, detail=f"unreadable signature: {exc}")
    try:
        context = _context(trust_roots, other_certs, moment, allow_fetching)
        status = off_loop.call(validate_pdf_signature, signature, context, key_usage_settings=KEY_USAGE)
    except (ValueErrorWithMessage, ValueError, KeyError, TypeError) as exc:
        logger.info("signature %s does not validate: %s", name, exc)
        return SignatureReport(INVALID, field_name=name, signer=signer, signed_at=signed_at, reason=reason,
                               detail=str(exc))
    verdict, detail = _classify(status)
    if verdict != INVALID and verdict != MODIFIED and _bytes_appended(signature):
        verdict, detail = MODIFIED, "bytes appended after the signed revision"
    return SignatureReport(verdict, field_name=name, signer=signer, signed_at=signed_at, reason=reason,
                           detail=detail)


def _bytes_appended(signature) -> bool:
    """Bytes after the signed revision that belong to no later revision (pyHanko reads them as the
    signed revision's end and calls the signature intact; a PDF reader ignores them)."""
    reader = signature.reader
    if signature.signed_revision != reader.xrefs.total_revisions - 1:
        return False  # later revisions: pyHanko's difference analysis judged them
    _start1, _len1, start2, len2 = signature.byte_range
    stream = reader.stream
    stream.seek(start2 + len2)
    return bool(stream.read().strip())


# --- uploaded files ------------------------------------------------------------------------------

CACHE_SECONDS = 30 * 24 * 3600


def _config_fingerprint(config) -> str:
    parts = [str(p) for p in (*config.trust_roots, *config.other_certs)]
    for path in (*config.trust_roots, *config.other_certs):
        try:
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            parts.append("missing")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def verdict_for_file(dossier_file, *, config=None) -> Verdict | None:
    """The verdict on an uploaded PDF at the moment it arrived; None for images and unreadable files."""
    from workflows import uploads

    from .keys import load_config, other_certs, trust_roots

    if dossier_file.content_type != "application/pdf":
        return None
    try:
        data = uploads.read_bytes(dossier_file.stored_name)
    except uploads.StoredFileError:
        return None
    # The stored bytes are hashed every time (cheap beside validation): a file changed after its
    # verdict was cached is reported as modified, never under the cached verdict of its old bytes.
    if hashlib.sha256(data).hexdigest() != dossier_file.sha256:
        return Verdict(MODIFIED, (SignatureReport(MODIFIED, detail="the stored file no longer matches its hash"),))
    config = config or load_config()
    moment = dossier_file.uploaded_at
    key = f"signing.verdict:{dossier_file.sha256}:{moment.timestamp():.0f}:{_config_fingerprint(config)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    verdict = verify_pdf(data, trust_roots=trust_roots(config), other_certs=other_certs(config), moment=moment,
                         allow_fetching=config.allow_fetching)
    cache.set(key, verdict, CACHE_SECONDS)
    return verdict
