"""Digital signatures (chữ ký số) on the official forms, and the verdict on citizens' signed PDFs.

    keys.signer_for(agency, officer=None) -> a pyHanko Signer, or None when no key is configured
    keys.signing_available(agency) -> bool
    sign.sign_pdf(pdf, *, agency, reason, field_name, signer_name=None) -> bytes (PAdES B-B)
    forms.signed_form(kind, dossier, *, secret=None) -> bytes, the form as the staff screens serve it
    verify.verify_pdf(data, *, trust_roots, moment) -> Verdict (unsigned, valid, invalid, unknown_signer,
        modified, expired)
    ca.ensure_demo_ca(agencies, officers=()) -> the demo's own small CA under var/signing/

Configuration: settings.ONESTOP_SIGNING (a dict), else the JSON file named by
settings.ONESTOP_SIGNING_CONFIG / the environment variable ONESTOP_SIGNING_CONFIG
(default var/signing/config.json). Without either, nothing is signed (docs/decisions/0024).
"""
