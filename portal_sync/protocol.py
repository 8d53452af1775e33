"""The two primitives of the portal protocol (docs/portal-protocol.md) that both sides compute:
the request signature and the hash of a dossier's snapshot. Standard library only, so the
simulator process can import it without Django."""
import hashlib
import hmac
import json


def sign(secret: str, method: str, path: str, body: bytes) -> str:
    """The protocol's signature; `path` is the request path without the query string."""
    message = method.upper().encode() + b"\n" + path.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def snapshot_hash(hoso: dict) -> str:
    """The `Hash` the portal keeps per dossier: sha256 of the snapshot's canonical JSON."""
    canonical = json.dumps(hoso, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
