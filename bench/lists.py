"""Staff lists benchmark: the API dossier list, the counter's day and the desk inbox over the metrics database.

Reuses the database `python -m bench.metrics --keep` generated (1,000,000 dossiers by default)
and times each list as a whole request through Django's test client (authentication,
queries, serialisation or template) — the server time — against a baseline in the same run:
one indexed read of a dossier by primary key through the ORM. Also times the OR form of the
scope (`dossiers_for`: count + page, what the API list ran before) for comparison, and with
`--explain` prints the plans of the list queries.

    python -m bench.metrics --keep            # once: generate and keep the database
    python -m bench.lists [--repeat R] [--explain]
"""
import argparse
import statistics
import sys
import time

from bench.common import setup_django


def _median_ms(fn, repeat):
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def bench_users():
    """A clerk of a commune counter, a specialist and a leader of its justice office (created once)."""
    from django.contrib.auth import get_user_model

    from procedures.models import AdministrativeUnit, Agency
    from tests import factories as f

    users = get_user_model().objects
    unit = AdministrativeUnit.objects.get(code="B0000")
    agencies = {a.kind.code: a for a in Agency.objects.filter(unit=unit).select_related("kind")}
    made = {}
    for name, role, kind in (("bench_clerk", "clerk", "one_stop"), ("bench_specialist", "specialist", "justice"),
                             ("bench_leader", "leader", "justice")):
        made[role] = users.filter(username=name).first() or f.user(name, role, [agencies[kind]],
                                                                     password="bench-list-pw-1")
    return made


def cases(users):
    from django.test import Client
    from django.urls import reverse
    from rest_framework.test import APIClient

    from workflows import access
    from workflows.models import Dossier

    def api(user, **params):
        client = APIClient()
        client.force_authenticate(user)

        def run():
            response = client.get("/api/dossiers/", params)
            assert response.status_code == 200, response.content[:300]
        return run

    def screen(user, name):
        client = Client()
        client.force_login(user)

        def run():
            response = client.get(reverse(name))
            assert response.status_code == 200
        return run

    def or_form(user):
        def run():
            qs = access.dossiers_for(user).select_related("procedure", "receiving_agency")
            qs = qs.order_by("-created_at", "-id")
            qs.count()
            list(qs[:50])
        return run

    any_pk = Dossier.objects.order_by("pk").values_list("pk", flat=True)[500_000] \
        if Dossier.objects.count() > 500_000 else Dossier.objects.values_list("pk", flat=True).first()
    clerk, specialist, leader = users["clerk"], users["specialist"], users["leader"]
    return [
        ("baseline · one dossier by primary key (ORM)", lambda: Dossier.objects.get(pk=any_pk)),
        ("API list · clerk · page 1", api(clerk)),
        ("API list · clerk · page 20", api(clerk, page=20)),
        ("API list · clerk · status=result_ready", api(clerk, status="result_ready")),
        ("API list · specialist · page 1", api(specialist)),
        ("API list · leader · page 1", api(leader)),
        ("counter's day · clerk", screen(clerk, "counter:index")),
        ("desk inbox · leader (all the agency's open work)", screen(leader, "desk:index")),
        ("desk inbox · specialist", screen(specialist, "desk:index")),
        ("[was] OR scope: count + page · clerk", or_form(clerk)),
        ("[was] OR scope: count + page · specialist", or_form(specialist)),
    ]


def explain(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows import access
    from workflows.models import Dossier

    for role in ("clerk", "specialist"):
        user = users[role]
        page = access.visible_slice(user, Dossier.objects.all(), ("-created_at", "-id"), 0, 51)
        sql, params = page.query.sql_with_params()
        _print_plan(connection, f"page · {role}", sql, params)
        with CaptureQueriesContext(connection) as captured:  # the count's SQL, as count_visible sends it
            access.count_visible(user, Dossier.objects.all(), 10_000)
        _print_plan(connection, f"count · {role}", captured.captured_queries[0]["sql"], None)


def _print_plan(connection, label, sql, params):
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) " + sql, params)
        print(f"--- {label}")
        print("\n".join(r[0] for r in cur.fetchall()))


def run(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="print the plans of the list queries")
    args = parser.parse_args(argv)

    setup_django()
    import logging

    from django.conf import settings as django_settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per forced login otherwise
    django_settings.ALLOWED_HOSTS = ["testserver"]
    settings = connection.settings_dict
    old_name = settings["NAME"]
    settings.setdefault("TEST", {})["NAME"] = f"test_{old_name.rsplit('/', 1)[-1].split('.')[0]}_metrics"
    connection.creation.create_test_db(verbosity=0, autoclobber=False, keepdb=True, serialize=False)
    try:
        from workflows.models import Dossier

        total = Dossier.objects.count()
        if not total:
            print("no dossiers: run `python -m bench.metrics --keep` first")
            return
        users = bench_users()
        print(f"database: {connection.vendor}, dossiers: {total:,}")
        print(f"{'list':52s} {'ms':>8s} {'ratio':>7s} {'queries':>7s}")
        baseline = None
        for label, fn in cases(users):
            sent = []  # counted by a wrapper: a request resets the debug query log

            def count(execute, sql, *rest, sent=sent):
                sent.append(sql)
                return execute(sql, *rest)

            with connection.execute_wrapper(count):
                fn()
            ms = _median_ms(fn, args.repeat)
            baseline = baseline or ms
            print(f"{label:52s} {ms:8.1f} {ms / baseline:7.1f} {len(sent):7d}")
            sys.stdout.flush()
        if args.explain and connection.vendor == "postgresql":
            explain(users)
    finally:
        teardown_test_environment()  # the database stays: it is bench.metrics's


if __name__ == "__main__":
    run()
