"""TechEmpower's fortunes test as a page of this site: the yardstick for a dynamic page.

The rules (TechEmpower Framework Benchmarks, test type 4): one query for every row of the
`fortune` table, one more fortune added in memory, all sorted by message, rendered by the
framework's template engine with its escaping into an HTML table. The table and its 12 rows
are created in the bench database by bench.py (`create_fortunes`).
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ROWS = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. — Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "フレームワークのベンチマーク"),
]
ADDED = "Additional fortune added at request time."

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)
"""
UPSERT_SQL = """
INSERT INTO fortune (id, message) VALUES (%s, %s)
ON CONFLICT (id) DO UPDATE SET message = EXCLUDED.message
"""


class Fortune(NamedTuple):
    id: int
    message: str


def create_fortunes() -> None:
    """The `fortune` table with exactly the 12 rows above (idempotent)."""
    with connection.cursor() as cursor:
        cursor.execute(CREATE_SQL)
        cursor.executemany(UPSERT_SQL, ROWS)
        cursor.execute("DELETE FROM fortune WHERE id > %s", [len(ROWS)])


def fortunes(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, message FROM fortune")
        rows = [Fortune(*row) for row in cursor.fetchall()]
    rows.append(Fortune(0, ADDED))
    rows.sort(key=lambda fortune: fortune.message)
    return render(request, "fortunes.html", {"fortunes": rows})
