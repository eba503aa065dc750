"""The API tested from outside against its own OpenAPI description: schemathesis, every check
(server errors, status codes, content types, response schemas, negative data rejected, ...),
with a fixed seed, against a live server holding published and draft tools."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ToolFactory
from tests.modelspecs.test_pick_by_the_numbers import model

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def catalogue(transactional_db, reference_pair):
    model("Lab Fast", "0.15", "0.6", context_window=128_000)
    model("Lab Large", "3", "15")
    ToolFactory(name="Hidden Draft", slug="hidden-draft", status="draft")


def test_schemathesis_finds_nothing_against_the_description(catalogue, live_server):
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks=all",
            "--seed=42",
            "--max-examples=25",
            "--request-timeout=10",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in summary and "failures" not in summary.lower().split("test cases")[-1]
