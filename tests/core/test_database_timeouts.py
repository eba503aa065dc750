"""Every connection carries a statement timeout, a lock timeout and TCP keepalives, and the client
stops waiting for a server that does not answer (core/postgres/base.py). The frozen server
itself is in test_frozen_database.py."""

import time

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db(transaction=True)


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def test_statements_and_lock_waits_are_bounded_on_every_connection():
    connection.close()
    assert show("statement_timeout") == "5s"
    assert show("lock_timeout") == "3s"


def test_connections_keep_alive_over_tcp():
    params = connection.get_connection_params()
    assert params["keepalives"] == 1
    assert (params["keepalives_idle"], params["keepalives_interval"]) == (10, 5)
    assert params["keepalives_count"] == 3
    assert "answer_timeout" not in params  # the client's own, never sent to libpq
    assert connection.answer_timeout == 7  # the statement timeout and two seconds


def test_a_statement_the_server_ends_is_an_operational_error():
    """The 503 page answers OperationalError (core.views.server_error)."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '100ms'")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(5)")
    connection.close()


def test_the_client_stops_waiting_for_an_answer_and_drops_the_connection():
    # A sleeping statement stands in for a server that does not answer at all.
    started = time.monotonic()
    with (
        pytest.raises(OperationalError, match=r"did not answer within 0\.3 s"),
        connection.answering_within(0.3),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 2
    assert connection.connection.closed
    connection.close_if_unusable_or_obsolete()  # what Django does when the request ends
    with connection.cursor() as cursor:  # the next request gets a fresh connection
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_the_answer_timeout_is_put_back_after_the_block():
    with connection.answering_within(0.5):
        assert connection.connection.answer_timeout == 0.5
    assert connection.connection.answer_timeout == 7
