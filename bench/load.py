"""Load test: gunicorn with deploy/gunicorn.conf.py on loopback, a bounded concurrent Python client.

Builds (or, with `--reuse`, reuses) a bench database `test_<name>_load` on the configured
engine — the province of bench.metrics with N generated dossiers (`--dossiers`, default
100,000; `--metrics-db` uses the kept 1M database of `bench.metrics --keep` instead) and a
few dossiers received through the services, whose secrets and QR tokens the client knows —
starts gunicorn in production mode (DEBUG=0, WhiteNoise's manifest, Redis cache when
reachable) on a free loopback port, and drives it with C keep-alive connections (threads,
http.client), R alternating rounds of each case so machine noise hits all alike:

- the trivial view (`/healthz/`: no database, no session, no template) and a static page
  (the portal's lookup form: templates, no database),
- the public status lookup: the portal's QR link (`/tra-cuu/?t=…`) and the API (`POST /api/status/`),
- the counter's day (a clerk's session cookie) and the API dossier list (the clerk's token).

Prints per case the throughput, p50 / p99 latency, the CPU the gunicorn workers and the
database's backends spent per request (from /proc), and throughput ÷ the trivial view's.

    python -m bench.load [--dossiers N | --metrics-db] [--reuse] [--connections C] [--requests N]
                         [--rounds R] [--workers W] [--threads T] [--keep]
"""
import argparse
import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import setup_django

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = 20  # dossiers the client looks up, round robin
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the server's environment -------------------------------------------------------------


