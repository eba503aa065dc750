"""`manage.py import_models_dev` against a small snapshot written by the test."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.publishing import Status
from modelspecs.models import ModelSpec
from tests.factories import CategoryFactory, ToolFactory
from tests.modelspecs.conftest import catalogue, entry
from tools.models import Category, Tool
from trust.models import FactCheck

pytestmark = pytest.mark.django_db


def run(path, *options) -> str:
    out = StringIO()
    call_command("import_models_dev", "--snapshot", str(path), *options, stdout=out, stderr=out)
    return out.getvalue()


def history_rows() -> int:
    return Tool.history.count() + ModelSpec.history.count()


def test_it_creates_a_draft_tool_per_model_of_the_chosen_providers(snapshot):
    output = run(snapshot(), "--provider", "openai", "--provider", "anthropic")
    assert "3 new, 0 updated, 0 unchanged, 0 skipped" in output
    assert set(Tool.objects.values_list("slug", flat=True)) == {
        "gpt-4o",
        "gpt-4-1-mini",
        "claude-sonnet-4",
    }
    assert not Tool.objects.published().exists()  # drafts until an editor publishes them
    assert set(Tool.objects.values_list("status", flat=True)) == {Status.DRAFT}
    gpt = Tool.objects.get(slug="gpt-4o")
    assert (gpt.name, gpt.maker, gpt.category.name) == ("GPT-4o", "OpenAI", "Language models")
    assert gpt.website == "https://platform.openai.com/docs/models"
    assert gpt.entry_price == "$2.50 / 1M input tokens"


def test_the_provider_filter_leaves_other_providers_out(snapshot):
    run(snapshot(), "--provider", "anthropic")
    assert list(ModelSpec.objects.values_list("provider", "model_id")) == [
        ("anthropic", "claude-sonnet-4")
    ]


def test_the_default_providers_come_from_the_setting(snapshot, settings):
    settings.MODELS_DEV_PROVIDERS = ["openai"]
    run(snapshot())
    assert set(ModelSpec.objects.values_list("provider", flat=True)) == {"openai"}


def test_an_unknown_provider_is_an_error_that_changes_nothing(snapshot):
    with pytest.raises(CommandError, match=r"No provider nobody"):
        run(snapshot(), "--provider", "nobody")
    assert not Tool.objects.exists()


def test_prices_are_exact_decimals_and_the_facts_are_all_stored(snapshot):
    data = catalogue()
    # 0.1 + 0.2 as a float would be 0.30000000000000004
    data["openai"]["models"]["gpt-4o"]["cost"] = {"input": 0.1, "output": 0.3, "cache_read": 0.05}
    run(snapshot(data), "--provider", "openai")
    spec = ModelSpec.objects.get(model_id="gpt-4o")
    assert isinstance(spec.input_price, Decimal)
    assert spec.input_price == Decimal("0.1")
    assert spec.input_price * 3 == spec.output_price  # exact, unlike floats
    assert spec.cached_input_price == Decimal("0.05")
    assert (spec.context_window, spec.output_limit) == (128000, 16384)
    assert (spec.input_modalities, spec.output_modalities) == (["text", "image"], ["text"])
    assert (spec.tool_calling, spec.reasoning, spec.open_weights) == (True, False, False)
    assert spec.release_date == datetime.date(2024, 5, 13)
    assert spec.last_updated == datetime.date(2024, 8, 6)
    assert spec.source.startswith("models.dev snapshot 1.0.398")


def test_the_same_model_sold_elsewhere_is_counted_with_its_lowest_price(snapshot):
    run(snapshot(), "--provider", "openai")
    spec = ModelSpec.objects.get(model_id="gpt-4o")
    # The reseller sells it twice (one a free plan, which is no per-token price).
    assert spec.other_providers == 1
    assert (spec.lowest_other_input_price, spec.lowest_other_output_price) == (2, 9)
    assert ModelSpec.objects.get(model_id="gpt-4.1-mini").other_providers == 0


def test_each_fact_is_recorded_with_its_source_and_date(snapshot):
    run(snapshot(), "--provider", "anthropic")
    tool = Tool.objects.get(slug="claude-sonnet-4")
    checks = {check.fact: check for check in FactCheck.objects.filter(tool=tool)}
    assert set(checks) == {"model_prices", "model_limits"}
    for check in checks.values():
        assert check.basis == FactCheck.Basis.CATALOGUE
        # The model's own entry in the catalogue, not the catalogue's home page.
        assert check.source_url == (
            "https://github.com/anomalyco/models.dev/blob/HEAD/providers/anthropic/models/"
            "claude-sonnet-4.toml"
        )
        # Checked: the snapshot's date (its newest entry); changed: this entry's own date.
        assert check.checked_on == datetime.date(2025, 5, 1)  # "2025-05": the month's first day
        assert check.changed_on == datetime.date(2025, 5, 1)


def test_checked_follows_the_snapshot_and_changed_follows_the_value(snapshot):
    """A newer snapshot with the same figures for a model moves its `checked` date (the
    catalogue vouched for them again) and not its `changed` date, nor the spec itself."""
    run(snapshot(), "--provider", "openai")
    tool = Tool.objects.get(slug="gpt-4o")
    first = {check.fact: (check.checked_on, check.changed_on) for check in tool.fact_checks.all()}
    assert set(first.values()) == {(datetime.date(2025, 5, 1), datetime.date(2024, 8, 6))}
    spec_history = ModelSpec.objects.get(tool=tool).history.count()

    data = catalogue()
    data["anthropic"]["models"]["claude-sonnet-4"]["last_updated"] = "2025-09-15"
    output = run(snapshot(data), "--provider", "openai")
    assert "0 new, 0 updated, 2 unchanged" in output
    second = {check.fact: (check.checked_on, check.changed_on) for check in tool.fact_checks.all()}
    assert set(second.values()) == {(datetime.date(2025, 9, 15), datetime.date(2024, 8, 6))}
    assert ModelSpec.objects.get(tool=tool).history.count() == spec_history

    data["openai"]["models"]["gpt-4o"].update(
        cost={"input": 2, "output": 8}, last_updated="2025-09-01"
    )
    run(snapshot(data), "--provider", "openai", "--apply")
    prices = tool.fact_checks.get(fact="model_prices")
    assert (prices.checked_on, prices.changed_on) == (
        datetime.date(2025, 9, 15),
        datetime.date(2025, 9, 1),
    )


def test_a_second_run_changes_nothing_and_writes_no_history(snapshot):
    path = snapshot()
    run(path, "--provider", "openai", "--provider", "anthropic")
    before = (history_rows(), FactCheck.objects.count(), list(FactCheck.objects.values()))
    output = run(path, "--provider", "openai", "--provider", "anthropic")
    assert "0 new, 0 updated, 3 unchanged, 0 skipped" in output
    after = (history_rows(), FactCheck.objects.count(), list(FactCheck.objects.values()))
    assert after == before


def test_an_update_changes_only_the_imported_facts_and_keeps_the_editors_text(snapshot):
    run(snapshot(), "--provider", "openai")
    tool = Tool.objects.get(slug="gpt-4o")
    tool.tagline = "The default model most teams start with"
    tool.description = "Written by an editor."
    tool.entry_price = "$2.50 per 1M input tokens"
    tool.status = Status.PUBLISHED
    tool.save()
    tool_history = Tool.history.count()

    data = catalogue()
    data["openai"]["models"]["gpt-4o"].update(
        cost={"input": 2, "output": 8}, last_updated="2025-01-10"
    )
    output = run(snapshot(data), "--provider", "openai", "--apply")

    assert "0 new, 1 updated, 1 unchanged" in output
    assert "input_price: 2.500000 -> 2" in output
    tool.refresh_from_db()
    assert tool.tagline == "The default model most teams start with"
    assert tool.description == "Written by an editor."
    # The price text follows the figures (the page cannot say two prices), with a history line.
    assert tool.entry_price == "$2 / 1M input tokens"
    assert tool.pricing_details == "$2 input, $8 output per 1M tokens"
    assert tool.status == Status.PUBLISHED
    assert Tool.history.count() == tool_history + 1
    spec = ModelSpec.objects.get(tool=tool)
    assert (spec.input_price, spec.output_price, spec.cached_input_price) == (2, 8, None)
    assert spec.history.count() == 2
    for check in FactCheck.objects.filter(tool=tool):  # the entry's new date
        assert check.changed_on == datetime.date(2025, 1, 10)
        assert check.checked_on == datetime.date(2025, 5, 1)  # the snapshot's


def test_an_editors_check_of_figures_the_catalogue_left_alone_stays(snapshot):
    run(snapshot(), "--provider", "openai")
    tool = Tool.objects.get(slug="gpt-4o")
    today = datetime.date.today()
    FactCheck.objects.filter(tool=tool, fact="model_prices").update(
        basis=FactCheck.Basis.CHECKED, checked_on=today, source_url="https://openai.com/api/"
    )
    data = catalogue()
    data["openai"]["models"]["gpt-4o"]["limit"] = {"context": 256000, "output": 16384}
    output = run(snapshot(data), "--provider", "openai", "--apply")

    assert "context_window: 128000 -> 256000" in output
    prices = FactCheck.objects.get(tool=tool, fact="model_prices")
    assert (prices.basis, prices.checked_on, prices.source_url) == (
        FactCheck.Basis.CHECKED,
        today,
        "https://openai.com/api/",
    )
    limits = FactCheck.objects.get(tool=tool, fact="model_limits")
    assert (limits.basis, limits.checked_on, limits.changed_on) == (
        FactCheck.Basis.CATALOGUE,
        datetime.date(2025, 5, 1),
        datetime.date(2024, 8, 6),
    )


def test_an_editors_tool_under_the_models_id_gets_the_facts_and_keeps_its_text(snapshot):
    category = CategoryFactory(name="Chatbots", slug="chatbots")
    mine = ToolFactory(slug="gpt-4o", name="ChatGPT's GPT-4o", category=category)
    run(snapshot(), "--provider", "openai")
    mine.refresh_from_db()
    assert mine.model_spec.input_price == Decimal("2.5")
    assert (mine.name, mine.category, mine.tagline) == (
        "ChatGPT's GPT-4o",
        category,
        "Does one thing well",
    )


def test_a_malformed_entry_is_reported_and_skipped_never_half_written(snapshot):
    data = catalogue()
    models = data["openai"]["models"]
    models["broken-price"] = entry("broken-price", "Broken price", cost={"input": "cheap"})
    models["negative"] = entry("negative", "Negative", cost={"input": -1, "output": 2})
    models["no-date"] = entry("no-date", "No date", last_updated="yesterday")
    models["no-name"] = entry("no-name", "")
    models["not-an-object"] = ["gpt"]
    models["bad-modalities"] = entry("bad-modalities", "Bad", modalities={"input": "text"})
    models["huge"] = entry("huge", "Huge", cost={"input": 1e30, "output": 2})  # no longer aborts
    models["too-big"] = entry("too-big", "Too big", cost={"input": 1, "output": 100_000_000})
    output = run(snapshot(data), "--provider", "openai")
    assert "2 new, 0 updated, 0 unchanged, 8 skipped (malformed)" in output
    assert "skipped openai/huge: cost.input is not a plausible price: 1E+30" in output
    assert "skipped openai/too-big: cost.output is not a plausible price: 100000000" in output
    assert "skipped openai/broken-price: cost.input is not a number: 'cheap'" in output
    assert "skipped openai/negative: cost.input is negative" in output
    assert "skipped openai/no-date: last_updated is not a date" in output
    assert set(Tool.objects.values_list("slug", flat=True)) == {"gpt-4o", "gpt-4-1-mini"}
    assert ModelSpec.objects.count() == 2


def test_an_entry_failing_halfway_leaves_nothing_behind(snapshot, monkeypatch):
    """The tool and its facts are saved before their fact checks: a failure there rolls the
    whole entry back, and the next entry goes on."""
    from django.db import IntegrityError

    from tools import models_dev

    record_checks = models_dev.record_checks

    def fail_for_gpt_4o(spec, changed, taken_on):
        if spec.model_id == "gpt-4o":
            raise IntegrityError("the database refused it")
        record_checks(spec, changed, taken_on)

    monkeypatch.setattr(models_dev, "record_checks", fail_for_gpt_4o)
    output = run(snapshot(), "--provider", "openai")
    assert "skipped openai/gpt-4o: the database refused it" in output
    assert not Tool.objects.filter(slug="gpt-4o").exists()
    assert not ModelSpec.objects.filter(model_id="gpt-4o").exists()
    assert Tool.objects.filter(slug="gpt-4-1-mini").exists()


def test_a_token_count_beyond_reason_is_malformed(snapshot):
    data = catalogue()
    data["openai"]["models"]["gpt-4o"]["limit"] = {"context": 10**12}
    output = run(snapshot(data), "--provider", "openai")
    assert "skipped openai/gpt-4o: limit.context is not a token count" in output
    assert not Tool.objects.filter(slug="gpt-4o").exists()


def test_a_dry_run_prints_what_would_change_and_changes_nothing(snapshot):
    path = snapshot()
    output = run(path, "--provider", "openai", "--dry-run")
    assert "+ openai/gpt-4o; new tool gpt-4o (draft)" in output
    assert "Dry run, nothing was changed: would be 2 new" in output
    assert not Tool.objects.exists()
    assert not Category.objects.exists()
    assert not FactCheck.objects.exists()
    assert history_rows() == 0


def test_publish_makes_the_new_tools_live_and_only_the_named_models(snapshot):
    run(snapshot(), "--publish", "--model", "openai/gpt-4o", "--model", "anthropic/claude-sonnet-4")
    assert set(Tool.objects.published().values_list("slug", flat=True)) == {
        "gpt-4o",
        "claude-sonnet-4",
    }


def test_an_unreadable_snapshot_is_a_clear_error(tmp_path):
    path = tmp_path / "data.json.gz"
    path.write_text("not gzip")
    with pytest.raises(CommandError, match=r"cannot read the models\.dev snapshot"):
        run(path)
