"""Production settings: `check --deploy` is clean, and a missing or weak SECRET_KEY refuses to start."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    # The test run's own switches (tests/conftest.py allows async-unsafe ORM calls) are not production's.
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def production(**extra):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "onestop.example.gov.vn",
            "ONESTOP_LOOKUP_KEY": secrets.token_urlsafe(64), "ONESTOP_AUDIT_ANCHOR_KEY": secrets.token_urlsafe(64),
            "SITE_URL": "https://onestop.example.gov.vn", **extra}


def test_check_deploy_with_production_environment_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper().replace("AXES", "")


def test_production_without_a_secret_key_refuses_to_start_with_a_clear_message():
    env = production()
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_a_weak_secret_key_refuses_to_start():
    result = manage("check", **production(SECRET_KEY="short-and-weak"))
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_development_defaults_still_run_without_any_environment():
    result = manage("check")
    assert result.returncode == 0, result.stderr
