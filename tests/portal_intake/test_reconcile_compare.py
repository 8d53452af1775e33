from portal_intake.reconcile import compare
from portal_sync.protocol import snapshot_hash


def test_the_three_kinds():
    same = snapshot_hash({"MaHoSo": "A", "TrangThaiHoSo": "2"})
    ours = {"A": (True, same), "B": (False, "x"), "C": (True, snapshot_hash({"MaHoSo": "C"}))}
    portal = {"A": same, "C": snapshot_hash({"MaHoSo": "C", "TrangThaiHoSo": "4"}), "Z": "h"}
    result = compare(ours, portal)
    assert (result.not_synced, result.different, result.unknown_to_us) == (["B"], ["C"], ["Z"])


def test_hash_is_canonical():
    assert snapshot_hash({"b": 1, "a": "Đ"}) == snapshot_hash({"a": "Đ", "b": 1})
