"""Daily reconciliation with the national portal (issue 15 item 3): what we hold against what the
portal holds (`GET /api/dongbo/hoso`). This module has the comparison; the fetch and the report
page build on it."""
from dataclasses import dataclass, field


@dataclass
class Reconciliation:
    not_synced: list = field(default_factory=list)        # ours, no acknowledged record
    different: list = field(default_factory=list)         # acknowledged, our Hash ≠ the portal's
    unknown_to_us: list = field(default_factory=list)     # the portal's, not ours


def compare(ours: dict, portal: dict) -> Reconciliation:
    """`ours`: our code → (acknowledged: bool, current snapshot Hash); `portal`: MaHoSo → Hash."""
    result = Reconciliation()
    for code, (acked, our_hash) in sorted(ours.items()):
        if not acked or code not in portal:
            result.not_synced.append(code)
        elif portal[code] != our_hash:
            result.different.append(code)
    result.unknown_to_us = sorted(set(portal) - set(ours))
    return result
