"""The database connection lost in the middle of a submission: an error page, and nothing half-written.

PostgreSQL ends the web process's connection (pg_terminate_backend, sent
from a second connection, as a database restart or a failover would) just
before a chosen statement of the submission's transaction runs. Django's
execute_wrapper, a hook of the database layer, picks the moment; the portal's
own code runs unchanged.
"""

import re
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ill.models import IllRequest, StatusChange
from nlk_portal.outbox.models import OutboxEntry
from partners.models import Institution
from tests.factories import InstitutionFactory
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db(transaction=True)
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("ends a PostgreSQL server process: needs DATABASE_URL on PostgreSQL (as in CI)")


@contextmanager
def connection_ended_before(statement_start):
    """End this connection's server process just before its first statement that starts so."""
    other = connections.create_connection("default")
    ended = []

    def end_it_first(execute, sql, params, many, context):
        if not ended and sql.startswith(statement_start):
            pid = context["connection"].connection.get_backend_pid()
            with other.cursor() as cursor:
                # Waits (up to 5 s) until the process is gone.
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
                ended.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(end_it_first):
            yield ended
    finally:
        other.close()
        # The test's next query opens a new connection, as the web process's next request would.
        connection.close()


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT nextval",  # the reference number taken
        'INSERT INTO "partners_institution"',  # a library not in the directory recorded
        'INSERT INTO "ill_illrequest"',
        'INSERT INTO "ill_statuschange"',  # its first line of history
        'INSERT INTO "ill_outboxentry"',  # the acknowledgement asked for
    ],
)
def test_a_connection_lost_mid_submission_shows_the_error_page_and_saves_nothing(
    source_fee_schedule, settings, statement
):
    settings.DEBUG = False
    library = InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")
    # A library not in the directory, so that the submission records one too.
    posted = form_data(
        library, action="submit", requesting_library="", new_library_name="Bibliothèque de Strasbourg",
        new_library_country="FR", new_library_city="Strasbourg",
    )
    browser = Client(raise_request_exception=False)

    with connection_ended_before(statement) as ended:
        response = browser.post(reverse("ill:request"), posted)

    assert ended == [True], f"the submission never ran {statement}"
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "Collection Management &amp; Service Division" in page  # the site's frame
    assert "Traceback" not in page and "ill_" not in page

    assert not IllRequest.objects.exists()
    assert not StatusChange.objects.exists()
    assert not OutboxEntry.objects.exists()
    assert list(Institution.objects.values_list("name_en", flat=True)) == ["Staatsbibliothek zu Berlin"]

    # Sent again (the page still holds the form and its key): one request. Its reference is this year's
    # next; one taken by the lost transaction is not given again (references need not be gapless).
    response = browser.post(reverse("ill:request"), posted)

    assert response.status_code == 302
    ill_request = IllRequest.objects.get()
    assert re.fullmatch(rf"ILL-{ill_request.received_at.astimezone(SEOUL).year}-\d{{6}}", ill_request.reference)
    assert [change.to_status for change in ill_request.history.all()] == ["RequestReceived"]
    assert ill_request.requesting_library.name_en == "Bibliothèque de Strasbourg"
