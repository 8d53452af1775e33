"""Scoreboard benchmark: the QĐ 766 figures over the metrics benchmark's database (1,000,000 dossiers
by default, 10,000,000 with `--dossiers`), closed months from the rollups, the running month live.

    python -m bench.scoreboard [--dossiers N] [--reuse] [--keep] [--repeat R]

Uses (and with --reuse, keeps) the database `test_<name>_metrics` of bench.metrics: load it once with
`python -m bench.metrics --dossiers N --load-only`, then run this with --reuse. Each figure is timed
through our code; the target is ≤ 250 ms per figure at 10,000,000 dossiers (issue 15).
"""
import argparse
import sys
import time

from bench.common import setup_django
from bench.metrics import _count, _median_ms, _version, build_world, finish_load, generate, reuse_world


def cases(world, now):
    from django.contrib.auth import get_user_model

    from onestop.oversight import national_score
    from reporting import metrics
    from reporting.periods import Period
    from scoreboard import score

    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    closed = Period.of("month", year, month)
    running = Period.of("month", now.year, now.month)
    province_ids = metrics.subtree_ids(world["province"])
    district_ids = metrics.subtree_ids(world["district"])
    commune_ids = district_ids[1:2]
    admin = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench_admin", password="bench-admin-pw-1")
    return [
        ("[rollups] score · province · closed month", lambda: score.lines_from_rollups(closed, unit_ids=province_ids)),
        ("[rollups] score · district · closed month", lambda: score.lines_from_rollups(closed, unit_ids=district_ids)),
        ("[rollups] score · commune · closed month", lambda: score.lines_from_rollups(closed, unit_ids=commune_ids)),
        ("[rollups] score · one procedure · closed month",
         lambda: score.lines_from_rollups(closed, procedure_ids=[_a_procedure()])),
        ("[rollups] score · province · running month (fresh rebuild)",
         lambda: score.lines_from_rollups(running, unit_ids=province_ids, now=now)),
        ("[page] scoreboard · province · running month (fresh rebuild)",
         lambda: national_score.build(admin, world["province"], running, now)),
        ("[page] scoreboard · province · closed month",
         lambda: national_score.build(admin, world["province"], closed, now)),
        # last: at 10M they take minutes, and the fresh rebuild above must be served while under 20 minutes old
        ("[live] score · commune · running month",
         lambda: score.lines(running, metrics.in_units(_dossiers(), commune_ids), now)),
        ("[live] score · district · running month",
         lambda: score.lines(running, metrics.in_units(_dossiers(), district_ids), now)),
        ("[live] score · province · running month",
         lambda: score.lines(running, metrics.in_units(_dossiers(), province_ids), now)),
    ]


def _dossiers():
    from workflows.models import Dossier

    return Dossier.objects.all()


def _a_procedure():
    from scoreboard.models import MonthCounts

    return MonthCounts.objects.order_by("-received").values_list("procedure_id", flat=True).first()


def run(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="reuse bench.metrics' kept database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings = connection.settings_dict
    old_name = settings["NAME"]
    settings.setdefault("TEST", {})["NAME"] = f"test_{old_name.rsplit('/', 1)[-1].split('.')[0]}_metrics"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        from procedures.models import AdministrativeUnit
        from reporting.periods import Period
        from scoreboard import rollups

        now = timezone.localtime().replace(microsecond=0)
        if args.reuse and AdministrativeUnit.objects.filter(code="BP").exists():
            world, loaded = reuse_world(), "reused"
        else:
            t0 = time.perf_counter()
            world = build_world()
            counts = generate(world, args.dossiers, now, connection)
            finish_load(connection)
            loaded = f"{counts} in {time.perf_counter() - t0:.0f} s"
        print(f"database: {connection.vendor} {_version(connection)}, dossiers: {_count(connection):,} ({loaded})")
        year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
        t0 = time.perf_counter()
        rows = rollups.rebuild_month(Period.of("month", year, month), now=now)
        print(f"rollups.rebuild_month({month:02d}/{year}): {rows:,} rows in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        rows = rollups.rebuild_month(Period.of("month", now.year, now.month), now=now)
        print(f"rollups.rebuild_month(running {now.month:02d}/{now.year}): {rows:,} rows in "
              f"{time.perf_counter() - t0:.1f} s (the beat's ten-minute rebuild)")
        print(f"{'figure':56s} {'ms':>9s} {'queries':>7s}")
        for label, fn in cases(world, now):
            with CaptureQueriesContext(connection) as captured:
                fn()
            print(f"{label:56s} {_median_ms(fn, args.repeat):9.1f} {len(captured):7d}")
            sys.stdout.flush()
    finally:
        if not (args.keep or args.reuse):
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    run()
