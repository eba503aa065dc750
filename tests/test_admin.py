"""Every admin page editors use renders; changelists cost the same however many rows they show."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.admin_forms import form_data
from tests.factories import BookmarkFactory, ReviewFactory, VoteFactory
from tools.models import Tool
from verdicts.models import Review

pytestmark = pytest.mark.django_db

MODELS = [
    ("tools", "category"),
    ("tools", "tool"),
    ("verdicts", "reviewer"),
    ("verdicts", "review"),
    ("votes", "vote"),
    ("votes", "bookmark"),
    ("votes", "visitor"),
]
# Session, user, plus the changelist's own count/select/filter queries.
CHANGELIST_BUDGET = 12


@pytest.fixture
def editor_client(client, verified_login):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    verified_login(client, user)
    return client


def populate(make_reviewed_tool, count: int) -> None:
    for index in range(count):
        tool = make_reviewed_tool((80, "ship"), (60, "ship"), (30, "skip"), (70, "ship"))
        vote = VoteFactory(tool=tool, value="ship" if index % 2 else "skip")
        BookmarkFactory(tool=tool, visitor=vote.visitor)


@pytest.mark.parametrize("app,model", MODELS)
def test_changelist_queries_do_not_grow_with_rows(
    editor_client, make_reviewed_tool, django_assert_max_num_queries, app, model
):
    url = reverse(f"admin:{app}_{model}_changelist")
    populate(make_reviewed_tool, 2)
    with django_assert_max_num_queries(CHANGELIST_BUDGET) as small:
        assert editor_client.get(url).status_code == 200
    populate(make_reviewed_tool, 25)
    with django_assert_max_num_queries(CHANGELIST_BUDGET) as large:
        assert editor_client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("app,model", [m for m in MODELS if m[0] != "votes"])
def test_add_page_renders(editor_client, panel, app, model):
    response = editor_client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code == 200


def test_change_pages_render_for_every_model(editor_client, make_reviewed_tool):
    tool = make_reviewed_tool((84, "ship"), (78, "ship"))
    vote = VoteFactory(tool=tool)
    bookmark = BookmarkFactory(tool=tool)
    review = Review.objects.filter(tool=tool).first()
    objects = {
        ("tools", "category"): tool.category,
        ("tools", "tool"): tool,
        ("verdicts", "reviewer"): review.reviewer,
        ("verdicts", "review"): review,
        ("votes", "vote"): vote,
        ("votes", "bookmark"): bookmark,
        ("votes", "visitor"): vote.visitor,
    }
    for (app, model), obj in objects.items():
        response = editor_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
        assert response.status_code == 200, (app, model)


def test_the_tool_page_offers_one_row_per_reviewer_who_has_not_reviewed(
    editor_client, make_reviewed_tool, panel, django_assert_max_num_queries
):
    tool = make_reviewed_tool((84, "ship"), (78, "ship"))
    # 2 of them: who else has it open (presence); 1: whether the price text is derived; 1: the
    # open reports of errors.
    with django_assert_max_num_queries(19):
        response = editor_client.get(reverse("admin:tools_tool_change", args=[tool.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.total_form_count() == 4
    prefilled = [form.initial.get("reviewer") for form in formset.extra_forms]
    assert prefilled == [panel[2].pk, panel[3].pk]


def test_an_editor_can_write_a_review_in_the_tool_page(editor_client, make_reviewed_tool, panel):
    tool = make_reviewed_tool((84, "ship"))
    response = editor_client.get(reverse("admin:tools_tool_change", args=[tool.pk]))
    data = form_data(response)
    assert data["reviews-1-reviewer"] == str(panel[1].pk)  # pre-filled
    data.update(
        {
            "reviews-0-body": "Still good.",
            "reviews-1-score": "41",
            "reviews-1-verdict": "skip",
            "reviews-1-body": "<b>Not</b> for me.",
        }
    )
    response = editor_client.post(reverse("admin:tools_tool_change", args=[tool.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert str(Tool.objects.with_panel_summary().get(pk=tool.pk).panel) == "Split · 1 ship / 1 skip"
    # The confirmation travels in the editor's session to the page the save redirects to.
    assert "was changed successfully" in editor_client.get(response.url).content.decode()


def test_the_panel_verdict_filter_narrows_the_changelist(editor_client, make_reviewed_tool):
    shipped = make_reviewed_tool((84, "ship"), (78, "ship"))
    skipped = make_reviewed_tool((20, "skip"), (30, "skip"))
    response = editor_client.get(reverse("admin:tools_tool_changelist"), {"panel": "skip"})
    shown = list(response.context["cl"].result_list)
    assert shown == [skipped]
    assert shipped not in shown


def test_a_moderator_can_delete_votes_but_not_edit_them(editor_client):
    vote = VoteFactory()
    change = editor_client.post(
        reverse("admin:votes_vote_change", args=[vote.pk]), {"value": "skip"}
    )
    assert change.status_code == 403
    response = editor_client.post(
        reverse("admin:votes_vote_changelist"),
        {"action": "delete_selected", "_selected_action": [vote.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not type(vote).objects.exists()


def test_the_review_admin_shows_review_text_escaped(editor_client):
    ReviewFactory(body="<script>alert(1)</script>")
    response = editor_client.get(reverse("admin:verdicts_review_changelist"), {"q": "alert"})
    assert b"<script>alert(1)</script>" not in response.content
