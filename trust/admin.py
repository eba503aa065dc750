"""Editors' side of facts and corrections. ToolAdmin (tools/admin.py) takes FactCheckInline and
NeedsRecheckFilter from here; trust sits below tools and imports nothing of it."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core import today
from core.merging import MergesConcurrentEdits
from trust.models import EVERY_TOOL_FACTS, FACT_FIELDS, Correction, FactCheck, stale_before
from trust.services import fix_and_accept, fix_target, handle_correction, mark_checked_today

NEEDS_RECHECK = "Needs re-check"
HTTPS_FIRST = {models.URLField: {"assume_scheme": "https"}}


def fully_checked_tool_ids() -> QuerySet:
    """Tools whose every always-present fact has a check that is not stale (a subquery)."""
    return (
        FactCheck.objects.filter(fact__in=EVERY_TOOL_FACTS, checked_on__gte=stale_before())
        .values("tool_id")
        .annotate(fresh=Count("fact", distinct=True))
        .filter(fresh=len(EVERY_TOOL_FACTS))
        .values("tool_id")
    )


class NeedsRecheckFilter(admin.SimpleListFilter):
    """On the tool changelist: tools with a fact unchecked, or checked too long ago."""

    title = "facts"
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [("recheck", NEEDS_RECHECK), ("fresh", "All checked recently")]

    def queryset(self, request, queryset):
        if self.value() == "recheck":
            return queryset.exclude(pk__in=fully_checked_tool_ids())
        if self.value() == "fresh":
            return queryset.filter(pk__in=fully_checked_tool_ids())
        return queryset


class StaleCheckFilter(admin.SimpleListFilter):
    """On the fact checks changelist: checks older than FACT_STALE_DAYS."""

    title = "facts"
    parameter_name = "facts"

    def lookups(self, request, model_admin):
        return [("recheck", NEEDS_RECHECK), ("fresh", "Checked recently")]

    def queryset(self, request, queryset):
        if self.value() == "recheck":
            return queryset.stale()
        if self.value() == "fresh":
            return queryset.fresh()
        return queryset


class MissingFactsFormSet(BaseInlineFormSet):
    """The extra rows come pre-filled with the facts this tool has no check for yet."""

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        checked = (
            set(FactCheck.objects.filter(tool=instance).values_list("fact", flat=True))
            if instance is not None and instance.pk
            else set()
        )
        kwargs.setdefault(
            "initial", [{"fact": fact} for fact in EVERY_TOOL_FACTS if fact not in checked]
        )
        super().__init__(*args, **kwargs)


def https_first(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class FactCheckForm(MergesConcurrentEdits):
    """A fact check row on the tool form: merged, not overwritten, if a colleague re-checked
    the fact meanwhile (core/merging.py)."""

    class Meta:
        model = FactCheck
        fields = ("fact", "basis", "checked_on", "source_url")
        formfield_callback = https_first

    def clean(self) -> dict:
        cleaned = super().clean()
        fact = cleaned.get("fact")
        tool_id = self.instance.tool_id
        # A colleague added this fact's check after the form was opened: one check per fact (the
        # database says so too), so this new row would fail on save.
        new = self.instance.pk is None and tool_id and fact and self.has_changed()
        if new and FactCheck.objects.filter(tool_id=tool_id, fact=fact).exists():
            self.add_error(
                "fact",
                "Someone added a check of this fact after you opened the form: it is listed "
                "above once you reload. Edit that one instead.",
            )
        return cleaned


class FactCheckInline(admin.StackedInline):
    """On the tool form: when each changing fact was last checked, where from, on whose word.
    Stacked, like the reviews: a table of four inputs is wider than a phone."""

    model = FactCheck
    form = FactCheckForm
    formset = MissingFactsFormSet
    fields = ("fact", "basis", "checked_on", "source_url")
    formfield_overrides = HTTPS_FIRST
    verbose_name = "fact check"
    verbose_name_plural = "Fact checks (when each fact was last checked, and where from)"

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        if obj is None or obj.pk is None:
            return len(EVERY_TOOL_FACTS)
        checked = set(obj.fact_checks.values_list("fact", flat=True))
        return len([fact for fact in EVERY_TOOL_FACTS if fact not in checked])


RECHECK_PAGE = 50


def due_checks() -> QuerySet:
    """Fact checks due again, the ones readers meet most first: the tool's community votes (the
    only measure of readers' attention the site keeps), then the oldest check."""
    engagement = Coalesce(F("tool__tally__ships"), 0) + Coalesce(F("tool__tally__skips"), 0)
    return (
        FactCheck.objects.stale()
        .select_related("tool", "tool__model_spec")
        .annotate(engagement=engagement)
        .order_by("-engagement", "checked_on", "pk")
    )


