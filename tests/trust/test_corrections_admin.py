"""Editors handle reports in the admin; accepted corrections are listed on the tool page."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests.conftest import sign_in_verified
from tests.trust.conftest import CorrectionFactory, text_of
from trust.models import Correction

pytestmark = pytest.mark.django_db

TOOL = "/tools/code-llama-4/"


@pytest.fixture
def moderator(client):
    """Staff in the Moderators group (trust/migrations/0002_editors_and_moderators.py)."""
    user = User.objects.create_user("mod", "mod@example.com", "pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    sign_in_verified(client, user)
    return user


def test_moderators_may_handle_reports_and_editors_may_also_check_facts():
    def codenames(name: str) -> set[str]:
        group = Group.objects.get(name=name)
        return set(
            group.permissions.filter(content_type__app_label="trust").values_list(
                "codename", flat=True
            )
        )

    assert codenames("Moderators") == {"change_correction", "view_correction"}
    assert codenames("Editors") >= {"change_correction", "add_factcheck", "change_factcheck"}
    assert "add_correction" not in codenames("Editors")


@pytest.fixture
def report(reference_pair):
    return CorrectionFactory(tool=reference_pair[0], fact="pricing")


def test_an_accepted_correction_is_listed_on_the_tool_page(client, reference_pair):
    CorrectionFactory(
        tool=reference_pair[0],
        status=Correction.Status.ACCEPTED,
        public_summary="entry price",
        handled_at=datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC),
    )
    CorrectionFactory(
        tool=reference_pair[0],
        fact="licence",
        status=Correction.Status.ACCEPTED,
        handled_at=datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC),
    )
    CorrectionFactory(tool=reference_pair[0], fact="maker", status=Correction.Status.REJECTED)
    CorrectionFactory(tool=reference_pair[0], fact="maker")  # new
    shown = text_of(client.get(TOOL))
    assert "Corrected 3 Dec 2026: entry price Corrected 2 Nov 2026: licence" in shown
    assert "maker" not in shown.split("Corrected")[-1].split("Report an error")[0]
    assert shown.count("Corrected ") == 2


def test_what_the_reader_wrote_cannot_be_edited(client, moderator, report):
    url = reverse("admin:trust_correction_change", args=[report.pk])
    client.post(url, {"status": "spam", "what_is_wrong": "Edited", "fact": "maker"})
    report.refresh_from_db()
    assert (report.status, report.what_is_wrong, report.fact) == (
        "spam",
        "The entry price went up to $25/mo.",
        "pricing",
    )


def test_a_moderator_cannot_add_reports_or_edit_tools(client, moderator, reference_pair):
    assert client.get(reverse("admin:trust_correction_add")).status_code == 403
    tool_url = reverse("admin:tools_tool_change", args=[reference_pair[0].pk])
    assert client.get(tool_url).status_code == 403


def test_someone_without_the_permission_sees_no_reports(client, report):
    user = User.objects.create_user("staff", "s@example.com", "pw-for-tests-only", is_staff=True)
    sign_in_verified(client, user)
    assert client.get(reverse("admin:trust_correction_changelist")).status_code == 403


def test_the_changelist_costs_the_same_however_many_reports(
    client, moderator, reference_pair, django_assert_max_num_queries
):
    url = reverse("admin:trust_correction_changelist")
    CorrectionFactory(tool=reference_pair[0])
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    for index in range(20):
        CorrectionFactory(tool=reference_pair[index % 2], status="accepted", handled_by=moderator)
    with django_assert_max_num_queries(12) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
