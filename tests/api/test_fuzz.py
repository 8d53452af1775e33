"""Schema-driven fuzzing (schemathesis): every operation, as a clerk and as a supervisor.

Each operation gets MAX_EXAMPLES generated requests, each sent with both users' tokens:
no response may be a 5xx, and every response must match the published schema. Path ids
are steered onto real dossiers most of the time so the actions reach the services.
The operation and case counts are printed at the end of the run.
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
from schemathesis.specs.openapi.checks import response_schema_conformance

from onestop.wsgi import application
from tests.world import at, receive
from workflows import services

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]
STATS = Counter()
OPERATIONS = set()


@pytest.fixture
def fuzz_world(world):
    """Dossiers in several statuses, and the tokens of a clerk and of the district supervisor."""
    received = receive(world, now=at(2026, 3, 2, 9))
    processing = services.complete_step(receive(world, now=at(2026, 3, 2, 10)), actor=world.specialist,
                                        now=at(2026, 3, 2, 11))
    ready = services.decide(processing, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 9))
    DOSSIER_IDS[:] = [received.pk, ready.pk, receive(world, procedure=world.linked_proc).pk]
    world.tokens = {
        "clerk": Token.objects.get_or_create(user=world.clerk)[0].key,
        "supervisor": Token.objects.get_or_create(user=world.supervisor)[0].key,
    }
    return world


def _load_schema():
    """The schema drf-spectacular serves at /api/schema/, rendered without a request (no DB at import)."""
    generator = SchemaGenerator()
    document = json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
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
    return (f"schemathesis: {len(OPERATIONS)} operations, {STATS['cases']} generated cases, {STATS['requests']} "
            f"requests as clerk and supervisor (max {MAX_EXAMPLES} examples per operation); "
            f"responses by status: {dict(sorted(STATUS.items()))}")


STATUS = Counter()


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_error_and_every_response_matches_the_schema(case, fuzz_world, wsgi_requests):
    OPERATIONS.add(case.operation.label)
    STATS["cases"] += 1
    for role, token in fuzz_world.tokens.items():
        response = case.call(headers={"Authorization": f"Token {token}"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
        STATS["requests"] += 1
        STATUS[f"{role}:{response.status_code}"] += 1
        case.validate_response(response, checks=CHECKS)
