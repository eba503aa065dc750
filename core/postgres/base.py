"""Django's PostgreSQL backend with a health check that costs no round trip.

With CONN_HEALTH_CHECKS Django checks a persistent connection before each request uses it by
sending `SELECT 1`: a round trip to the server on every request that touches the database, a
fifth of a warm page with a session under load (py-spy, docs/benchmarks.md). This check
instead reads, without blocking, whatever the server sent while the connection sat idle. A
server that restarted, timed the connection out or terminated it has sent an error and closed
the socket, and libpq then reports the connection as bad; Django then closes it and opens a
fresh one.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import Error, pq

USABLE = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
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
