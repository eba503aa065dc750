"""Persistent connections are checked before reuse without a round trip (core.postgres)."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def fresh_connection():
    connection.close()
    connection.ensure_connection()
    return connection


def test_a_healthy_connection_passes_without_sending_anything(monkeypatch):
    conn = fresh_connection()

    def no_queries(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(conn.connection, "execute", no_queries)
    monkeypatch.setattr(conn.connection, "cursor", no_queries)
    assert conn.is_usable()


def test_a_connection_the_server_terminated_fails_the_check_and_is_replaced():
    conn = fresh_connection()
    old_pid = conn.connection.info.backend_pid
    settings = conn.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    for _ in range(50):  # the server's goodbye arrives asynchronously
        if not conn.is_usable():
            break
        time.sleep(0.02)
    assert not conn.is_usable()

    # What Django does at the start of the next request's first query.
    conn.close_if_unusable_or_obsolete()
    conn.close_if_health_check_failed()
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


def test_a_connection_stuck_in_a_failed_transaction_fails_the_check():
    conn = fresh_connection()
    raw = conn.connection
    raw.autocommit = False
    with pytest.raises(psycopg.errors.DivisionByZero):
        raw.execute("SELECT 1 / 0")
    assert not conn.is_usable()
    raw.rollback()
    raw.autocommit = True
    assert conn.is_usable()


def test_connections_run_without_jit():
    # Set on the database by migration tools/0004: a misestimated plan once cost 220 ms of JIT
    # compilation for a 10 ms directory query.
    with fresh_connection().cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
