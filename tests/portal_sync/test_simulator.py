"""The portal simulator process speaks the protocol: auth, order, idempotency, failure modes, inbound."""
import base64
import json
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from portal_sync.simulator import DEFAULT_SECRET, DEFAULT_TOKEN, running_simulator, sign


@pytest.fixture(scope="module")
def sim():
    with running_simulator(hang=0.5) as url:
        yield url


def call(url, method, path, body=None, secret=DEFAULT_SECRET):
    data = json.dumps(body).encode() if body is not None else b""
    req = Request(url + path, data=data if method == "POST" else None, method=method)
    req.add_header("Authorization", f"Bearer {DEFAULT_TOKEN}")
    req.add_header("X-Signature", sign(secret, method, path.split("?")[0], data))
    try:
        with urlopen(req, timeout=5) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if resp.headers.get_content_type() == "application/json" else raw)
    except HTTPError as err:
        return err.code, json.loads(err.read())


def record(code, seq):
    return {"IdempotencyKey": f"{code}:{seq}", "MaHoSo": code, "Seq": seq, "SuKien": "receive",
            "HoSo": {"MaHoSo": code, "NgayTiepNhan": "20260105080000", "TrangThaiHoSo": "2"}}


def test_bad_signature_is_401(sim):
    assert call(sim, "POST", "/api/dongbo/hoso", record("A", 1), secret="wrong")[0] == 401


def test_order_and_idempotency(sim):
    assert call(sim, "POST", "/api/dongbo/hoso", record("B", 2)) == (409, {"status": "out_of_order", "expected": 1})
    assert call(sim, "POST", "/api/dongbo/hoso", record("B", 1)) == (200, {"status": "ok", "duplicate": False})
    assert call(sim, "POST", "/api/dongbo/hoso", record("B", 1)) == (200, {"status": "ok", "duplicate": True})
    state = call(sim, "GET", "/_sim/state")[1]
    assert [r["Seq"] for r in state["records"]["B"]] == [1]
    listing = call(sim, "GET", "/api/dongbo/hoso?tu=20260101&den=20260131")[1]
    assert any(i["MaHoSo"] == "B" and len(i["Hash"]) == 64 for i in listing["items"])


def test_fail_and_down(sim):
    call(sim, "POST", "/_sim/mode", {"fail": 1})
    assert call(sim, "POST", "/api/dongbo/hoso", record("C", 1))[0] == 503
    assert call(sim, "POST", "/api/dongbo/hoso", record("C", 1))[0] == 200
    call(sim, "POST", "/_sim/mode", {"down": True})
    assert call(sim, "POST", "/api/dongbo/hoso", record("C", 2))[0] == 503
    call(sim, "POST", "/_sim/mode", {"down": False})
    assert call(sim, "POST", "/api/dongbo/hoso", record("C", 2))[0] == 200


def test_inbound_queue_files_ack_and_duplicate_page(sim):
    doc = {"MaThanhPhanHoSo": "TP1", "TenTep": "don.pdf", "NoiDung": base64.b64encode(b"%PDF-1").decode()}
    call(sim, "POST", "/_sim/hoso/moi", {"MaHoSoDVCQG": "G1", "MaTTHC": "1.001", "TaiLieuNop": [doc]})
    call(sim, "POST", "/_sim/mode", {"duplicate_next": 1})
    first = call(sim, "GET", "/api/hoso/moi?cursor=&limit=10")[1]
    assert first["items"][0]["MaHoSoDVCQG"] == "G1" and first["next"] == "0"
    again = call(sim, "GET", f"/api/hoso/moi?cursor={first['next']}&limit=10")[1]
    assert again["items"] == first["items"] and again["next"] is None
    status, data = call(sim, "GET", first["items"][0]["TaiLieuNop"][0]["DuongDan"])
    assert status == 200 and data == b"%PDF-1"
    assert call(sim, "POST", "/api/hoso/G1/tiepnhan", {"MaHoSo": "X-1"})[0] == 200
    assert call(sim, "GET", "/_sim/state")[1]["acks"] == {"G1": ["X-1"]}


def test_with_a_journal_what_the_portal_stored_survives_a_restart(tmp_path):
    journal = str(tmp_path / "portal.jsonl")
    with running_simulator(hang=0.5, state=journal) as url:
        assert call(url, "POST", "/api/dongbo/hoso", record("J", 1))[0] == 200
        queued = {"MaHoSoDVCQG": "G-J-1", "TaiLieuNop": [{"MaThanhPhanHoSo": "1", "TenTep": "a.pdf",
                                                          "NoiDung": base64.b64encode(b"%PDF-1.4").decode()}]}
        assert call(url, "POST", "/_sim/hoso/moi", queued)[0] == 200
        assert call(url, "POST", "/api/hoso/G-J-1/tiepnhan", {"MaHoSo": "J"})[0] == 200
    with running_simulator(hang=0.5, state=journal) as url:
        assert call(url, "POST", "/api/dongbo/hoso", record("J", 1)) == (200, {"status": "ok", "duplicate": True})
        assert call(url, "POST", "/api/dongbo/hoso", record("J", 2)) == (200, {"status": "ok", "duplicate": False})
        state = call(url, "GET", "/_sim/state")[1]
        assert [r["Seq"] for r in state["records"]["J"]] == [1, 2] and state["acks"] == {"G-J-1": ["J"]}
        assert call(url, "GET", "/api/tep/G-J-1-1")[1] == b"%PDF-1.4"
