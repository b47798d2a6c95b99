"""schemathesis against the live schema, in-process (WSGI), as a system with every scope.

Each operation gets a bounded number of generated calls; none may answer with a server error,
break the schema (status, content type, body, headers), or show a citizen or case outside
the system's unit.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mikrolaan.api import scopes
from mikrolaan.api.tests.factories import system
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.loans.tests.factories import disbursed_loan
from mikrolaan.people.models import Citizen

EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def scoped_to(unit):
    """A check: every citizen and case in an answer belongs to the system's unit."""

    def only_the_units_data(ctx, response, case):
        if response.status_code != 200 or case.method != "GET":
            return None
        path = case.operation.path
        body = response.json()
        rows = body.get("results", [body]) if isinstance(body, dict) else []
        if path.startswith("/api/v1/citizens"):
            ids = [row["id"] for row in rows]
            assert not Citizen.objects.filter(pk__in=ids).exclude(unit=unit).exists(), ids
        elif path.startswith("/api/v1/cases"):
            ids = [row["id"] for row in rows]
            assert not Case.objects.filter(pk__in=ids).exclude(unit=unit).exists(), ids
        elif path.startswith("/api/v1/loans"):
            assert rows == [] or response.status_code != 200, "a unit's system sees no loans"
        return None

    return only_the_units_data


@pytest.fixture
def wsgi_app():
    """The site as a WSGI application, in the test's transaction: as Django's test client
    does, a request must not close the database connection when it ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_schemathesis_finds_no_server_error_schema_violation_or_unscoped_data(
    wsgi_app, unit, other_unit
):
    mine = referred_case(unit=unit)
    theirs = referred_case(unit=other_unit)
    loan = disbursed_loan()
    _client, token = system(scope=scopes.ALL, unit=unit)
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    scoped = scoped_to(unit)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    # Generated ids mostly miss; the ids that exist (in and outside the unit) are tried too.
    known_ids = {
        "/api/v1/citizens/{id}/": [mine.citizen_id, theirs.citizen_id],
        "/api/v1/citizens/{id}/spells/": [mine.citizen_id, theirs.citizen_id],
        "/api/v1/cases/{id}/": [mine.pk, theirs.pk],
        "/api/v1/loans/{id}/": [loan.pk],
    }
    strategies = []
    for operation in operations:
        strategies.append(operation.as_strategy())
        for pk in known_ids.get(operation.path, []):
            strategies.append(operation.as_strategy(path_parameters={"id": pk}))
    assert len(strategies) >= 19

    for strategy in strategies:

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        def call(case):
            case.call_and_validate(headers=headers, checks=[*CHECKS, scoped])

        call()
