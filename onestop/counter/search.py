"""Finding a procedure at the counter (tìm thủ tục): accent-insensitive, by code, name or field.

Done in Python over the in-force procedures of the counter's levels (a few hundred at most),
so it behaves the same on SQLite and PostgreSQL: "khai sinh" finds "Đăng ký khai sinh".
"""
from django.utils import timezone

from procedures.models import Procedure
from workflows import competence
from workflows.folding import fold


def search_procedures(level_ids, query: str, limit: int = 30) -> list[Procedure]:
    """In-force procedures a counter of these levels receives (its levels', and those received
    regardless of boundary) matching every word of `query` (best first)."""
    tokens = fold(query).split()
    rows = (
        Procedure.objects.in_force().filter(competence.receivable_q(level_ids, timezone.localdate()))
        .select_related("field").only("id", "code", "name", "level_id", "time_limit_value",
                                      "time_limit_unit", "field__name")
    )
    folded_query = " ".join(tokens)
    scored = []
    for proc in rows:
        name = fold(proc.name)
        haystack = f"{fold(proc.code)} {name} {fold(proc.field.name)}"
        if all(token in haystack for token in tokens):
            # Exact code first, then names containing the phrase as typed, then the rest by code.
            rank = 0 if fold(proc.code) == folded_query else 1 if folded_query and folded_query in name else 2
            scored.append((rank, proc.code, proc))
    scored.sort(key=lambda item: item[:2])
    return [proc for _rank, _code, proc in scored[:limit]]
