"""The Hash the portal keeps per dossier: sha256 of the canonical JSON of the HoSo snapshot
(PORTAL-PROTOCOL.md). Defined here until portal_sync exposes its own; both must agree."""
import hashlib
import json


def canonical_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()
