"""Each staff group can do its job in the admin and nothing past it (real admin requests)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Subscriber
from tests.factories import ReviewFactory, VoteFactory
from tests.newsletter.conftest import SubscriberFactory
from verdicts.models import Review, Reviewer
from votes.models import Vote

pytestmark = pytest.mark.django_db


def review_form(review: Review, **changes) -> dict:
    data = {
        "tool": review.tool_id,
        "reviewer": review.reviewer_id,
        "score": review.score,
        "verdict": review.verdict,
        "body": review.body,
        "status": "published",
        "published_at_0": "2026-01-02",
        "published_at_1": "10:00:00",
        "opened_at": timezone.now().isoformat(),
    }
    return {**data, **changes}


def bulk_delete(client, url_name: str, pks: list[int]):
    return client.post(
        reverse(url_name), {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
    )


# Editors


def test_editors_add_and_change_tools_categories_and_reviews(signed_in, make_reviewed_tool):
    editor = signed_in("Editors")
    review = make_reviewed_tool((84, "ship")).reviews.get()
    for page in ("tools_tool_add", "tools_category_add", "verdicts_review_add"):
        assert editor.get(reverse(f"admin:{page}")).status_code == 200, page
    response = editor.post(
        reverse("admin:verdicts_review_change", args=[review.pk]),
        review_form(
            review,
            score="45",
            verdict="skip",
            reason="Re-tested on the new release.",
            body="Re-tested on the new release: it no longer holds up.",
        ),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.score, review.verdict) == (45, "skip")


def test_editors_cannot_delete_a_review_one_by_one_in_bulk_or_from_the_tool(
    signed_in, make_reviewed_tool
):
    editor = signed_in("Editors")
    tool = make_reviewed_tool((84, "ship"), (70, "ship"))
    review = tool.reviews.first()
    delete_url = reverse("admin:verdicts_review_delete", args=[review.pk])
    assert editor.get(delete_url).status_code == 403
    assert editor.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = editor.get(reverse("admin:verdicts_review_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    bulk_delete(editor, "admin:verdicts_review_changelist", [review.pk])
    form = editor.get(reverse("admin:tools_tool_change", args=[tool.pk]))
    assert form.context["inline_admin_formsets"][0].formset.can_delete is False
    assert editor.get(reverse("admin:tools_tool_delete", args=[tool.pk])).status_code == 403
    assert Review.objects.filter(tool=tool).count() == 2


def test_only_a_superuser_deletes_a_review_even_with_the_permission_given_by_hand(
    signed_in, make_reviewed_tool
):
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="Editors").permissions.add(
        Permission.objects.get(codename="delete_review"),
        Permission.objects.get(codename="delete_tool"),
    )
    editor = signed_in("Editors")
    tool = make_reviewed_tool((84, "ship"))
    review = tool.reviews.get()
    assert editor.get(reverse("admin:verdicts_review_delete", args=[review.pk])).status_code == 403
    bulk_delete(editor, "admin:verdicts_review_changelist", [review.pk])
    # Deleting the tool would delete its review: the page says so, and the delete is refused.
    tool_delete = reverse("admin:tools_tool_delete", args=[tool.pk])
    page = editor.get(tool_delete).content.decode()
    assert "your account doesn't have permission to delete" in page
    assert editor.post(tool_delete, {"post": "yes"}).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_editors_see_the_critics_but_cannot_add_change_or_delete_them(signed_in, panel):
    editor = signed_in("Editors")
    critic = panel[0]
    assert editor.get(reverse("admin:verdicts_reviewer_changelist")).status_code == 200
    assert editor.get(reverse("admin:verdicts_reviewer_add")).status_code == 403
    change_url = reverse("admin:verdicts_reviewer_change", args=[critic.pk])
    assert 'name="name"' not in editor.get(change_url).content.decode()  # shown read-only
    response = editor.post(
        change_url, {"name": "Renamed", "slug": critic.slug, "lens": "x", "order": 0}
    )
    assert response.status_code == 403
    assert editor.get(reverse("admin:verdicts_reviewer_delete", args=[critic.pk])).status_code == (
        403
    )
    critic.refresh_from_db()
    assert (critic.name, critic.is_active) == ("The Builder", True)


def test_editors_cannot_see_subscribers_or_delete_votes(signed_in):
    editor = signed_in("Editors")
    vote = VoteFactory()
    assert editor.get(reverse("admin:newsletter_subscriber_changelist")).status_code == 403
    assert editor.get(reverse("admin:votes_vote_delete", args=[vote.pk])).status_code == 403
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403


# Moderators


def test_moderators_delete_votes(signed_in):
    moderator = signed_in("Moderators")
    vote = VoteFactory()
    assert moderator.get(reverse("admin:votes_vote_changelist")).status_code == 200
    assert bulk_delete(moderator, "admin:votes_vote_changelist", [vote.pk]).status_code == 302
    assert not Vote.objects.exists()


def test_moderators_cannot_edit_the_catalogue_or_see_subscribers(signed_in, make_reviewed_tool):
    moderator = signed_in("Moderators")
    tool = make_reviewed_tool((84, "ship"))
    review = tool.reviews.get()
    assert moderator.post(reverse("admin:tools_tool_change", args=[tool.pk]), {}).status_code == (
        403
    )
    assert moderator.get(reverse("admin:tools_tool_add")).status_code == 403
    assert moderator.get(reverse("admin:verdicts_review_changelist")).status_code == 403
    assert moderator.post(
        reverse("admin:verdicts_review_change", args=[review.pk]), review_form(review, score="1")
    ).status_code == (403)
    assert moderator.get(reverse("admin:newsletter_subscriber_changelist")).status_code == 403
    assert Review.objects.get().score == 84


# Newsletter


def test_the_newsletter_group_exports_and_unsubscribes(signed_in):
    newsletter = signed_in("Newsletter")
    subscriber = SubscriberFactory(email="ada@example.com")
    url = reverse("admin:newsletter_subscriber_changelist")
    assert newsletter.get(url).status_code == 200
    export = newsletter.post(url, {"action": "export_csv", "_selected_action": [subscriber.pk]})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert "ada@example.com" in export.content.decode()
    newsletter.post(url, {"action": "mark_unsubscribed", "_selected_action": [subscriber.pk]})
    assert Subscriber.objects.get().status == "unsubscribed"


def test_viewing_subscribers_is_not_enough_to_export_them(signed_in):
    from django.contrib.auth.models import Permission, User

    viewer = signed_in("Moderators")
    User.objects.get(username="moderators").user_permissions.add(
        Permission.objects.get(codename="view_subscriber")
    )
    subscriber = SubscriberFactory(email="ada@example.com")
    url = reverse("admin:newsletter_subscriber_changelist")
    page = viewer.get(url)
    assert page.status_code == 200
    assert "export_csv" not in page.content.decode()
    refused = viewer.post(url, {"action": "export_csv", "_selected_action": [subscriber.pk]})
    assert refused.status_code == 200  # the list again, not a file
    assert refused["Content-Type"].startswith("text/html")
    assert "attachment" not in refused.get("Content-Disposition", "")


def test_the_newsletter_group_cannot_touch_the_catalogue_or_votes(signed_in, make_reviewed_tool):
    newsletter = signed_in("Newsletter")
    tool = make_reviewed_tool((84, "ship"))
    assert newsletter.get(reverse("admin:tools_tool_changelist")).status_code == 403
    assert newsletter.get(reverse("admin:tools_tool_change", args=[tool.pk])).status_code == 403
    assert newsletter.get(reverse("admin:votes_vote_changelist")).status_code == 403


# Superusers


def test_superusers_keep_every_right(signed_in, make_reviewed_tool):
    root = signed_in(None)
    tool = make_reviewed_tool((84, "ship"), (70, "ship"))
    first, second = tool.reviews.all()
    changelist = root.get(reverse("admin:verdicts_review_changelist"))
    assert "delete_selected" in changelist.content.decode()
    response = root.post(reverse("admin:verdicts_review_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302
    bulk_delete(root, "admin:verdicts_review_changelist", [second.pk])
    assert not Review.objects.exists()
    assert root.get(reverse("admin:verdicts_reviewer_add")).status_code == 200
    critic = Reviewer.objects.first()
    assert root.get(reverse("admin:verdicts_reviewer_delete", args=[critic.pk])).status_code == 200
    SubscriberFactory()
    assert root.get(reverse("admin:newsletter_subscriber_changelist")).status_code == 200


def test_a_staff_member_in_no_group_can_do_nothing(client, make_reviewed_tool):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody", is_staff=True))
    tool = make_reviewed_tool((84, "ship"))
    assert client.get(reverse("admin:tools_tool_change", args=[tool.pk])).status_code == 403
    assert client.get(reverse("admin:verdicts_review_changelist")).status_code == 403
    assert ReviewFactory._meta.model.objects.count() == 1
