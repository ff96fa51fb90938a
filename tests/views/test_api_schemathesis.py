"""The OpenAPI document and the code agree: schemathesis generates requests for every operation
from the document, valid ones and ones the document refuses, sends them to the app, and checks
every answer against the document (its status, content type, headers and body), that nothing is
a 5xx, and that what the document refuses the API refuses too.

The seed is fixed and the examples bounded, so the run is the same on every machine and takes
seconds; tests/views/test_api_shapes.py pins field by field what this samples.
"""

import functools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings

from estimates.api import openapi

SCHEMA = schemathesis.openapi.from_dict(openapi.document())
# A schema cannot say which service codes or Regions a book has, so a body the document takes
# may still be a 400 that names the unknown service: the check that every valid body is a 2xx is
# left out, and tests/views/test_api_shapes.py pins acceptance field by field instead.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@functools.cache
def app():
    """The site as WSGI, built inside the suite's settings (plain HTTP, as the test client)."""
    return get_wsgi_application()


@pytest.fixture
def connection_kept_open():
    """A WSGI request closes the database connection when it ends, and with it the test's
    transaction; Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@SCHEMA.parametrize()
@seed(20)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_as_documented(case, second_book, connection_kept_open):
    case.call_and_validate(app=app(), base_url="http://localhost", excluded_checks=EXCLUDED)
