"""gunicorn settings for onestop's web nodes: `gunicorn -c deploy/gunicorn.conf.py onestop.wsgi:application`.

Sized for small machines (2–4 cores). Every value can be overridden by an environment variable
(GUNICORN_WORKERS, GUNICORN_THREADS, …) or on the command line, which wins over this file.
Measured with `python -m bench.load` (docs/performance.md, "Load test").

- Workers: 2 × cores + 1 processes (gunicorn's own advice), each with a few threads (`gthread`):
  a thread waiting on PostgreSQL lets another one run, and idle keep-alive connections cost a
  thread, not a process. Each thread keeps one database connection (CONN_MAX_AGE), so a node
  holds up to workers × threads connections: keep their sum over all nodes below PostgreSQL's
  `max_connections` (or put PgBouncer in front, docs/deploy.md).
- Recycling: a worker restarts after `max_requests` requests (± jitter) only as a guard against a
  slow leak. At 2,000 (the old setting) a 2-core node serving ~500 requests/s restarted a worker
  every few seconds, each restart re-importing Django (~1 s of a core) and dropping its warm
  connections and caches; 100,000 means about once an hour at that rate.
- Timeout: a request still running after `timeout` seconds has its worker killed and restarted;
  the longest legitimate requests (an export, a yearly report) stay well below 120 s.
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection is held (behind nginx, which reuses its upstream
# connections only with `keepalive` in its upstream block; a few seconds is gunicorn's advice).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# The proxy on the same host sets X-Forwarded-*; the app trusts them per PORTAL_TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
# Worker heartbeat files in memory, not on a disk that may stall (gunicorn's advice for containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
