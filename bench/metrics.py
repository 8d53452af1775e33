"""Metrics benchmark: the oversight dashboard's queries and the yearly report over 1,000,000 dossiers.

Bulk-generates dossiers with their process rows, work items (steps), audit events and
ratings on the configured database (PostgreSQL: COPY; SQLite: bulk INSERTs, for a smoke
run only), then times each dashboard query through our code and the same figure written
as one hand-made SQL statement (PostgreSQL), in the same run: the ratio is the target.

    python -m bench.metrics [--dossiers N] [--quick] [--keep] [--reuse] [--repeat R] [--load-only] [--skip-live]

`--quick` = 100,000 dossiers. `--keep` leaves the database for `--reuse` (skip generation).
Uses a throwaway database `test_<name>_metrics` next to the configured one.
"""
import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from contextlib import contextmanager

from bench.common import setup_django

SEED = 20260301
YEARS = 2
COMMUNES_PER_DISTRICT = 10
DISTRICTS = 10


# --- the world ------------------------------------------------------------------------------


def build_world():
    """A province with 10 districts × 10 communes, their agencies, 36 procedures, a few officials."""
    from django.conf import settings

    from tests import factories as f
    from workflows.roles import ensure_role_groups

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # bench users only
    ensure_role_groups()
    province = f.unit("Tỉnh Bench", "province", code="BP")
    units = {"province": [province], "district": [], "commune": []}
    for d in range(DISTRICTS):
        district = f.unit(f"Huyện {d}", "district", parent=province, code=f"B{d:02d}")
        units["district"].append(district)
        for c in range(COMMUNES_PER_DISTRICT):
            units["commune"].append(f.unit(f"Xã {d}-{c}", "commune", parent=district, code=f"B{d:02d}{c:02d}"))
    agencies = {}
    for level_units in units.values():
        for u in level_units:
            agencies[u.pk] = {kind: f.agency(u, kind) for kind in ("one_stop", "justice", "people_committee")}
    fields = [f.field(name) for name in ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Lao động", "Giáo dục")]
    procedures = {}
    for level in units:
        procedures[level] = []
        for i in range(12):
            procedures[level].append(f.procedure(
                level_code=level, field=fields[i % len(fields)], time_limit_value=(3, 5, 10, 15)[i % 4],
                is_one_stop=i % 5 != 4, online_level="full" if i % 3 else "none",
                steps=[("Thẩm định", 0, "justice", "specialist", 70),
                       ("Phê duyệt", 0, "people_committee", "leader", 30)],
            ))
    officials = [f.user(f"bench_official_{i}", "specialist", []) for i in range(40)]
    supervisor = f.user("bench_supervisor", "supervisor", [agencies[units["district"][0].pk]["people_committee"]],
                        supervised_unit=units["district"][0])
    return {"units": units, "agencies": agencies, "procedures": procedures, "officials": officials,
            "province": province, "district": units["district"][0], "supervisor": supervisor}


def _flow_strings():
    """The stored forms of viewflow's flow class and task references (read back from a real row)."""
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from workflows.flows import DossierFlow

    return get_flow_ref(DossierFlow), get_task_ref(DossierFlow.process_step)


# --- bulk generation ------------------------------------------------------------------------


_TZ_SUFFIX = ["+00:00"]


def _ts(value):
    """UTC text both engines read: PostgreSQL with the offset, SQLite as Django stores it (naive UTC).

    isoformat, not strftime: this runs a dozen times per dossier and strftime was half the load's time."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ") + _TZ_SUFFIX[0]


class Writer:
    """Rows as tab-separated text for COPY (PostgreSQL), or model instances for bulk_create (SQLite)."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def write(self, table, columns, rows, batch=50_000):
        if self.postgres:
            raw = self.connection.connection
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                buf = []
                for row in rows:
                    buf.append("\t".join("\\N" if v is None else str(v) for v in row))
                    if len(buf) >= batch:
                        copy.write("\n".join(buf) + "\n")
                        buf = []
                if buf:
                    copy.write("\n".join(buf) + "\n")
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
            with self.connection.cursor() as cur:
                chunk = []
                for row in rows:
                    chunk.append(row)
                    if len(chunk) >= 5000:
                        cur.executemany(sql, chunk)
                        chunk = []
                if chunk:
                    cur.executemany(sql, chunk)


def generate(world, n: int, now: dt.datetime, connection):
    """n dossiers received over the two years before `now`, with processes, steps, events, ratings."""
    with _bulk_mode(connection):
        return _generate(world, n, now, connection)


def _generate(world, n, now, connection):
    rng = random.Random(SEED)
    _TZ_SUFFIX[0] = "+00:00" if connection.vendor == "postgresql" else ""
    tz = now.tzinfo
    start = now - dt.timedelta(days=365 * YEARS)
    span = (now - start).total_seconds()
    flow_ref, task_ref = _flow_strings()
    units = world["units"]
    choices = [("commune", u) for u in units["commune"]] * 9 + [("district", u) for u in units["district"]] * 9 \
        + [("province", world["province"])] * 10
    officials = [u.pk for u in world["officials"]]
    channels = ["counter"] * 60 + ["online"] * 30 + ["postal"] * 5 + ["outside"] * 5
    day = 86400

    dossiers, processes, items, events, ratings, spans, holds = [], [], [], [], [], [], []
    w = Writer(connection)
    totals = dict.fromkeys(("dossiers", "work_items", "events", "ratings"), 0)
    item_id = 0
    for i in range(1, n + 1):
        if len(dossiers) >= CHUNK:  # written in chunks: 10M dossiers do not fit in memory at once
            _flush(w, totals, dossiers, processes, items, events, ratings, spans, holds)
        level, unit = choices[rng.randrange(len(choices))]
        proc = world["procedures"][level][rng.randrange(12)]
        agency = world["agencies"][unit.pk]
        received = start + dt.timedelta(seconds=rng.random() * span)
        received = received.astimezone(tz).replace(hour=7 + rng.randrange(9), minute=rng.randrange(60))
        limit_days = int(proc.time_limit_value)
        due = received + dt.timedelta(days=limit_days * 1.4)
        age = (now - received).total_seconds() / day
        fate = rng.random()
        resolved = returned = closed = None
        status = "processing"
        duration = limit_days * 1.4 * (0.3 + rng.random())  # about a quarter finish late
        if age > duration + 3 and fate < 0.96:
            resolved = received + dt.timedelta(days=duration)
            if rng.random() < 0.93:
                returned = closed = resolved + dt.timedelta(hours=rng.randrange(48))
                status = "returned"
            else:
                status = "result_ready"
        elif age > 5 and fate > 0.985:
            closed = received + dt.timedelta(days=min(age, 2))
            status = "withdrawn"
        channel = channels[rng.randrange(100)]
        supplements = 1 if rng.random() < 0.1 else (2 if rng.random() < 0.02 else 0)
        extensions = 1 if rng.random() < 0.03 else 0
        dossiers.append((
            i, f"B-{i:09d}", proc.pk, agency["one_stop"].pk, unit.pk, unit.path, channel, "Bench", "", "", "", "",
            "[]", status, i, "[]", 1 if resolved else 0, _ts(received), _ts(due + dt.timedelta(days=3 * extensions)),
            _ts(due), _ts(due - dt.timedelta(days=1)), _ts(resolved), _ts(returned), _ts(closed),
            "granted" if resolved else "", "", extensions, supplements, "", "x", 2, "", _ts(received),
            unit.pk, agency["one_stop"].pk, False, "self", "", "", "", "", "", 0, "bench",
            False, channel == "online",
        ))
        processes.append((i, flow_ref, "DONE" if closed else "NEW", _ts(received), _ts(closed), "{}"))
        spans.append((i, i, _ts(received), None, _ts(due), False))  # the clock ran from receipt (no supplement wait)
        allotted = int(limit_days * 8 * 3600)
        step_end = resolved or (now if status == "processing" else closed)
        middle = received + (step_end - received) * (0.5 + rng.random() * 0.3)
        for step, (s, e, share, kind) in enumerate(((received, middle, 0.7, "justice"),
                                                   (middle, resolved, 0.3, "people_committee"))):
            if step == 1 and resolved is None:
                break
            item_id += 1
            finished = e if (resolved or step == 0 and e and e < now and status != "processing") else None
            if status == "processing" and step == 0:
                finished = None
            worked = int(((e or now) - s).total_seconds() / day / 1.4 * 8 * 3600) if finished else None
            items.append((
                item_id, task_ref, "HUMAN", "DONE" if finished else "ASSIGNED", _ts(s), _ts(s), _ts(s), _ts(finished),
                "start", officials[rng.randrange(len(officials))], i, "{}", agency[kind].pk,
                "specialist" if step == 0 else "leader", step,
                _ts(s + dt.timedelta(days=limit_days * 1.4 * share)), int(allotted * share), worked,
            ))
            holds.append((item_id, i, agency[kind].pk, _ts(received)))  # each step at its own agency
        events.append((2 * i - 1, i, 1, _ts(received), "receive", "", "received", "{}", "", "h" * 64))
        if resolved:
            events.append((2 * i, i, 2, _ts(resolved), "decide", "processing", "result_ready",
                           json.dumps({"late": resolved > due}), "h" * 64, "h" * 64))
            if rng.random() < 0.2:
                ratings.append((i, i, ("satisfied", "satisfied", "satisfied", "normal", "not_satisfied")[i % 5], "",
                                _ts(returned or resolved)))
    _flush(w, totals, dossiers, processes, items, events, ratings, spans, holds)
    return totals


CHUNK = 250_000

# The tables the load writes. Their secondary indexes are dropped while it runs and built once after.
LOADED_TABLES = ("viewflow_process", "workflows_dossier", "workflows_workitem", "workflows_dossierevent",
                 "workflows_satisfactionrating", "workflows_clockspan", "workflows_dossierhold")


@contextmanager
def _bulk_mode(connection):
    """PostgreSQL: load without per-row index upkeep or foreign-key triggers, then build the indexes once.

    Keeping ~30 indexes and the FK triggers current row by row was half the COPY's time; one
    CREATE INDEX per index afterwards costs a fraction of it. The rows are generated consistent,
    and the constraint-backed indexes (keys, unique codes) stay and are checked throughout."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                       WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
                         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                    [list(LOADED_TABLES)])
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("SET maintenance_work_mem = '1GB'")
            for _, definition in indexes:
                cur.execute(definition)
            cur.execute("RESET maintenance_work_mem")


def _flush(w, totals, dossiers, processes, items, events, ratings, spans, holds):
    """Write one chunk (processes before the dossiers and work items that refer to them) and empty the lists."""
    w.write("viewflow_process", ["id", "flow_class", "status", "created", "finished", "data"], processes)
    w.write("workflows_dossier", DOSSIER_COLUMNS, dossiers)
    w.write("workflows_workitem", [
        "id", "flow_task", "flow_task_type", "status", "created", "assigned", "started", "finished", "token",
        "owner_id", "process_id", "data", "agency_id", "role", "step_index", "due_at", "allotted_seconds",
        "working_seconds",
    ], items)
    w.write("workflows_dossierevent", [
        "id", "dossier_id", "seq", "at", "action", "from_status", "to_status", "data", "prev_hash", "hash", "note",
    ], ((*e, "") for e in events))
    w.write("workflows_satisfactionrating", ["id", "dossier_id", "rating", "comment", "created_at"], ratings)
    w.write("workflows_clockspan", ["id", "dossier_id", "started_at", "ended_at", "legal_due_at", "waiting"], spans)
    w.write("workflows_dossierhold", ["id", "dossier_id", "agency_id", "created_at"], holds)
    for key, rows in (("dossiers", dossiers), ("work_items", items), ("events", events), ("ratings", ratings)):
        totals[key] += len(rows)
    for rows in (dossiers, processes, items, events, ratings, spans, holds):
        rows.clear()


DOSSIER_COLUMNS = [
    "id", "code", "procedure_id", "receiving_agency_id", "receiving_unit_id", "unit_path", "channel",
    "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
    "documents", "status", "process_id", "plan", "current_step", "received_at", "due_at", "original_due_at",
    "at_risk_at", "resolved_at", "returned_at", "closed_at", "outcome", "outcome_reasons", "extension_count",
    "supplement_count", "collected_by", "lookup_secret_hash", "event_count", "last_event_hash", "created_at",
    "competent_unit_id", "return_agency_id", "received_out_of_area", "applicant_capacity", "subject_name",
    "subject_id_number", "subject_address", "authorisation_document", "stop_reason", "guidance_count",
    "applicant_search",  # workflows.folding.applicant_search("Bench")
    "paper_result", "vneid_verified",  # online dossiers come through a VNeID-verified portal account
]


def finish_load(connection):
    """Blank text columns, sequences and statistics after the bulk load."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for table in LOADED_TABLES:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cur.execute("VACUUM ANALYZE")
        else:
            cur.execute("ANALYZE")


# --- the same figures as hand-made SQL (PostgreSQL) --------------------------------------------

HANDLED = """
WITH c AS (
  SELECT d.id, d.competent_unit_id, d.receiving_agency_id, d.procedure_id, d.channel, d.status, d.received_at,
         d.original_due_at, d.supplement_count, d.guidance_count, x.end_at,
         (x.end_at >= %(s)s AND x.end_at < %(e)s) AS left_in,
         d.resolved_at IS NULL AS nodec,
         x.end_at > d.original_due_at AS late,
         FLOOR((EXTRACT(EPOCH FROM x.end_at) + 25200) / 86400)
           < FLOOR((EXTRACT(EPOCH FROM d.original_due_at) + 25200) / 86400) AS early_day,
         (x.end_at IS NULL OR x.end_at >= %(e)s) AS pending,
         (x.end_at IS NULL OR x.end_at >= %(e)s) AND EXISTS (
           SELECT 1 FROM workflows_clockspan s WHERE s.dossier_id = d.id AND s.started_at < %(a)s
             AND (s.ended_at IS NULL OR s.ended_at >= %(a)s) AND NOT s.waiting AND s.legal_due_at < %(a)s
         ) AS overdue
  FROM workflows_dossier d CROSS JOIN LATERAL (SELECT COALESCE(d.resolved_at, d.closed_at) AS end_at) x
  WHERE d.competent_unit_id = ANY(%(units)s) AND d.received_at < %(e)s AND (x.end_at IS NULL OR x.end_at >= %(s)s)
)
"""
COUNTS = """
  COUNT(*) FILTER (WHERE received_at >= %(s)s),
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND channel = 'online'),
  COUNT(*) FILTER (WHERE received_at >= %(s)s AND channel IN ('counter', 'online', 'postal')),
  COUNT(*) FILTER (WHERE received_at < %(s)s),
  COUNT(*) FILTER (WHERE left_in AND NOT nodec),
  COUNT(*) FILTER (WHERE left_in AND NOT nodec AND early_day AND NOT late),
  COUNT(*) FILTER (WHERE left_in AND NOT nodec AND NOT early_day AND NOT late),
  COUNT(*) FILTER (WHERE left_in AND NOT nodec AND late),
  COUNT(*) FILTER (WHERE left_in AND nodec),
  COUNT(*) FILTER (WHERE pending),
  COUNT(*) FILTER (WHERE overdue),
  COUNT(*) FILTER (WHERE pending AND NOT overdue),
  COUNT(*) FILTER (WHERE channel = 'online' AND ((left_in AND NOT nodec AND late) OR overdue))
"""
TASKS = """
  FROM workflows_workitem w
  WHERE w.agency_id IN (SELECT id FROM procedures_agency WHERE unit_id = ANY(%(units)s))
    AND w.step_index IS NOT NULL AND w.status <> 'CANCELED' AND w.finished >= %(s)s AND w.finished < %(e)s
"""
HAND_SQL = {
    "summary": HANDLED + "SELECT" + COUNTS + "FROM c",
    "by_unit": HANDLED + "SELECT competent_unit_id," + COUNTS + "FROM c GROUP BY 1 ORDER BY 1",
    "by_agency": HANDLED + "SELECT receiving_agency_id," + COUNTS + "FROM c GROUP BY 1 ORDER BY 1",
    "report": HANDLED + "SELECT c.competent_unit_id, p.field_id," + COUNTS
    + "FROM c JOIN procedures_procedure p ON p.id = c.procedure_id GROUP BY 1, 2 ORDER BY 1, 2",
    "trend": HANDLED + """SELECT date_trunc('month', end_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), COUNT(*),
        COUNT(*) FILTER (WHERE late) FROM c WHERE left_in AND NOT nodec GROUP BY 1 ORDER BY 1""",
    "satisfaction": """SELECT COUNT(*), COUNT(*) FILTER (WHERE r.rating = 'satisfied'),
        COUNT(*) FILTER (WHERE r.rating = 'normal'), COUNT(*) FILTER (WHERE r.rating = 'not_satisfied')
        FROM workflows_satisfactionrating r JOIN workflows_dossier d ON d.id = r.dossier_id
        WHERE d.competent_unit_id = ANY(%(units)s) AND r.created_at >= %(s)s AND r.created_at < %(e)s""",
    "working_time": HANDLED + """, per AS (
          SELECT d.procedure_id, SUM(w.working_seconds) AS secs
          FROM c JOIN workflows_dossier d ON d.id = c.id JOIN workflows_workitem w ON w.process_id = d.process_id
          WHERE c.left_in AND NOT c.nodec AND w.step_index IS NOT NULL GROUP BY d.process_id, d.procedure_id),
        ranked AS (SELECT procedure_id, secs, ROW_NUMBER() OVER (PARTITION BY procedure_id ORDER BY secs) AS rn,
                          COUNT(*) OVER (PARTITION BY procedure_id) AS n FROM per)
        SELECT procedure_id, COUNT(*), AVG(secs), MIN(secs) FILTER (WHERE rn * 10 >= n * 9)
        FROM ranked GROUP BY 1""",
    "evaluation": HANDLED + """SELECT receiving_agency_id, COUNT(*),
          AVG(CASE WHEN late THEN 0 WHEN early_day THEN 2 ELSE 1 END),
          AVG(CASE supplement_count + guidance_count WHEN 0 THEN 2 WHEN 1 THEN 1 ELSE 0 END),
          AVG(CASE WHEN supplement_count + guidance_count = 0 THEN 2 WHEN channel = 'outside' THEN 0 ELSE 1 END),
          AVG(CASE WHEN id IN (SELECT dossier_id FROM workflows_complaint WHERE NOT unsubstantiated) THEN 0
                   WHEN late THEN 0 WHEN early_day THEN 2 ELSE 1 END)
        FROM c WHERE left_in AND NOT nodec GROUP BY 1""",
    "step_scores": """SELECT w.agency_id, AVG(CASE WHEN w.working_seconds > w.allotted_seconds THEN 0
          WHEN w.working_seconds = w.allotted_seconds THEN 1 ELSE 2 END), COUNT(*)""" + TASKS
    + " AND w.allotted_seconds IS NOT NULL AND w.working_seconds IS NOT NULL GROUP BY 1",
    "delays_by_agency": """SELECT w.agency_id, (SELECT name FROM procedures_agency a WHERE a.id = w.agency_id),
          COUNT(*),
          COUNT(*) FILTER (WHERE w.finished > w.due_at OR w.working_seconds > w.allotted_seconds) AS late,
          SUM(CASE WHEN w.working_seconds > w.allotted_seconds THEN w.working_seconds - w.allotted_seconds
                   ELSE 0 END) AS over, SUM(w.working_seconds), SUM(w.allotted_seconds)""" + TASKS
    + " GROUP BY 1 HAVING COUNT(*) FILTER (WHERE w.finished > w.due_at OR w.working_seconds > w.allotted_seconds) > 0"
    " ORDER BY 4 DESC, 5 DESC",
}


# --- timing ------------------------------------------------------------------------------------


def _median_ms(fn, repeat):
    fn()  # warm: plans, caches
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def _hand(connection, name, params):
    def run():
        with connection.cursor() as cur:
            cur.execute(HAND_SQL[name], params)
            return cur.fetchall()
    return run


def _params(period, unit_ids, now) -> dict:
    """The hand SQL's parameters for a period over units."""
    return {"s": period.start, "e": period.end, "a": period.as_of(now), "units": unit_ids}


def cases(world, now):

    from onestop.oversight import dashboard
    from reporting import evaluation, metrics, reports
    from workflows.models import Dossier

    last_year = metrics.Period.of("year", now.year - 1)
    month = metrics.Period.of("month", now.year - 1, 11)
    province_ids = metrics.subtree_ids(world["province"])
    district_ids = metrics.subtree_ids(world["district"])
    qs_p = metrics.in_units(Dossier.objects.all(), province_ids)
    qs_d = metrics.in_units(Dossier.objects.all(), district_ids)
    admin = _bench_admin()

    py, dm = _params(last_year, province_ids, now), _params(month, district_ids, now)
    return [
        # (label, ORM callable, hand SQL name or None, hand params)
        ("summary · province · year", lambda: metrics.summary(qs_p, last_year, now), "summary", py),
        ("by unit · province · year", lambda: metrics.grouped(qs_p, last_year, ["competent_unit_id"], now),
         "by_unit", py),
        ("by agency · province · year", lambda: metrics.grouped(qs_p, last_year, ["receiving_agency_id"], now),
         "by_agency", py),
        ("on-time trend · province · year", lambda: metrics.monthly_trend(qs_p, last_year), "trend", py),
        ("satisfaction · province · year", lambda: metrics.satisfaction(qs_p, last_year), "satisfaction", py),
        ("working time avg/p90 · province · year", lambda: metrics.working_time_by_procedure(qs_p, last_year),
         "working_time", py),
        ("TT01 scores by agency · province · year",
         lambda: evaluation.averages(qs_p, last_year, "receiving_agency_id"), "evaluation", py),
        ("TT01 indicator 2 by agency · province · year",
         lambda: evaluation.step_averages(province_ids, last_year), "step_scores", py),
        ("delays by agency · province · year",
         lambda: metrics.attribution_live(province_ids, last_year, "agency", now), "delays_by_agency", py),
        ("summary · district · month", lambda: metrics.summary(qs_d, month, now), "summary", dm),
        ("by unit · district · month", lambda: metrics.grouped(qs_d, month, ["competent_unit_id"], now),
         "by_unit", dm),
        ("yearly report · province", lambda: reports.build(world["province"], last_year, now=now), "report", py),
        ("dashboard page · district supervisor · month",
         lambda: dashboard.build(world["supervisor"], world["district"], month, now), None, None),
        ("dashboard page · province · year", lambda: dashboard.build(admin, world["province"], last_year, now),
         None, None),
    ]


def rollup_cases(world, now):
    """The same counts served from the monthly rollups (after `rollups.refresh`)."""

    from onestop.oversight import dashboard
    from reporting import metrics, reports, rollups

    last_year = metrics.Period.of("year", now.year - 1)
    month = metrics.Period.of("month", now.year - 1, 11)
    province_ids = metrics.subtree_ids(world["province"])
    district_ids = metrics.subtree_ids(world["district"])
    admin = _bench_admin()

    py, dm = _params(last_year, province_ids, now), _params(month, district_ids, now)
    return [
        ("[rollups] summary · province · year",
         lambda: metrics.total(rollups.grouped(province_ids, last_year, ["competent_unit_id"])), "summary", py),
        ("[rollups] by unit · province · year",
         lambda: rollups.grouped(province_ids, last_year, ["competent_unit_id"]), "by_unit", py),
        ("[rollups] by agency · province · year",
         lambda: rollups.grouped(province_ids, last_year, ["receiving_agency_id"]), "by_agency", py),
        ("[rollups] on-time trend · province · year", lambda: rollups.trend(province_ids, last_year), "trend", py),
        ("[rollups] TT01 scores by agency · province · year",
         lambda: rollups.scores(province_ids, last_year, "receiving_agency_id"), "evaluation", py),
        ("[rollups] by unit · district · month",
         lambda: rollups.grouped(district_ids, month, ["competent_unit_id"]), "by_unit", dm),
        ("[rollups] satisfaction · province · year", lambda: rollups.satisfaction(province_ids, last_year),
         "satisfaction", py),
        ("[rollups] working time avg/p90 · province · year",
         lambda: rollups.working_time_by_procedure(world["province"], last_year), "working_time", py),
        ("[rollups] TT01 indicator 2 by agency · province · year",
         lambda: rollups.step_averages(province_ids, last_year), "step_scores", py),
        ("[rollups] delays by agency · province · year",
         lambda: rollups.attribution(province_ids, last_year, "agency"), "delays_by_agency", py),
        ("[rollups] working time avg/p90 · district · month",
         lambda: rollups.working_time_by_procedure(world["district"], month), "working_time", dm),
        ("[rollups] yearly report · province", lambda: reports.build(world["province"], last_year, now=now),
         "report", py),
        ("[rollups] dashboard page · district supervisor · month",
         lambda: dashboard.build(world["supervisor"], world["district"], month, now), None, None),
        ("[rollups] dashboard page · province · year",
         lambda: dashboard.build(admin, world["province"], last_year, now), None, None),
    ]


def current_cases(world, now, tag="[current]"):
    """The running period: the current quarter and month, served either as the closed months from the
    rollups plus the running month live, or (ADR 0043) wholly from the rollups with the running month's
    ten-minute rebuild; which one depends on the rollup state the caller set up."""

    from onestop.oversight import dashboard
    from reporting import metrics

    quarter = metrics.Period.of("quarter", now.year, (now.month - 1) // 3 + 1)
    running = metrics.Period.of("month", now.year, now.month)
    province_ids = metrics.subtree_ids(world["province"])
    district_ids = metrics.subtree_ids(world["district"])
    admin = _bench_admin()

    pq, dq, pm = (_params(quarter, province_ids, now), _params(quarter, district_ids, now),
                  _params(running, province_ids, now))
    return [
        (f"{tag} summary · province · quarter",
         lambda: metrics.total(metrics.counts(province_ids, quarter, ["competent_unit_id"], now=now)), "summary", pq),
        (f"{tag} by unit · district · quarter",
         lambda: metrics.counts(district_ids, quarter, ["competent_unit_id"], now=now), "by_unit", dq),
        (f"{tag} on-time trend · province · quarter", lambda: metrics.trend(province_ids, quarter), "trend", pq),
        (f"{tag} summary · province · month",
         lambda: metrics.total(metrics.counts(province_ids, running, ["competent_unit_id"], now=now)), "summary", pm),
        (f"{tag} dashboard page · province · quarter",
         lambda: dashboard.build(admin, world["province"], quarter, now), None, None),
        (f"{tag} dashboard page · province · month",
         lambda: dashboard.build(admin, world["province"], running, now), None, None),
    ]


def time_current_period(connection, world, now, repeat):
    """The running period both ways: live beside the closed months, then from the ten-minute rebuild
    (whose own cost is printed: it is what the beat pays every ten minutes)."""
    from reporting import rollups

    rollups.RollupState.objects.update(running_at=None)  # as if the running rebuild were stale: live
    _time_cases(connection, current_cases(world, now, "[current, live]"), repeat)
    t0 = time.perf_counter()
    rows = rollups.refresh_running()  # at the wall clock: the screens judge freshness by it
    print(f"rollups.refresh_running(): {rows:,} rows in {time.perf_counter() - t0:.1f} s (every ten minutes)")
    _time_cases(connection, current_cases(world, now, "[current, rebuilt]"), repeat)


def run(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 dossiers")
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database, skip generation")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--load-only", action="store_true", help="generate and keep the database, time nothing")
    parser.add_argument("--skip-live", action="store_true", help="time only the rollup-served figures")
    parser.add_argument("--no-refresh", action="store_true", help="with --reuse: keep the rollups already built")
    parser.add_argument("--current-only", action="store_true",
                        help="with --reuse --no-refresh: time only the running period (live, then rebuilt)")
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else args.dossiers

    setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings = connection.settings_dict
    old_name = settings["NAME"]
    settings.setdefault("TEST", {})["NAME"] = f"test_{old_name.rsplit('/', 1)[-1].split('.')[0]}_metrics"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        now = timezone.localtime().replace(microsecond=0)
        from procedures.models import AdministrativeUnit

        if args.reuse and AdministrativeUnit.objects.filter(code="BP").exists():
            world = reuse_world()
            loaded = "reused"
        else:
            t0 = time.perf_counter()
            world = build_world()
            if connection.vendor != "postgresql" and n > 50_000:
                print(f"SQLite: generating {n:,} dossiers row by row is slow; use PostgreSQL for the real run.")
            counts = generate(world, n, now, connection)
            finish_load(connection)
            loaded = f"{counts} in {time.perf_counter() - t0:.0f} s"
        total = _count(connection)
        print(f"database: {connection.vendor} {_version(connection)}, dossiers: {total:,} ({loaded})")
        if args.load_only:
            return
        from reporting import rollups

        keep = args.no_refresh and rollups.RollupState.objects.exists()
        if not keep:
            rollups.RollupState.objects.all().delete()  # live figures first
        print(f"{'query':56s} {'ours ms':>9s} {'hand ms':>9s} {'ratio':>6s} {'queries':>7s}")
        if not (args.skip_live or keep):
            _time_cases(connection, cases(world, now), args.repeat)
        if not keep:
            t0 = time.perf_counter()
            rows = rollups.refresh(now=now)
            print(f"rollups.refresh(): {rows:,} rows in {time.perf_counter() - t0:.1f} s "
                  f"(units × procedures × months; working time: subtree roots × procedures × months, quarters, years)")
        if not (keep and args.current_only):
            _time_cases(connection, rollup_cases(world, now), args.repeat)
        time_current_period(connection, world, now, args.repeat)
    finally:
        if not (args.keep or args.load_only):
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _time_cases(connection, case_list, repeat):
    from django.test.utils import CaptureQueriesContext

    for label, fn, hand, params in case_list:
        with CaptureQueriesContext(connection) as captured:
            fn()
        ours = _median_ms(fn, repeat)
        if hand and connection.vendor == "postgresql":
            theirs = _median_ms(_hand(connection, hand, params), repeat)
            print(f"{label:56s} {ours:9.1f} {theirs:9.1f} {ours / theirs:6.2f} {len(captured):7d}")
        else:
            print(f"{label:56s} {ours:9.1f} {'':>9s} {'':>6s} {len(captured):7d}")
        sys.stdout.flush()


def _bench_admin():
    """The province-wide viewer of the dashboard cases (created on first use, also with --skip-live)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.filter(is_superuser=True).first() or users.create_superuser("bench_admin", password="bench-admin-pw-1")


def reuse_world():
    from django.contrib.auth import get_user_model

    from procedures.models import AdministrativeUnit

    province = AdministrativeUnit.objects.get(code="BP")
    district = AdministrativeUnit.objects.filter(parent=province).order_by("pk").first()
    return {"province": province, "district": district,
            "supervisor": get_user_model().objects.get(username="bench_supervisor")}


def _count(connection):
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM workflows_dossier")
        return cur.fetchone()[0]


def _version(connection):
    with connection.cursor() as cur:
        cur.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return cur.fetchone()[0].split(",")[0]


if __name__ == "__main__":
    run()
