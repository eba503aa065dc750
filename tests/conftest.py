import pytest

from tests.factories import ReviewerFactory, ReviewFactory, ToolFactory


@pytest.fixture
def panel(db):
    """The four-critic panel of the reference page."""
    return [
        ReviewerFactory(name=f"The {lens}", slug=lens.lower(), lens=lens, order=index)
        for index, lens in enumerate(["Builder", "Skeptic", "Futurist", "Founder"])
    ]


@pytest.fixture
def make_reviewed_tool(panel):
    """Make a tool reviewed by the panel with the given (score, verdict) pairs, in panel order."""

    def make(*verdicts: tuple[int, str], **tool_fields):
        tool = ToolFactory(**tool_fields)
        for reviewer, (score, verdict) in zip(panel, verdicts, strict=False):
            ReviewFactory(tool=tool, reviewer=reviewer, score=score, verdict=verdict)
        return tool

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached fragments must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
