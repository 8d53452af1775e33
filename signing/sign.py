"""PAdES signatures on the PDFs onestop produces (pyHanko).

    sign_pdf(pdf, *, agency, reason, field_name, signer_name=None, officer=None, location=None) -> bytes
        A PAdES baseline (B-B) signature in a new, invisible signature field `field_name`, appended
        as an incremental update, by `officer`'s own key when they have one, else by `agency`'s key.
        Without a configured key the PDF comes back unchanged: ask `signing_available(agency)` first
        when the difference matters.

The signature is invisible: the form itself prints the signer's block (title, name); a reader
shows the digital signature in its signature panel. The signing time is the signer's clock
(no timestamp authority yet: B-B, not B-T; docs/decisions/0024).
"""
import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from . import off_loop
from .keys import SigningConfig, load_config, signer_for
from .keys import signing_available as signing_available  # re-exported: callers ask here

PADES = fields.SigSeedSubFilter.PADES


def sign_pdf(pdf_bytes: bytes, *, agency, reason: str, field_name: str, signer_name: str | None = None,
             officer=None, location: str | None = None, config: SigningConfig | None = None) -> bytes:
    """`pdf_bytes` signed for `agency` (an Agency or its identifier); unchanged when no key is configured."""
    config = config or load_config()
    with signer_for(agency, officer, config=config) as signer:
        if signer is None:
            return pdf_bytes
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name, reason=reason, name=signer_name or None, location=location or None,
            subfilter=PADES, md_algorithm="sha256",
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        pdf_signer = signers.PdfSigner(metadata, signer=signer, new_field_spec=fields.SigFieldSpec(field_name))
        output = off_loop.call(pdf_signer.sign_pdf, writer)
        return output.getvalue()