def fact_value(check: FactCheck) -> str:
    """What the page says for the checked fact, as the work list shows it."""
    parts = []
    for field in FACT_FIELDS.get(check.fact, []):
        target, _, name = field.rpartition(".")
        obj = getattr(check.tool, "model_spec", None) if target else check.tool
        if obj is None:
            continue
        value = getattr(obj, name)
        if value not in (None, ""):
            parts.append(shown_value(value))
    return " · ".join(parts) or "(nothing shown)"


def shown_value(value) -> str:
    """A fact's value as an editor reads it: prices in dollars without trailing zeros."""
    if value in (None, ""):
        return "(empty)"
    if isinstance(value, Decimal):
        return f"${value.normalize():f}"
    return str(value)


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    list_display = ("tool", "fact", "basis", "checked_on", "is_fresh_display", "source_url")
    list_filter = (StaleCheckFilter, "fact", "basis")
    list_select_related = ("tool",)
    search_fields = ("tool__name", "source_url")
    date_hierarchy = "checked_on"
    autocomplete_fields = ("tool",)
    actions = ["checked_today"]
    formfield_overrides = HTTPS_FIRST

    @admin.display(description="Fresh", boolean=True)
    def is_fresh_display(self, check: FactCheck) -> bool:
        """A green tick means checked recently, never "needs a re-check"."""
        return not check.is_stale

    def get_urls(self):
        return [
            path(
                "recheck/",
                self.admin_site.admin_view(self.recheck_view),
                name="trust_factcheck_recheck",
            ),
            *super().get_urls(),
        ]

    def recheck_view(self, request: HttpRequest) -> HttpResponse:
        """One row per fact due: its value, source and age, and one click to settle it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.recheck_one(request)
        checks = list(due_checks()[:RECHECK_PAGE])
        rows = [(check, fact_value(check), field_label(check)) for check in checks]
        context = {
            **self.admin_site.each_context(request),
            "title": "Facts to re-check",
            "opts": self.opts,
            "rows": rows,
            "total": FactCheck.objects.stale().count(),
            "stale_days": settings.FACT_STALE_DAYS,
            "may_edit_tools": request.user.has_perm("tools.change_tool"),
        }
        return TemplateResponse(request, "admin/trust/factcheck/recheck.html", context)

    def recheck_one(self, request: HttpRequest) -> HttpResponse:
        raw = request.POST.get("check", "")
        found = (
            FactCheck.objects.select_related("tool").filter(pk=int(raw)) if raw.isdigit() else []
        )
        check = next(iter(found), None)
        action = request.POST.get("action")
        if check is None or action not in ("still_true", "claim", "changed"):
            return HttpResponse("That fact check is gone, or the action is unknown.", status=400)
        if action == "changed":
            field = first_tool_field(check)
            if field is None or not request.user.has_perm("tools.change_tool"):
                raise PermissionDenied
            error = change_fact_value(check, field, request.POST.get("value", ""), request.user)
            if error:  # this form is a plain one (no htmx): the page comes back with the error
                self.message_user(request, error, messages.ERROR)
                return HttpResponseRedirect(request.path, status=303)
        basis = FactCheck.Basis.CLAIMED if action == "claim" else None
        mark_checked_today(checks=[check], basis=basis)
        if request.htmx:
            return HttpResponse(
                format_html(
                    '<tr><td colspan="5">{}: {} checked today.</td></tr>',
                    check.tool,
                    check.get_fact_display(),
                )
            )
        self.message_user(
            request, f"{check.tool}: {check.get_fact_display()} checked today.", messages.SUCCESS
        )
        return HttpResponseRedirect(request.path, status=303)

    @admin.action(description="Checked again today (same source)", permissions=["change"])
    def checked_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = mark_checked_today(checks=list(queryset))
        self.message_user(request, f"{count} fact check(s) dated today.", messages.SUCCESS)


# Who may decide what on a report: Moderators triage; deciding the fact needs the right to change
# the tool (Editors), because accepting changes it.
TRIAGE = (Correction.Status.NEW, Correction.Status.SPAM, Correction.Status.DUPLICATE)
DECIDE_PERMISSION = "tools.change_tool"


class CorrectionForm(forms.ModelForm):
    """A report's outcome. "Corrected" comes with the fix itself (which field, its new value),
    written in the same save; without one it is refused."""

    fix_field = forms.ChoiceField(
        label="Field to correct",
        required=False,
        help_text="Only with “Corrected”: the fix is saved on the tool with this report.",
    )
    fix_value = forms.CharField(
        label="Corrected value",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The value the page should show (prices in dollars per 1M tokens).",
    )

    class Meta:
        model = Correction
        fields = ("status", "reply", "public_summary")

    def __init__(self, *args, may_decide: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        report = self.instance
        self.fields["fix_field"].choices = [("", "---------")] + [
            (name, label_of(report, name)) for name in report.fields
        ]
        if not may_decide:
            self.fields["status"].choices = [
                (value, label) for value, label in Correction.Status.choices if value in TRIAGE
            ]
            del self.fields["fix_field"], self.fields["fix_value"]

    def clean(self) -> dict:
        cleaned = super().clean()
        field = cleaned.get("fix_field")
        typed = bool(field or (cleaned.get("fix_value") or "").strip())
        if "fix_field" in self.fields and typed and cleaned.get("status") != "accepted":
            self.add_error(
                "fix_field",
                "A fix is written only with “Corrected”: choose it, or clear the field and the "
                "value.",
            )
            return cleaned
        already = self.instance.status == Correction.Status.ACCEPTED
        if cleaned.get("status") != Correction.Status.ACCEPTED or (already and not typed):
            return cleaned
        if not field:
            self.add_error(
                "fix_field",
                "“Corrected” needs the fix: choose the field and type its corrected value (or "
                "choose “No change needed” if the page was right).",
            )
            return cleaned
        try:
            target, name = fix_target(self.instance, field)
            model_field = target._meta.get_field(name)
            text = (cleaned.get("fix_value") or "").strip()
            value = None if text == "" and model_field.null else model_field.clean(text, target)
        except ValidationError as error:
            self.add_error("fix_value", error)
            return cleaned
        if value == getattr(target, name):
            self.add_error(
                "fix_value",
                "That is what the page shows already: type the corrected value, or choose “No "
                "change needed”.",
            )
        return cleaned


def label_of(report: Correction, field: str) -> str:
    target, name = field.split(".", 1) if "." in field else ("", field)
    try:
        model = report.tool if not target else report.tool.model_spec
        verbose = model._meta.get_field(name).verbose_name
    except Exception:  # no model figures on this tool
        return name.replace("_", " ")
    return str(verbose)


def first_tool_field(check: FactCheck) -> str | None:
    """The tool field "changed" edits in the work list (imported model figures are not typed
    here: they come from the catalogue)."""
    fields = [f for f in FACT_FIELDS.get(check.fact, []) if "." not in f]
    return fields[0] if fields else None


def field_label(check: FactCheck) -> str:
    """What "changed" edits, as the row says it ("" when the value is not typed here)."""
    field = first_tool_field(check)
    return str(check.tool._meta.get_field(field).verbose_name) if field else ""


def change_fact_value(check: FactCheck, field: str, value: str, user) -> str:
    """Write a re-checked fact's new value on the tool; the error to show, or ""."""
    tool = check.tool
    model_field = tool._meta.get_field(field)
    try:
        new = model_field.clean(value.strip(), tool)
    except ValidationError as error:
        return f"{tool}: {' '.join(error.messages)}"
    setattr(tool, field, new)
    tool._change_reason = f"Re-checked {check.get_fact_display().lower()}: it had changed"
    tool._history_user = user
    tool.save()
    return ""


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Readers' reports. Moderators need only `trust.change_correction` (and view) to triage
    them (spam, duplicate); Editors decide the fact: "Corrected" with the fix, in one step, or
    "No change needed". What the reader wrote is never edited."""

    form = CorrectionForm
    list_display = ("created_at", "tool", "fact", "excerpt", "status", "handled_by", "handled_at")
    list_filter = ("status", "fact", "created_at")
    list_select_related = ("tool", "handled_by")
    search_fields = ("tool__name", "what_is_wrong", "email")
    date_hierarchy = "created_at"
    readonly_fields = (
        "tool",
        "fact",
        "what_is_wrong",
        "source_url",
        "email",
        "current_value",
        "created_at",
        "fix",
        "handled_by",
        "handled_at",
    )
    actions = ["mark_spam", "mark_duplicate", "no_change_needed"]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        decide = ("status", "fix_field", "fix_value", "reply", "public_summary")
        if not self.may_decide(request):
            decide = ("status", "reply")
        return (
            (
                "The report",
                {
                    "fields": (
                        "tool",
                        "fact",
                        "current_value",
                        "what_is_wrong",
                        "source_url",
                        "email",
                    )
                },
            ),
            ("What the editors did", {"fields": (*decide, "fix", "handled_by", "handled_at")}),
            ("When", {"fields": ("created_at",)}),
        )

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        may_decide = self.may_decide(request)

        class Form(form):
            def __init__(self, *args, **inner) -> None:
                super().__init__(*args, may_decide=may_decide, **inner)

        return Form

    @staticmethod
    def may_decide(request: HttpRequest) -> bool:
        return request.user.has_perm(DECIDE_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from readers, through the form

    @admin.display(description="What is wrong")
    def excerpt(self, correction: Correction) -> str:
        text = " ".join(correction.what_is_wrong.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description="What the page shows now")
    def current_value(self, correction: Correction) -> str:
        lines = []
        for field in correction.fields:
            try:
                target, name = fix_target(correction, field)
            except ValidationError:
                continue
            lines.append((label_of(correction, field), shown_value(getattr(target, name))))
        return format_html_join(format_html("<br>"), "{}: {}", lines)

    @admin.display(description="Fix")
    def fix(self, correction: Correction) -> str:
        if not correction.fixed_field:
            return "–"
        return format_html(
            "{}: “{}” → “{}”",
            correction.fixed_field,
            correction.fixed_before or "(empty)",
            correction.fixed_after or "(empty)",
        )

    def save_model(self, request: HttpRequest, obj: Correction, form, change: bool) -> None:
        status = form.cleaned_data["status"]
        reply = form.cleaned_data.get("reply")
        if status == Correction.Status.ACCEPTED and form.cleaned_data.get("fix_field"):
            # Newly corrected, or a further fix of a report already corrected.
            fix_and_accept(
                correction=obj,
                field=form.cleaned_data["fix_field"],
                value=form.cleaned_data.get("fix_value") or "",
                editor=request.user,
                reply=reply,
            )
        elif "status" not in form.changed_data:
            obj.save()
        else:
            handle_correction(correction=obj, status=status, editor=request.user, reply=reply)

    def _handle(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        count = 0
        for correction in queryset.exclude(status=status):
            handle_correction(correction=correction, status=status, editor=request.user)
            count += 1
        label = Correction.Status(status).label.lower()
        self.message_user(request, f"{count} report(s) marked “{label}”.", messages.SUCCESS)

    @admin.action(description="Spam (no reply, nothing public)", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._handle(request, queryset, Correction.Status.SPAM)

    @admin.action(description="Duplicate of another report", permissions=["change"])
    def mark_duplicate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._handle(request, queryset, Correction.Status.DUPLICATE)

    @admin.action(description="No change needed (the page was right)", permissions=["decide"])
    def no_change_needed(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._handle(request, queryset, Correction.Status.NO_CHANGE)

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return self.may_decide(request)


@today.work("Open reports of errors", permission="trust.change_correction", order=30)
def open_reports(request) -> today.Work:
    waiting = Correction.objects.filter(status=Correction.Status.NEW)
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    days = (timezone.now() - oldest).days if oldest else None
    detail = "" if days is None else f"oldest {days} day{'s' if days != 1 else ''}"
    url = reverse("admin:trust_correction_changelist") + "?status__exact=new"
    return today.Work(waiting.count(), url, detail)


@today.work("Facts due for a re-check", permission="trust.change_factcheck", order=40)
def facts_due(request) -> today.Work:
    count = FactCheck.objects.stale().count()
    detail = f"checked over {settings.FACT_STALE_DAYS} days ago; most-read tools first"
    return today.Work(count, reverse("admin:trust_factcheck_recheck"), detail)
