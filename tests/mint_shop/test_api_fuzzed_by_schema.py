"""schemathesis over /api/schema/ (issue 14): generated requests, as every kind of caller, meet
no server error and no response the schema does not describe.

The Django WSGI app is called in-process, inside the test's transaction, so nothing is kept.
Each operation gets a bounded number of generated cases (`MAX_EXAMPLES`), derandomised so CI
runs the same cases every time; the figures in README "Security" come from `-s` output.
"""

import secrets

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mint_shop.roles import ROLES
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

# 131 operations x 7 callers: three cases each (2,737 in all) take about a minute on 2 CPUs.
MAX_EXAMPLES = 3
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
IDENTITIES = ["anonymous", "customer", *ROLES]


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    """As Django's test client does: a request's start and end must not close the connection
    that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def caller_headers(identity, staff_user, in_test_transaction, settings):
    """Headers that make a request come from the identity: a session (verified with the second
    factor where the role needs one), with Django's CSRF cookie and header for writes.

    DEBUG is off, as in production: Django's own error pages are what a client would get."""
    settings.DEBUG = False
    TermsVersionFactory()
    DeliveryOptionFactory()
    ProductFactory(stock=10, price_pence=2500)
    if identity == "anonymous":
        return {}
    user = CustomerFactory().user if identity == "customer" else staff_user(identity)
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def _cases(operation):
    """Valid and invalid requests for the operation (invalid where the schema can be broken)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # noqa: BLE001 - an operation with nothing to break has no negative cases
        pass
    return st.one_of(strategies)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_api_answers_generated_requests_without_server_error_or_schema_break(api_schema, identity, caller_headers):
    tally = {"operations": 0, "cases": 0, "5xx": 0}
    failures = []

    for result in api_schema.get_all_operations():
        operation = result.ok()
        tally["operations"] += 1

        @given(case=_cases(operation))
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case):
            tally["cases"] += 1
            response = case.call(headers=caller_headers)
            tally["5xx"] += response.status_code >= 500
            try:
                case.validate_response(response, checks=CHECKS, headers=caller_headers)
            except FailureGroup as exc:
                failures.append(f"{case.operation.label} {response.status_code}: {exc}"[:3000])

        run()

    print(f"\nschemathesis as {identity}: {tally}")
    assert tally["5xx"] == 0 and not failures, "\n".join(failures)