def production_env(cache_url: str) -> dict:
    """Production mode for this process and the server: same keys, so secrets hashed here match there."""
    key = lambda: secrets.token_urlsafe(64)  # noqa: E731
    env = {
        "DEBUG": "0", "SECRET_KEY": key(), "ONESTOP_LOOKUP_KEY": key(), "ONESTOP_AUDIT_ANCHOR_KEY": key(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "WARNING", "AXES_ENABLED": "1",
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


def redis_reachable(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return True
    except Exception:  # any failure: use the local-memory cache
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, host, port = settings_dict.get("USER") or "", settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"


def start_server(env: dict, port: int, args) -> subprocess.Popen:
    env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": ""}
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "onestop.wsgi:application"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited:\n" + server.stderr.read().decode(errors="replace"))
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# --- CPU from /proc -------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _backends(db_name: str) -> list[int]:
    """PostgreSQL backends serving the bench database (their title names the database)."""
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if title.startswith(b"postgres: ") and f" {db_name} ".encode() in title:
            pids.append(int(proc.name))
    return pids


class CpuMeter:
    """CPU seconds of the gunicorn workers and of the database's backends, between two readings.

    Per process: one that ended between the readings (a recycled worker, a closed connection)
    loses its share instead of making the figure negative."""

    def __init__(self, master: int, db_name: str):
        self.master, self.db_name = master, db_name

    def read(self) -> dict:
        workers = {("w", p): _cpu_ticks(p) for p in [self.master, *_children(self.master)]}
        backends = {("db", p): _cpu_ticks(p) for p in _backends(self.db_name)} if self.db_name else {}
        return {**workers, **backends}

    @staticmethod
    def spent(before: dict, after: dict):
        def total(kind):
            return sum(max(0, ticks - before.get(key, 0)) for key, ticks in after.items() if key[0] == kind)
        return total("w") / CLK_TCK, total("db") / CLK_TCK


# --- the client -----------------------------------------------------------------------------


def drive(port: int, make_request, connections: int, total: int):
    """`total` requests over `connections` keep-alive connections; latencies (s), elapsed (s), failures."""
    lock = threading.Lock()
    issued = [0]
    latencies, failures = [], []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while True:
            with lock:
                if issued[0] >= total:
                    break
                n = issued[0]
                issued[0] += 1
            method, path, body, headers, expected = make_request(n)
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.append(time.perf_counter() - t0)
            if status != expected:
                with lock:
                    failures.append(status)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - t0, failures


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the data -------------------------------------------------------------------------------


def prepare(connection, args, now):
    """The world, the lookup dossiers (code, secret, token) and the clerk's session and token."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench import lists, metrics
    from procedures.models import AdministrativeUnit, Agency, Procedure
    from workflows import codes, services
    from workflows.models import Dossier

    if not AdministrativeUnit.objects.filter(code="BP").exists():
        t0 = time.perf_counter()
        world = metrics.build_world()
        counts = metrics.generate(world, args.dossiers, now, connection)
        metrics.finish_load(connection)
        print(f"generated {counts} in {time.perf_counter() - t0:.0f} s")
    users = lists.bench_users()
    clerk, specialist = users["clerk"], users["specialist"]
    counter = Agency.objects.get(unit__code="B0000", kind__code="one_stop")
    lookups = []
    for d in Dossier.objects.filter(code__startswith=counter.identifier, applicant_name="Bench lookup").order_by("pk"):
        secret = f"LOAD{d.pk:04d}"[-8:]  # reset: the secret of a reused database is not kept
        Dossier.objects.filter(pk=d.pk).update(lookup_secret_hash=codes.hash_secret(secret))
        lookups.append((d.code, secret))
    proc = Procedure.objects.filter(level__code="commune", steps__isnull=False).order_by("pk").first()
    while len(lookups) < LOOKUPS:
        receipt = services.receive(
            actor=clerk, procedure=proc, agency=counter, applicant=services.Applicant(name="Bench lookup"),
            document_ids=[doc.pk for doc in proc.documents.filter(is_mandatory=True)])
        dossier = receipt.dossier
        if len(lookups) % 2:  # half of them a step further: a longer timeline, a current stage
            services.start_processing(dossier, actor=specialist)
        secret = f"LOAD{dossier.pk:04d}"[-8:]
        Dossier.objects.filter(pk=dossier.pk).update(lookup_secret_hash=codes.hash_secret(secret))
        lookups.append((dossier.code, secret))
    lookups = [(code, secret, codes.make_lookup_token(code)) for code, secret in lookups]
    assert all(codes.read_lookup_token(t) == c for c, _, t in lookups)
    web = Client()
    web.force_login(get_user_model().objects.get(pk=clerk.pk))
    session = web.cookies[settings.SESSION_COOKIE_NAME].value
    token, _ = Token.objects.get_or_create(user=clerk)
    return lookups, session, token.key


def cases(lookups, session, token):
    from urllib.parse import quote

    from django.conf import settings

    def trivial(n):
        return "GET", "/healthz/", None, {}, 200

    def static(n):
        return "GET", "/tra-cuu/", None, {}, 200

    def portal(n):
        return "GET", f"/tra-cuu/?t={quote(lookups[n % len(lookups)][2])}", None, {}, 200

    def api_status(n):
        code, secret, _ = lookups[n % len(lookups)]
        return ("POST", "/api/status/", json.dumps({"code": code, "secret": secret}),
                {"Content-Type": "application/json"}, 200)

    def counter_day(n):
        return "GET", "/counter/", None, {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}, 200

    def api_list(n):
        return "GET", "/api/dossiers/", None, {"Authorization": f"Token {token}"}, 200

    return [
        # (label, request maker, share of --requests)
        ("trivial view · GET /healthz/", trivial, 1.0),
        ("static page · the lookup form GET /tra-cuu/", static, 1.0),
        ("public lookup · portal QR link GET /tra-cuu/?t=", portal, 1.0),
        ("public lookup · API POST /api/status/", api_status, 1.0),
        ("counter's day · clerk session GET /counter/", counter_day, 0.2),
        ("API dossier list · clerk token GET /api/dossiers/", api_list, 0.2),
    ]


# --- the run --------------------------------------------------------------------------------


def run(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000, help="generated dossiers (a new database)")
    parser.add_argument("--metrics-db", action="store_true", help="use the kept database of bench.metrics --keep")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept load database")
    parser.add_argument("--keep", action="store_true", help="keep the load database for --reuse")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000, help="requests per round of the fast cases")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="override the config's workers")
    parser.add_argument("--threads", type=int, default=0, help="override the config's threads")
    parser.add_argument("--lookups-only", action="store_true", help="skip the staff lists (the lookup's ratios only)")
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/14"))
    args = parser.parse_args(argv)

    cache_url = args.cache_url if args.cache_url and redis_reachable(args.cache_url) else ""
    env = production_env(cache_url)
    os.environ.update(env)
    setup_django()
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import timezone

    logging.getLogger("axes").setLevel(logging.WARNING)
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the manifest's names
    setup_test_environment()
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    base = old_name.rsplit("/", 1)[-1].split(".")[0]
    kept = args.metrics_db or args.reuse
    settings_dict.setdefault("TEST", {})["NAME"] = f"test_{base}_{'metrics' if args.metrics_db else 'load'}"
    connection.creation.create_test_db(verbosity=0, autoclobber=not kept, keepdb=kept, serialize=False)
    from django.core.cache import cache

    from workflows.models import Dossier

    server = None
    try:
        cache.clear()
        lookups, session, token = prepare(connection, args, timezone.localtime())
        # prepare() receives the lookup dossiers: each event's commit leaves a 60 s tombstone on its
        # public snapshot (onestop.screens.lookup), so the first rounds would measure database reads
        # and renders, not the steady state of a dossier looked up more often than it changes. No
        # lookup has run yet: nothing can have read a dossier before its event.
        cache.clear()
        total = Dossier.objects.count()
        connection.close()  # the server's workers open their own connections
        port = free_port()
        server = start_server({**env, "DATABASE_URL": database_url(connection.settings_dict)}, port, args)
        meter = CpuMeter(server.pid, connection.settings_dict["NAME"] if connection.vendor == "postgresql" else "")
        workers = len(_children(server.pid))
        threads = args.threads or int(_config_value("threads"))
        print(f"database: {connection.vendor}, dossiers: {total:,}; cache: {'Redis' if cache_url else 'local memory'}; "
              f"gunicorn: {workers} workers × {threads} threads (gthread); {args.connections} connections; "
              f"{os.cpu_count()} cores shared by server, database and client")
        sys.stdout.flush()
        plan = cases(lookups, session, token)
        if args.lookups_only:
            plan = [case for case in plan if case[2] == 1.0]
        results = {label: {"lat": [], "elapsed": 0.0, "n": 0, "cpu": 0.0, "db": 0.0, "fail": []}
                   for label, _, _ in plan}
        for _label, make, share in plan:  # warm every worker, thread and connection
            drive(port, make, args.connections, max(args.connections * 4, int(args.requests * share / 10)))
        for _ in range(args.rounds):
            for label, make, share in plan:
                n = max(args.connections * 4, int(args.requests * share))
                before = meter.read()
                lat, elapsed, failures = drive(port, make, args.connections, n)
                cpu, db = meter.spent(before, meter.read())
                r = results[label]
                r["lat"] += lat
                r["elapsed"] += elapsed
                r["n"] += n
                r["cpu"] += cpu
                r["db"] += db
                r["fail"] += failures
        report(results, connection.vendor == "postgresql")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        cache.clear()
        if not (kept or args.keep):
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def _config_value(name: str):
    """A value of deploy/gunicorn.conf.py as this environment makes it."""
    namespace = {"__file__": str(ROOT / "deploy" / "gunicorn.conf.py")}
    exec(compile((ROOT / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    return namespace[name]


def report(results, postgres: bool):
    print(f"{'case':52s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'CPU ms/req':>10s} {'DB ms/req':>9s} "
          f"{'÷ trivial':>9s} {'failed':>6s}")
    trivial = None
    for label, r in results.items():
        rate = r["n"] / r["elapsed"]
        trivial = trivial or rate
        db = f"{r['db'] * 1000 / r['n']:9.2f}" if postgres else f"{'':9s}"
        print(f"{label:52s} {rate:7.0f} {percentile(r['lat'], 0.5) * 1000:7.1f} "
              f"{percentile(r['lat'], 0.99) * 1000:7.1f} {r['cpu'] * 1000 / r['n']:10.2f} {db} "
              f"{rate / trivial:9.2f} {len(r['fail']):6d}")
        if r["fail"]:
            print(f"    failures: {sorted(set(map(str, r['fail'])))[:5]}")
    lookups = [label for label in results if label.startswith("public lookup")]
    rates = {label: results[label]["n"] / results[label]["elapsed"] for label in results}
    cpu = {label: results[label]["cpu"] / results[label]["n"] for label in results}
    first, static = list(results)[:2]
    for label in lookups:
        print(f"{label.split(' · ', 1)[1]}: ÷ trivial view {rates[label] / rates[first]:.2f} throughput, "
              f"{cpu[first] / cpu[label]:.2f} CPU a request (target ≥ 0.7); ÷ static page "
              f"{rates[label] / rates[static]:.2f} throughput, {cpu[static] / cpu[label]:.2f} CPU")


if __name__ == "__main__":
    run()
