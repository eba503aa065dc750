import copy
import gzip
import json

import pytest


def entry(model_id: str, name: str, **changes) -> dict:
    """A model entry as the models.dev catalogue writes it."""
    found = {
        "id": model_id,
        "name": name,
        "attachment": True,
        "cost": {"input": 2.5, "output": 10, "cache_read": 1.25},
        "limit": {"context": 128000, "output": 16384},
        "modalities": {"input": ["text", "image"], "output": ["text"]},
        "tool_call": True,
        "reasoning": False,
        "open_weights": False,
        "release_date": "2024-05-13",
        "last_updated": "2024-08-06",
    }
    found.update(changes)
    return found


def catalogue() -> dict:
    """Two labs and a reseller selling one of their models under a prefixed id."""
    return {
        "openai": {
            "id": "openai",
            "name": "OpenAI",
            "doc": "https://platform.openai.com/docs/models",
            "models": {
                "gpt-4o": entry("gpt-4o", "GPT-4o"),
                "gpt-4.1-mini": entry(
                    "gpt-4.1-mini",
                    "GPT-4.1 mini",
                    cost={"input": 0.4, "output": 1.6},
                    limit={"context": 1047576, "output": 32768},
                ),
            },
        },
        "anthropic": {
            "id": "anthropic",
            "name": "Anthropic",
            "doc": "https://docs.anthropic.com/",
            "models": {
                "claude-sonnet-4": entry(
                    "claude-sonnet-4",
                    "Claude Sonnet 4",
                    cost={"input": 3, "output": 15, "cache_read": 0.3},
                    limit={"context": 200000, "output": 64000},
                    reasoning=True,
                    last_updated="2025-05",
                ),
            },
        },
        "reseller": {
            "id": "reseller",
            "name": "Reseller",
            "models": {
                "openai/gpt-4o": entry("openai/gpt-4o", "GPT-4o", cost={"input": 2, "output": 9}),
                "openai/gpt-4o-free": entry("gpt-4o", "GPT-4o", cost={"input": 0, "output": 0}),
            },
        },
    }


@pytest.fixture
def snapshot(tmp_path):
    """Write a catalogue as a gzipped snapshot: `snapshot()` for the default one, or
    `snapshot(data)`; returns the file's path."""

    def write(data: dict | None = None):
        path = tmp_path / "data.json.gz"
        with gzip.open(path, "wt", encoding="utf-8") as file:
            json.dump(copy.deepcopy(data) if data is not None else catalogue(), file)
        return path

    return write
