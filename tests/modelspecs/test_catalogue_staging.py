"""A newer catalogue snapshot stages its changes for an editor: nothing readers see changes
until they are approved in the admin (in bulk), and then the figures, the tool's price text,
its history and its pages change together (tools/staging.py)."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from modelspecs.models import CatalogueChange, ModelSpec
from tests.modelspecs.conftest import catalogue
from tests.modelspecs.test_import_models_dev import run
from tools.models import Tool

pytestmark = pytest.mark.django_db

CHANGES = reverse("admin:modelspecs_cataloguechange_changelist")


def page_text(client, url: str) -> str:
    return re.sub(r"\s+", " ", client.get(url).content.decode())


@pytest.fixture
def published(snapshot):
    run(snapshot(), "--provider", "openai", "--publish")
    return Tool.objects.get(slug="gpt-4o"), Tool.objects.get(slug="gpt-4-1-mini")


@pytest.fixture
def newer(snapshot):
    data = catalogue()
    data["openai"]["models"]["gpt-4o"].update(
        cost={"input": 2.75, "output": 11}, last_updated="2025-09-01"
    )
    data["openai"]["models"]["gpt-4.1-mini"]["limit"] = {"context": 2000000, "output": 32768}
    data["openai"]["models"]["gpt-4.1-mini"]["last_updated"] = "2025-09-02"
    return snapshot(data)


def test_a_newer_snapshot_changes_nothing_readers_see_until_approved(
    client, signed_in, published, newer
):
    gpt, mini = published
    before = {tool.slug: (tool.updated_at, tool.entry_price) for tool in published}
    output = run(newer, "--provider", "openai")
    assert "2 changed and waiting for an editor" in output
    spec = ModelSpec.objects.get(tool=gpt)
    assert (spec.input_price, spec.output_price) == (2.5, 10)
    assert {t.slug: (t.updated_at, t.entry_price) for t in Tool.objects.all()} == before
    assert "$2.75" not in page_text(client, gpt.get_absolute_url())

    editor = signed_in("Editors")
    listing = page_text(editor, CHANGES)
    assert "GPT-4o" in listing and "GPT-4.1 mini" in listing  # which model each change is for
    assert "input, $ per 1M tokens: $2.5 → $2.75" in listing
    assert "context window, tokens: 1047576 → 2000000" in listing
    pending = list(CatalogueChange.objects.filter(status="pending").values_list("pk", flat=True))
    response = editor.post(
        CHANGES, {"action": "approve_selected", ACTION_CHECKBOX_NAME: pending}, follow=True
    )
    assert "Approved 2 change(s)" in response.content.decode()

    gpt.refresh_from_db()
    spec.refresh_from_db()
    assert (spec.input_price, spec.output_price) == (2.75, 11)
    assert gpt.entry_price == "$2.75 / 1M input tokens"
    assert gpt.pricing_details == "$2.75 input, $11 output per 1M tokens"
    assert gpt.updated_at > before["gpt-4o"][0]
    record = gpt.history.first()
    assert (
        record.history_user.username == "editors"
        and "Approved from" in record.history_change_reason
    )
    assert ModelSpec.objects.get(tool=mini).context_window == 2000000
    text = page_text(client, gpt.get_absolute_url())
    assert "$2.75" in text and "$2.50" not in text
    assert not CatalogueChange.objects.filter(status="pending").exists()


def test_a_rejected_change_stays_off_and_the_same_snapshot_does_not_bring_it_back(
    signed_in, published, newer
):
    run(newer, "--provider", "openai")
    editor = signed_in("Editors")
    pending = list(CatalogueChange.objects.values_list("pk", flat=True))
    editor.post(CHANGES, {"action": "reject_selected", ACTION_CHECKBOX_NAME: pending})
    assert set(CatalogueChange.objects.values_list("status", flat=True)) == {"rejected"}
    assert ModelSpec.objects.get(tool=published[0]).input_price == 2.5
    assert "0 changed and waiting" in run(newer, "--provider", "openai")
    assert not CatalogueChange.objects.filter(status="pending").exists()


def test_a_still_newer_snapshot_replaces_the_waiting_change(snapshot, published, newer):
    run(newer, "--provider", "openai")
    data = catalogue()
    data["openai"]["models"]["gpt-4o"].update(cost={"input": 3, "output": 12})
    run(snapshot(data), "--provider", "openai")
    [change] = CatalogueChange.objects.filter(spec__tool=published[0], status="pending")
    assert change.values("after")["input_price"] == 3
    # The catalogue went back to what readers see: nothing is waiting for that model any more.
    run(snapshot(catalogue()), "--provider", "openai")
    assert not CatalogueChange.objects.filter(spec__tool=published[0]).exists()


def test_approving_twice_changes_once(signed_in, published, newer):
    from tools.staging import approve

    run(newer, "--provider", "openai")
    change = CatalogueChange.objects.get(spec__tool=published[0])
    editor = signed_in("Editors")
    user = editor.session and Tool.history.model._meta.get_field("history_user").related_model
    someone = user.objects.get(username="editors")
    assert approve(change, someone) is True
    history = published[0].history.count()
    assert approve(change, someone) is False
    assert published[0].history.count() == history


def test_an_operator_may_apply_at_once(published, newer):
    assert "2 updated" in run(newer, "--provider", "openai", "--apply")
    assert ModelSpec.objects.get(tool=published[0]).input_price == 2.75
    assert Tool.objects.get(pk=published[0].pk).entry_price == "$2.75 / 1M input tokens"


def test_a_priced_models_price_text_is_not_typed_by_hand(signed_in, published):
    editor = signed_in("Editors")
    form = editor.get(reverse("admin:tools_tool_change", args=[published[0].pk]))
    assert 'name="entry_price"' not in form.content.decode()
    assert "$2.50 / 1M input tokens" in form.content.decode()


def test_moderators_cannot_approve_catalogue_changes(signed_in, published, newer):
    run(newer, "--provider", "openai")
    assert signed_in("Moderators").get(CHANGES).status_code == 403
