import csv
import io
from pathlib import Path

import pytest


@pytest.fixture
def write_csv(tmp_path):
    """`write_csv("tools.csv", header, *rows)`: a file as an editor's spreadsheet saves it."""

    def write(name: str, header: list[str], *rows: list) -> Path:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        path = tmp_path / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    return write


TOOL_HEADER = [
    "slug",
    "name",
    "maker",
    "category",
    "tagline",
    "description",
    "website",
    "pricing_model",
    "entry_price",
    "pricing_details",
    "licence",
    "release_date",
    "status",
    "published_at",
]
REVIEW_HEADER = ["tool", "reviewer", "score", "verdict", "body", "status", "published_at"]


def tool_row(slug: str, category: str, **changes) -> list:
    values = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "maker": "Acme AI",
        "category": category,
        "tagline": "Does one thing well",
        "description": "A tool from a file.",
        "website": "https://example.com/",
        "pricing_model": "free",
        "entry_price": "Free",
        "pricing_details": "",
        "licence": "MIT",
        "release_date": "2026-03-01",
        "status": "published",
        "published_at": "2026-03-01T09:00:00+00:00",
        **changes,
    }
    return [values[column] for column in TOOL_HEADER]


def review_row(tool: str, reviewer: str, **changes) -> list:
    values = {
        "tool": tool,
        "reviewer": reviewer,
        "score": "80",
        "verdict": "ship",
        "body": "Works as promised.",
        "status": "published",
        "published_at": "2026-03-02T10:00:00+00:00",
        **changes,
    }
    return [values[column] for column in REVIEW_HEADER]
