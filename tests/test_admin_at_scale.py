"""The admin's catalogue lists cost the same number of queries at 5 and at 500 tools."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.core.test_query_budgets_at_scale import grow

pytestmark = pytest.mark.django_db

# Session, user, permissions, then the list's count, page and filter queries.
CHANGELIST_BUDGET = 12


def queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "changelist", ["admin:tools_tool_changelist", "admin:verdicts_review_changelist"]
)
def test_the_changelist_costs_the_same_at_5_and_at_500_tools(
    signed_in, panel, developer_tools, changelist
):
    editor = signed_in("Editors")
    url = reverse(changelist)
    grow(panel, [developer_tools], tools=5, votes=0)
    queries(editor, url)  # the first request also fills per-process caches (content types)
    small = queries(editor, url)
    grow(panel, [developer_tools], tools=500, votes=2_000)
    large = queries(editor, url)
    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= CHANGELIST_BUDGET, "\n".join(small)


def test_the_tool_form_costs_the_same_at_5_and_at_500_tools(signed_in, panel, developer_tools):
    editor = signed_in("Editors")
    grow(panel, [developer_tools], tools=5, votes=0)
    from tools.models import Tool

    url = reverse("admin:tools_tool_change", args=[Tool.objects.first().pk])
    queries(editor, url)  # the first request also fills per-process caches (content types)
    small = queries(editor, url)
    grow(panel, [developer_tools], tools=500, votes=2_000)
    large = queries(editor, url)
    assert len(large) == len(small), "\n".join(large)
    # User, the second-factor device the session was verified with, permissions (2), the tool
    # and its panel, reviews, critics (2), fact checks (3), its model facts (read-only,
    # modelspecs/admin.py), the links to its comparisons,
    # categories, the tool for the history and preview links, who else has it open and this
    # editor's own presence (2, core/models.py), its model facts again (whether the price text
    # is derived from them, tools/staging.py), its open reports of errors.
    assert len(small) <= 23, "\n".join(small)
