"""Rows of figures, finished the same way whether they were counted live or read from the rollups."""
from procedures.models import Procedure, ProcedureStep
from workflows.models import Rating

COUNT_KEYS = (
    "received", "received_online", "received_one_stop", "carried_over", "resolved", "early", "on_time",
    "late", "withdrawn", "stopped", "pending", "pending_overdue", "pending_within", "online_late",
)


def derive(row: dict) -> dict:
    """Add the rates (percent, None when the denominator is 0) to a row of counts."""
    def pct(num, den):
        return round(100.0 * num / den, 1) if den else None

    row = dict(row)
    row["direct"] = row["received"] - row["received_online"]
    row["on_time_rate"] = pct(row["early"] + row["on_time"], row["resolved"])
    row["early_rate"] = pct(row["early"], row["resolved"])
    row["late_rate"] = pct(row["late"], row["resolved"])
    row["online_share"] = pct(row["received_online"], row["received"])
    row["dossier_one_stop_share"] = pct(row["received_one_stop"], row["received"])
    row["total"] = row["carried_over"] + row["received"]
    return row


def hundredths_of_hour(seconds: int) -> int:
    """Seconds to hundredths of an hour, rounded half up (integer arithmetic: the rollup's histogram key)."""
    return (int(seconds) + 18) // 36


def finish_working_time(rows) -> list[dict]:
    """(procedure id, dossiers, Σ seconds, dossiers with a time, p90 hours) → the figure's rows, p90 first."""
    names = dict(Procedure.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "name"))
    return sorted(
        ({"procedure_id": pid, "procedure": names.get(pid, ""), "dossiers": int(n),
          "avg_hours": round(int(total) / int(timed) / 3600, 2) if timed else 0.0, "p90_hours": p90 or 0.0}
         for pid, n, total, timed, p90 in rows),
        key=lambda r: (-r["p90_hours"], r["procedure"]),
    )


def finish_attribution(rows: list[dict], by: str) -> list[dict]:
    """Add the step names, hours over and late rate to rows of late-step counts."""
    step_names = _step_names(rows) if by == "step" else {}
    for r in rows:
        if by == "step":
            r["step_name"] = step_names.get((r["process__dossier__procedure_id"], r["step_index"]), "")
        r["over_hours"] = round((r["over_seconds"] or 0) / 3600, 2)
        r["late_rate"] = round(100.0 * r["late_steps"] / r["steps"], 1) if r["steps"] else None
    return rows


def _step_names(rows) -> dict:
    ids = {r["process__dossier__procedure_id"] for r in rows}
    return {
        (pid, order - 1): name
        for pid, order, name in ProcedureStep.objects.filter(procedure_id__in=ids)
        .values_list("procedure_id", "order", "name")
    }


# --- sums that add across months (the running period: closed months + the running one) -------

SCORE_INDICATORS = ("i1", "i3", "i4", "i6", "i7")
STEP_SUMS = ("steps", "late_steps", "over_seconds", "working_seconds", "allotted_seconds")
RATING_COUNTS = ("total", *Rating.values)


def add_sums(*parts: dict) -> dict:
    """{key: {measure: sum}} of consecutive parts of a period, added key by key and measure by measure.

    A measure that is None in a part (SQL's SUM over NULLs) adds nothing; None stays None only
    when it is None in every part, as SUM over the whole period would be."""
    out: dict = {}
    for part in parts:
        for key, sums in part.items():
            slot = out.setdefault(key, {})
            for name, value in sums.items():
                if value is None:
                    slot.setdefault(name, None)
                else:
                    slot[name] = (slot.get(name) or 0) + value
    return out


def score_averages(sums: dict, key: str) -> dict:
    """Σ indicator and resolved count per group → the scorecard's averages (0.01)."""
    return {k: {key: k, "evaluated": s["evaluated"], **{i: round(s[i] / s["evaluated"], 2) for i in SCORE_INDICATORS}}
            for k, s in sums.items() if s["evaluated"]}


def step_averages(sums: dict) -> dict:
    """Σ indicator 2 and scored steps per processing agency → its average (0.01)."""
    return {k: {"i2": round(s["score_sum"] / s["scored"], 2), "steps": s["scored"]}
            for k, s in sums.items() if s["scored"]}


def satisfaction(counts: dict) -> dict:
    """Rating counts of the whole scope → counts and each level's share (0.1%)."""
    row = {name: counts.get(name) or 0 for name in RATING_COUNTS}
    for value in RATING_COUNTS[1:]:
        row[f"{value}_rate"] = round(100.0 * row[value] / row["total"], 1) if row["total"] else None
    return row


def satisfied_shares(counts: dict) -> dict:
    """Rating counts per group → the satisfied share per group (0.1%)."""
    return {k: round(100.0 * c["satisfied"] / c["total"], 1) for k, c in counts.items() if c["total"]}


def attribution_rows(sums: dict, key_names: tuple) -> list[dict]:
    """Step sums per group → the groups with a late step, most late steps then most hours over first
    (ties by the group's key, so every source gives the same order)."""
    rows = [{**dict(zip(key_names, k, strict=True)), **{m: s.get(m) for m in STEP_SUMS}}
            for k, s in sums.items() if s.get("late_steps")]
    return sorted(rows, key=lambda r: (-r["late_steps"], -(r["over_seconds"] or 0),
                                       tuple((r[n] is None, r[n]) for n in key_names)))
