"""Schema-driven testing (schemathesis): every operation, in three phases, as three callers.

Phases, each per operation: examples (the requests the schema shows), coverage (values at and
past every parameter's bounds, wrong types, missing and extra fields, derived from the schema
and deterministic), fuzzing (MAX_EXAMPLES generated requests, valid and invalid). Every case
is sent as a clerk, as the district supervisor and anonymously, and each response is checked:
no 5xx, its status documented for the operation, its body matching the schema for that status.
Path ids are steered onto real dossiers most of the time so the actions reach the services.
The run prints (and writes to test-output/schemathesis.txt) the operations, cases, requests,
statuses and violations; a violation also fails the test.
"""
import json
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from onestop.wsgi import application
from tests.world import at, receive
from workflows import services

MAX_EXAMPLES = 12  # fuzzing, per operation; coverage and examples are what the schema implies
PHASES = ["examples", "coverage", "fuzzing"]
CALLERS = ["clerk", "supervisor", "anonymous"]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
STATS = Counter()
STATUS = Counter()
OPERATIONS = set()
VIOLATIONS = []


@pytest.fixture
def fuzz_world(world):
    """Dossiers in several statuses, and the tokens of a clerk and of the district supervisor."""
    received = receive(world, now=at(2026, 3, 2, 9))
    processing = services.complete_step(receive(world, now=at(2026, 3, 2, 10)), actor=world.specialist,
                                        now=at(2026, 3, 2, 11))
    ready = services.decide(processing, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    DOSSIER_IDS[:] = [received.pk, ready.pk, receive(world, procedure=world.linked_proc).pk]
    world.headers = {
        "clerk": {"Authorization": f"Token {Token.objects.get_or_create(user=world.clerk)[0].key}"},
        "supervisor": {"Authorization": f"Token {Token.objects.get_or_create(user=world.supervisor)[0].key}"},
        "anonymous": {},
    }
    return world


def _load_schema():
    """The schema drf-spectacular serves at /api/schema/, rendered without a request (no DB at import)."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    config = SchemathesisConfig.from_dict({
        "seed": 20260302,  # the same cases on every run (CI runs it twice)
        "phases": {name: {"enabled": name in PHASES} for name in ("examples", "coverage", "fuzzing", "stateful")},
        "generation": {"mode": "all"},  # valid and invalid requests alike
    })
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = application  # requests go to the WSGI application in-process
    return loaded


schema = _load_schema()
DOSSIER_IDS: list[int] = []


@schema.hook
def map_path_parameters(context, path_parameters):
    # Three values in four land on a real dossier; the rest probe unknown ids.
    value = (path_parameters or {}).get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value % 4 and DOSSIER_IDS:
        path_parameters["id"] = DOSSIER_IDS[value % len(DOSSIER_IDS)]
    return path_parameters


@pytest.fixture
def wsgi_requests():
    """Like Django's test client: keep the test's connection (and its transaction) across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def summary() -> str:
    """One line for the run's output (printed by tests/api/conftest.py's terminal summary)."""
    phases = ", ".join(f"{p} {STATS[p]}" for p in PHASES)
    return (f"schemathesis: {len(OPERATIONS)} operations, {STATS['cases']} cases ({phases}; max {MAX_EXAMPLES} "
            f"fuzzed per operation), {STATS['requests']} requests as {', '.join(CALLERS)}; "
            f"violations: {len(VIOLATIONS)}; responses by status: {dict(sorted(STATUS.items()))}")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_every_response_is_documented(case, fuzz_world, wsgi_requests):
    OPERATIONS.add(case.operation.label)
    STATS["cases"] += 1
    STATS[case.meta.phase.name.value] += 1
    for caller in CALLERS:
        response = case.call(headers=fuzz_world.headers[caller], environ_base={"REMOTE_ADDR": "10.0.0.1"})
        STATS["requests"] += 1
        STATUS[f"{caller}:{response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:
            VIOLATIONS.append(f"{case.operation.label} as {caller}: {failure}")
            raise
