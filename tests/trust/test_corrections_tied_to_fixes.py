"""A correction is public only with the fix it led to: an editor accepts a report by typing the
corrected value of the fact it names, saved on the tool in the same step; "No change needed",
spam and duplicates show nothing; Moderators triage, Editors decide; the reader who left an
email hears back once."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in_verified
from tests.trust.conftest import CorrectionFactory, text_of
from tools.models import Tool
from trust.models import Correction

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:trust_correction_changelist")


def staff_in(group: str) -> Client:
    user = User.objects.create_user(group.lower()[:-1], f"{group}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    sign_in_verified(client, user)
    return client


@pytest.fixture
def editor():
    return staff_in("Editors")


@pytest.fixture
def moderator():
    return staff_in("Moderators")


def change(report: Correction) -> str:
    return reverse("admin:trust_correction_change", args=[report.pk])


def decide(client, report: Correction, **data):
    return client.post(change(report), {"reply": "", "public_summary": "", **data})


@pytest.mark.parametrize(
    "fact, field, value, stored",
    [
        ("licence", "licence", "Llama 4 Community License (700M MAU cap)", None),
        ("maker", "maker", "Meta Platforms", None),
        ("pricing", "entry_price", "$25/mo", None),
        ("pricing", "pricing_details", "Free weights; hosted from $0.20 per 1M tokens", None),
        ("other", "tagline", "Meta's open code model", None),
    ],
)
def test_accepting_writes_the_fix_and_the_public_line_names_it(
    client,
    editor,
    reference_pair,
    mailoutbox,
    django_capture_on_commit_callbacks,
    fact,
    field,
    value,
    stored,
):
    tool = reference_pair[0]
    report = CorrectionFactory(tool=tool, fact=fact, email="reader@example.com")
    form = text_of(editor.get(change(report)))
    assert "What the page shows now" in form
    before = getattr(tool, field)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(editor, report, status="accepted", fix_field=field, fix_value=value)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tool.refresh_from_db()
    assert getattr(tool, field) == value
    report.refresh_from_db()
    assert (report.status, report.fixed_field, report.fixed_before, report.fixed_after) == (
        "accepted",
        field,
        before,
        value,
    )
    assert tool.history.first().history_change_reason.startswith("Correction of a reader")
    assert "Corrected " in text_of(client.get(tool.get_absolute_url()))
    [mail] = mailoutbox
    assert mail.to == ["reader@example.com"] and "You were right" in mail.body


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "needs the fix"),
        ({"fix_field": "licence", "fix_value": "Llama 4 Community License"}, "already"),
        ({"fix_field": "maker", "fix_value": "Meta AI"}, "Select a valid choice"),
        ({"fix_field": "licence", "fix_value": "x" * 500}, "at most"),
    ],
)
def test_corrected_without_a_real_fix_is_refused_and_changes_nothing(
    client, editor, reference_pair, mailoutbox, data, error
):
    tool = reference_pair[0]
    report = CorrectionFactory(tool=tool, fact="licence")
    response = decide(editor, report, status="accepted", **data)
    assert response.status_code == 200
    assert error in text_of(response)
    report.refresh_from_db()
    assert report.status == "new"
    assert Tool.objects.get(pk=tool.pk).licence == tool.licence
    assert "Corrected " not in text_of(client.get(tool.get_absolute_url()))
    assert not mailoutbox


def test_no_change_needed_shows_nothing_public_and_tells_the_reader(
    client, editor, reference_pair, mailoutbox, django_capture_on_commit_callbacks
):
    report = CorrectionFactory(tool=reference_pair[0], fact="licence", email="r@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(editor, report, status="no_change").status_code == 302
    assert "Corrected " not in text_of(client.get(reference_pair[0].get_absolute_url()))
    [mail] = mailoutbox
    assert "found it correct" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        decide(editor, report, status="no_change", reply="Still right.")  # no second mail
    assert len(mailoutbox) == 1


def test_moderators_triage_but_cannot_accept_or_decide(
    moderator, reference_pair, mailoutbox, django_capture_on_commit_callbacks
):
    reports = [CorrectionFactory(tool=reference_pair[0], email="r@example.com") for _ in range(3)]
    refused = decide(moderator, reports[0], status="accepted")
    assert refused.status_code == 200 and "Select a valid choice" in text_of(refused)
    page = moderator.get(CHANGELIST).content.decode()
    assert "no_change_needed" not in page and "mark_spam" in page
    pks = [r.pk for r in reports[:2]]
    with django_capture_on_commit_callbacks(execute=True):
        moderator.post(CHANGELIST, {"action": "mark_spam", ACTION_CHECKBOX_NAME: pks})
    moderator.post(CHANGELIST, {"action": "no_change_needed", ACTION_CHECKBOX_NAME: pks[2:]})
    assert list(Correction.objects.order_by("pk").values_list("status", flat=True)) == [
        "spam",
        "spam",
        "new",
    ]
    assert not mailoutbox  # spam gets no reply


def test_a_model_figure_is_corrected_and_the_price_text_follows(client, editor):
    from modelspecs.models import ModelSpec
    from tests.factories import ToolFactory

    tool = ToolFactory(entry_price="$2.5 / 1M input tokens")
    ModelSpec.objects.create(
        tool=tool, provider="openai", model_id="m", input_price=2.5, output_price=10, source="s"
    )
    report = CorrectionFactory(tool=tool, fact="model_prices")
    response = decide(
        editor, report, status="accepted", fix_field="model_spec.input_price", fix_value="2.75"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    tool.refresh_from_db()
    assert tool.model_spec.input_price == 2.75
    assert tool.entry_price == "$2.75 / 1M input tokens"


def test_open_reports_are_on_the_tools_form(editor, reference_pair):
    report = CorrectionFactory(tool=reference_pair[0], what_is_wrong="The maker is wrong.")
    form = text_of(editor.get(reverse("admin:tools_tool_change", args=[reference_pair[0].pk])))
    assert "Open reports" in form and "The maker is wrong." in form
    decide(editor, report, status="no_change")
    form = text_of(editor.get(reverse("admin:tools_tool_change", args=[reference_pair[0].pk])))
    assert "The maker is wrong." not in form


def test_a_fix_typed_without_corrected_is_refused_not_dropped(editor, reference_pair):
    report = CorrectionFactory(tool=reference_pair[0], fact="maker")
    response = decide(editor, report, status="new", fix_field="maker", fix_value="Meta AI")
    assert response.status_code == 200 and "only with “Corrected”" in text_of(response)
    assert Tool.objects.get(pk=reference_pair[0].pk).maker == "Meta"


def test_a_report_already_corrected_takes_a_further_fix(editor, reference_pair):
    report = CorrectionFactory(tool=reference_pair[0], fact="maker")
    decide(editor, report, status="accepted", fix_field="maker", fix_value="Meta AI")
    response = decide(editor, report, status="accepted", fix_field="maker", fix_value="Meta")
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.fixed_before, report.fixed_after) == ("Meta AI", "Meta")
    assert Tool.objects.get(pk=reference_pair[0].pk).maker == "Meta"
    # Saving the report again with only a new reply changes nothing on the tool.
    assert decide(editor, report, status="accepted", reply="Done twice.").status_code == 302


def test_a_fixed_figure_is_on_our_word_from_the_readers_source(editor):
    from modelspecs.models import ModelSpec
    from tests.factories import ToolFactory
    from trust.models import FactCheck

    tool = ToolFactory()
    ModelSpec.objects.create(
        tool=tool, provider="openai", model_id="m", input_price=2.5, output_price=10, source="s"
    )
    FactCheck.objects.create(
        tool=tool, fact="model_prices", basis="catalogue", source_url="https://models.dev/x"
    )
    report = CorrectionFactory(
        tool=tool, fact="model_prices", source_url="https://openai.com/api/pricing/"
    )
    decide(editor, report, status="accepted", fix_field="model_spec.input_price", fix_value="2.75")
    check = FactCheck.objects.get(tool=tool, fact="model_prices")
    assert (check.basis, check.source_url) == ("checked", "https://openai.com/api/pricing/")
    form = text_of(editor.get(change(report)))
    assert "$2.75" in form and "2.750000" not in form
