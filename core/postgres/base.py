"""Django's PostgreSQL backend with a health check that costs no round trip, and a client that
stops waiting for a server that does not answer.

With CONN_HEALTH_CHECKS Django checks a persistent connection before each request uses it by
sending `SELECT 1`: a round trip to the server on every request that touches the database, a
fifth of a warm page with a session under load (py-spy, docs/benchmarks.md). This check
instead reads, without blocking, whatever the server sent while the connection sat idle. A
server that restarted, timed the connection out or terminated it has sent an error and closed
the socket, and libpq then reports the connection as bad; Django then closes it and opens a
fresh one.

The server ends slow statements itself (statement_timeout, set in settings). A server that is
frozen (stopped, swapping, its disk hung) answers nothing and ends nothing, while its kernel
keeps the connection open, so neither that nor TCP keepalives help: the client waits at most
OPTIONS["answer_timeout"] seconds for each answer, then drops the connection and raises
OperationalError, which the site answers with its 503 page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db.backends.postgresql import base
from psycopg import Error, pq
from psycopg.errors import _WaitTimeout  # what Connection.wait raises when its timeout expires

USABLE = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class AnswerTimeoutConnection(psycopg.Connection):
    """A psycopg connection that waits at most `answer_timeout` seconds for each answer."""

    answer_timeout: float | None = None

    def wait(self, gen, *args, timeout: float | None = None, **kwargs):
        # Every query, commit and rollback waits for the server here (psycopg's own hook).
        timeout = self.answer_timeout if timeout is None else timeout
        try:
            return super().wait(gen, *args, timeout=timeout, **kwargs)
        except _WaitTimeout:
            # Where the conversation with the server stands is unknown: never reuse it.
            self.close()
            raise psycopg.OperationalError(
                f"the database server did not answer within {timeout:g} s"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        self.answer_timeout = params.pop("answer_timeout", None)
        return params

    def get_new_connection(self, conn_params: dict):
        connection = super().get_new_connection(conn_params)
        connection.__class__ = AnswerTimeoutConnection  # a subclass adding behaviour only
        connection.answer_timeout = self.answer_timeout
        return connection

    @contextmanager
    def answering_within(self, seconds: float) -> Iterator[None]:
        """Inside the block, wait at most `seconds` for each answer (for /healthz)."""
        self.ensure_connection()
        connection = self.connection
        previous = connection.answer_timeout
        connection.answer_timeout = seconds
        try:
            yield
        finally:
            connection.answer_timeout = previous

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        try:
            pgconn.consume_input()  # the socket is non-blocking: this never waits
        except Error:
            return False
        # Like `SELECT 1`, an open transaction passes and a failed one does not.
        return pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status in USABLE
