"""Rows of figures, finished the same way whether they were counted live or read from the rollups."""
from procedures.models import Procedure, ProcedureStep

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
