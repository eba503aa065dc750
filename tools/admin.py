from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core import today
from core.admin import (
    AtomicRevert,
    CatalogueImportExport,
    DeletedOnlyBySuperusers,
    KeepsEveryonesWork,
    NoBulkDeleteUnlessSuperuser,
)
from core.merging import MergesConcurrentEdits
from core.publishing import Status
from modelspecs.admin import ModelSpecInline
from modelspecs.models import CatalogueChange
from tools.compare import canonical_pair
from tools.editing import changes_since, lock_tool, now_stamp, parse_stamp
from tools.models import Category, Tool
from tools.resources import ToolResource
from tools.staging import approve, derived_pricing, reject
from tools.timeline import timeline
from trust.admin import FactCheckInline, NeedsRecheckFilter
from trust.models import Correction
from verdicts.forms import ReviewForm
from verdicts.models import Review, Reviewer
from verdicts.panel import VERDICT_LABELS
from verdicts.resources import ReviewResource


def active_reviewers(request: HttpRequest) -> list[Reviewer]:
    """The active panel, fetched once per admin request however many forms ask."""
    if not hasattr(request, "_active_reviewers"):
        request._active_reviewers = list(Reviewer.objects.filter(is_active=True))
    return request._active_reviewers


class StaleFormCheck(MergesConcurrentEdits):
    """Merges or refuses a save from a form opened before someone else's save (core/merging.py),
    naming who changed what since (tools/editing.py)."""

    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["opened_at"] = now_stamp()

    def conflicts(self, opened) -> list[str]:
        raise NotImplementedError

    def changed_elsewhere(self) -> list[str]:
        opened = parse_stamp(self.data.get(self.add_prefix("opened_at")))
        if opened is None:
            return ["the form does not say when it was opened"]
        return self.conflicts(opened)

    def refusal_message(self, merge, elsewhere: list[str]):
        # Shown again merged and with a new time: saving once more is a choice made knowing
        # what changed, and overwrites only the fields this editor changed.
        self.data = self.data.copy()
        self.data[self.add_prefix("opened_at")] = now_stamp()
        if merge.gone or not elsewhere:
            return super().refusal_message(merge, elsewhere)
        fields = [str(self.fields[name].label or name).lower() for name in merge.theirs]
        return format_html(
            "Not saved: this was changed after you opened it. {} {}Their changes are now on "
            "the form{}; your other input is as you left it. Check it, then save again.",
            format_html(
                "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in elsewhere))
            ),
            format_html("Changed here: {}. ", ", ".join(fields)) if fields else "",
            "; where you both changed a field, both versions are shown under it"
            if merge.clashes
            else "",
        )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label="Publish time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Site time. The tools go live then, and not before.",
    )

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if when <= timezone.now():
            raise ValidationError("Pick a time in the future (to publish now, use Publish now).")
        return when


class ToolForm(StaleFormCheck):
    class Meta:
        model = Tool
        fields = (
            *("status", "published_at", "name", "slug", "maker", "category", "tagline"),
            *("description", "website", "pricing_model", "entry_price", "pricing_details"),
            *("licence", "release_date"),
        )

    def lock(self) -> None:
        lock_tool(self.instance.pk)

    def conflicts(self, opened) -> list[str]:
        return changes_since(self.instance.pk, opened)


class PanelFormSet(BaseInlineFormSet):
    """The tool's reviews: rows left as they were offered are not saved, and one critic gets
    one review, said on the row in the first submit."""

    def clean(self) -> None:
        super().clean()
        seen: dict[str, int] = {}
        for index, form in enumerate(self.forms, start=1):
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and form.instance.pk is None:
                continue
            reviewer = form.data.get(form.add_prefix("reviewer")) or ""
            if not reviewer:
                continue
            if reviewer in seen:
                form.add_error(
                    "reviewer",
                    f"This critic already has a review in row {seen[reviewer]}: one review "
                    "per critic.",
                )
            else:
                seen[reviewer] = index


class ReviewInline(DeletedOnlyBySuperusers, admin.StackedInline):
    """The tool's panel: one row per reviewer, pre-filled for reviewers who have not written yet.

    A pre-filled row left untouched is ignored on save: a tool may have 0 to N reviews, and a
    critic added to the panel never blocks a save.
    """

    model = Review
    form = ReviewForm
    formset = PanelFormSet
    fields = ReviewForm.Meta.fields
    extra = 0
    min_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("reviewer")

    def get_extra(self, request: HttpRequest, obj: Tool | None = None, **kwargs) -> int:
        return len(missing_reviewers(request, obj))

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "reviewer":
            # Every inline row would otherwise run its own query for the reviewer <select>.
            choices = [("", "---------")] + [(r.pk, str(r)) for r in all_reviewers(request)]
            field.choices = choices
            inner_widget = getattr(field.widget, "widget", None)
            if inner_widget is not None:
                inner_widget.choices = choices
        return field


def all_reviewers(request: HttpRequest) -> list[Reviewer]:
    if not hasattr(request, "_all_reviewers"):
        request._all_reviewers = list(Reviewer.objects.all())
    return request._all_reviewers


def missing_reviewers(request: HttpRequest, tool: Tool | None) -> list[Reviewer]:
    if tool is None or tool.pk is None:
        return active_reviewers(request)
    if not hasattr(request, "_reviewed_by"):
        request._reviewed_by = set(tool.reviews.values_list("reviewer_id", flat=True))
    return [r for r in active_reviewers(request) if r.pk not in request._reviewed_by]


class PanelVerdictFilter(admin.SimpleListFilter):
    title = "panel verdict"
    parameter_name = "panel"

    def lookups(self, request, model_admin):
        return list(VERDICT_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in VERDICT_LABELS:
            return queryset.filter(panel_verdict=self.value())
        return queryset


class StateFilter(admin.SimpleListFilter):
    """Draft, scheduled (not yet due) or published (live): what visitors see, by the clock."""

    title = "state"
    parameter_name = "state"

    WEEK = "week"

    def lookups(self, request, model_admin):
        return [
            *[(value, label) for value, label in Status.choices],
            (self.WEEK, "Scheduled in the next 7 days"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == self.WEEK:
            return queryset.exclude(status=Status.DRAFT).filter(
                published_at__gt=now, published_at__lte=now + timezone.timedelta(days=7)
            )
        if self.value() == Status.DRAFT:
            return queryset.filter(status=Status.DRAFT)
        if self.value() == Status.SCHEDULED:
            return queryset.exclude(status=Status.DRAFT).filter(published_at__gt=now)
        if self.value() == Status.PUBLISHED:
            return queryset.exclude(status=Status.DRAFT).filter(published_at__lte=now)
        return queryset


@admin.register(Category)
class CategoryAdmin(NoBulkDeleteUnlessSuperuser, admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    ordering = ("order", "name")


@admin.register(Tool)
class ToolAdmin(
    KeepsEveryonesWork,
    AtomicRevert,
    NoBulkDeleteUnlessSuperuser,
    CatalogueImportExport,
    SimpleHistoryAdmin,
):
    resource_classes = [ToolResource]
    form = ToolForm
    inlines = [ReviewInline, FactCheckInline, ModelSpecInline]
    list_display = (
        "name",
        "category",
        "panel_summary",
        "panel_ship_percent_display",
        "panel_average_display",
        "community_display",
        "state_display",
        "updated_at",
    )
    list_filter = (StateFilter, "category", PanelVerdictFilter, "pricing_model", NeedsRecheckFilter)
    list_select_related = ("category",)
    search_fields = ("name", "slug", "maker", "tagline")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"
    readonly_fields = ("on_the_site", "open_reports", "created_at", "updated_at")
    autocomplete_fields = ("category",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ("publish_now", "schedule", "make_draft")
    fieldsets = (
        (
            "Publishing",
            {"fields": ("status", "published_at", "on_the_site", "open_reports", "opened_at")},
        ),
        (
            None,
            {"fields": ("name", "slug", "maker", "category", "tagline", "description", "website")},
        ),
        (
            "Pricing and licence",
            {"fields": ("pricing_model", "entry_price", "pricing_details", "licence")},
        ),
        ("Dates", {"fields": ("release_date", "created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_panel_summary().with_community_tally()

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """One dated history of the tool and everything on its page (tools/timeline.py)."""
        tool = self.get_object(request, object_id)
        if tool is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, tool):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {tool}",
            "subtitle": None,
            "opts": self.opts,
            "object": tool,
            "entries": timeline(tool),
            "may_revert": self.has_change_permission(request, tool),
        }
        return TemplateResponse(request, "admin/tools/tool/timeline.html", context)

    def get_readonly_fields(self, request: HttpRequest, obj: Tool | None = None):
        fields = super().get_readonly_fields(request, obj)
        spec = getattr(obj, "model_spec", None) if obj is not None and obj.pk else None
        if spec is not None and derived_pricing(spec) is not None:
            # Written from the model's figures (tools/staging.py): the page cannot contradict
            # itself. A price change comes with a catalogue change to approve.
            fields = (*fields, "entry_price", "pricing_details")
        return fields

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ReviewInline):
            # On the submit too: a pre-filled row the editor left alone then counts as
            # unchanged, and is not saved (or required).
            kwargs["initial"] = [{"reviewer": r.pk} for r in missing_reviewers(request, obj)]
        return kwargs

    def save_formset(self, request, form, formset, change) -> None:
        for review_form in formset.forms:
            review_form.instance._changed_by = request.user
        super().save_formset(request, form, formset, change)

    def response_add(self, request: HttpRequest, obj: Tool, post_url_continue=None):
        if "_viewonsite" in request.POST:
            self.message_user(request, f"Saved “{obj}”.", messages.SUCCESS)
            return redirect(self.view_on_site(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Tool):
        if "_viewonsite" in request.POST:
            self.message_user(request, f"Saved “{obj}”.", messages.SUCCESS)
            return redirect(self.view_on_site(obj))
        return super().response_change(request, obj)

    def view_on_site(self, tool: Tool) -> str:
        """The live page, or the staff preview while the tool is a draft or scheduled."""
        if tool.is_live:
            return tool.get_absolute_url()
        return reverse("preview_tool", args=[tool.slug])

    @admin.display(description="On the site")
    def on_the_site(self, tool: Tool) -> str:
        if tool.pk is None:
            return "Save the draft to preview it."
        rivals = list(
            Tool.objects.filter(category_id=tool.category_id)
            .exclude(pk=tool.pk)
            .order_by("name")
            .values_list("slug", "name")[:4]
        )
        compare_links = format_html_join(
            ", ",
            '<a href="{}">vs {}</a>',
            (
                (reverse("preview_compare", args=[canonical_pair([tool.slug, slug])]), name)
                for slug, name in rivals
            ),
        )
        live = (
            format_html('<a href="{}">Live page</a> · ', tool.get_absolute_url())
            if tool.is_live
            else format_html("<strong>{}</strong> (visitors get 404) · ", tool.state)
        )
        return format_html(
            '{}<a href="{}">Preview</a> (drafts included) · preview compared: {} · Panel: {}',
            live,
            reverse("preview_tool", args=[tool.slug]),
            compare_links or "no other tool in its category",
            str(tool.panel),
        )

    @admin.display(description="Open reports")
    def open_reports(self, tool: Tool) -> str:
        """Readers' reports of errors on this tool still waiting for a decision."""
        if tool.pk is None:
            return "–"
        reports = tool.corrections.filter(status=Correction.Status.NEW).order_by("created_at")
        lines = [
            (
                reverse("admin:trust_correction_change", args=[report.pk]),
                report.get_fact_display(),
                report.what_is_wrong[:200],
            )
            for report in reports[:10]
        ]
        if not lines:
            return "None"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>: {}</li>', lines)
        )

    @admin.display(description="State", ordering="published_at")
    def state_display(self, tool: Tool) -> str:
        if tool.state == Status.SCHEDULED.label:
            return f"Scheduled: {timezone.localtime(tool.published_at):%d %b %Y %H:%M}"
        return tool.state

    @admin.action(description="Publish now", permissions=["change"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for tool in queryset:
            tool.status, tool.published_at = Status.PUBLISHED, timezone.now()
            tool.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, f"Published {count} tool(s).", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def make_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for tool in queryset:
            tool.status = Status.DRAFT
            tool.save(update_fields=["status", "updated_at"])
            count += 1
        self.message_user(request, f"Moved {count} tool(s) back to draft.", messages.SUCCESS)

    @admin.action(description="Schedule…", permissions=["change"])
    def schedule(self, request: HttpRequest, queryset: QuerySet):
        """Asks for a publish time (a second page), then schedules every selected tool."""
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            when = form.cleaned_data["publish_at"]
            for tool in queryset:
                tool.status, tool.published_at = Status.SCHEDULED, when
                tool.save(update_fields=["status", "published_at", "updated_at"])
            self.message_user(
                request,
                f"Scheduled {queryset.count()} tool(s) for "
                f"{timezone.localtime(when):%d %b %Y %H:%M}.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule tools",
            "tools": queryset,
            "form": form,
            "opts": self.opts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tools/tool/schedule.html", context)

    @admin.display(description="Panel", ordering="panel_verdict")
    def panel_summary(self, tool: Tool) -> str:
        return str(tool.panel)

    @admin.display(description="Panel ship", ordering="panel_ship_percent")
    def panel_ship_percent_display(self, tool: Tool) -> str:
        percent = tool.panel.ship_percent
        return "–" if percent is None else f"{percent}%"

    @admin.display(description="Avg score", ordering="panel_average_score")
    def panel_average_display(self, tool: Tool) -> str:
        return tool.panel.average_display

    @admin.display(description="Community")
    def community_display(self, tool: Tool) -> str:
        return str(tool.community)


class ReviewAdminForm(ReviewForm, StaleFormCheck):
    class Meta(ReviewForm.Meta):
        fields = ("tool", *ReviewForm.Meta.fields)

    def lock(self) -> None:
        lock_tool(self.instance.tool_id)

    def conflicts(self, opened) -> list[str]:
        return changes_since(self.instance.tool_id, opened, review_pk=self.instance.pk)


@admin.register(Review)
class ReviewAdmin(
    KeepsEveryonesWork,
    AtomicRevert,
    DeletedOnlyBySuperusers,
    CatalogueImportExport,
    SimpleHistoryAdmin,
):
    """A review alone; retired by making it a draft (only superusers delete)."""

    resource_classes = [ReviewResource]
    form = ReviewAdminForm
    list_display = ("tool", "reviewer", "score", "verdict", "state_display", "published_at")
    list_filter = (StateFilter, "reviewer", "verdict", "tool__category")
    list_select_related = ("tool", "reviewer")
    search_fields = ("tool__name", "body")
    date_hierarchy = "published_at"
    autocomplete_fields = ("tool",)
    readonly_fields = ("created_at", "updated_at")
    fields = (*ReviewAdminForm.Meta.fields, "opened_at", "created_at", "updated_at")

    def save_model(self, request, obj, form, change) -> None:
        obj._changed_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="State", ordering="published_at")
    def state_display(self, review: Review) -> str:
        return review.state


class PendingFirstFilter(admin.SimpleListFilter):
    """Opens on the changes waiting for an editor; decided ones are a click away."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*CatalogueChange.Status.choices, ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or CatalogueChange.Status.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value() or CatalogueChange.Status.PENDING)


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(admin.ModelAdmin):
    """A newer models.dev snapshot's figures for known models: nothing reaches readers until an
    editor approves them here (tools/staging.py). Approve or reject many at once."""

    list_display = ("tool_link", "what_changes", "on_the_site", "source", "created_at", "status")
    list_display_links = None  # the tool's name links to the tool; nothing here is edited
    list_filter = (PendingFirstFilter, "source")
    list_select_related = ("spec__tool", "decided_by")
    search_fields = ("spec__model_id", "spec__tool__name")
    actions = ("approve_selected", "reject_selected")
    fields = (
        *("tool_link", "what_changes", "source", "taken_on", "status", "decided_by"),
        "decided_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only an import stages a change

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # rejected, not deleted: the next import of the same figures stays quiet

    @admin.display(description="Model", ordering="spec__tool__name")
    def tool_link(self, change: CatalogueChange) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:tools_tool_change", args=[change.spec.tool_id]),
            change.spec.tool.name,
        )

    @admin.display(description="Before → after")
    def what_changes(self, change: CatalogueChange) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((line,) for line in change.summary().split("; "))),
        )

    @admin.display(description="Readers see")
    def on_the_site(self, change: CatalogueChange) -> str:
        tool = change.spec.tool
        return "live" if tool.is_live else tool.state.lower()

    @admin.action(
        description="Approve selected changes (readers see them at once)", permissions=["change"]
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        changes = list(queryset)
        done = sum(approve(change, request.user) for change in changes)
        skipped = len(changes) - done
        self.message_user(
            request,
            f"Approved {done} change(s): the figures, prices and pages are updated."
            + (f" {skipped} were decided already." if skipped else ""),
            messages.SUCCESS,
        )

    @admin.action(
        description="Reject selected changes (keep the figures readers see)", permissions=["change"]
    )
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = sum(reject(change, request.user) for change in queryset)
        self.message_user(request, f"Rejected {done} change(s).", messages.SUCCESS)


@today.work("Drafts", permission="tools.view_tool", order=10)
def drafts(request) -> today.Work:
    count = Tool.objects.filter(status=Status.DRAFT).count()
    return today.Work(count, reverse("admin:tools_tool_changelist") + "?state=draft")


@today.work("Scheduled in the next 7 days", permission="tools.view_tool", order=20)
def scheduled(request) -> today.Work:
    now = timezone.now()
    due = Tool.objects.exclude(status=Status.DRAFT).filter(
        published_at__gt=now, published_at__lte=now + timezone.timedelta(days=7)
    )
    first = due.order_by("published_at").values_list("published_at", flat=True).first()
    detail = f"next {timezone.localtime(first):%a %d %b %H:%M}" if first else ""
    url = reverse("admin:tools_tool_changelist") + "?state=week"
    return today.Work(due.count(), url, detail)


@today.work("Catalogue changes waiting", permission="modelspecs.view_cataloguechange", order=60)
def catalogue_changes(request) -> today.Work:
    pending = CatalogueChange.objects.filter(status=CatalogueChange.Status.PENDING)
    url = reverse("admin:modelspecs_cataloguechange_changelist")
    return today.Work(pending.count(), url, "new prices and limits readers do not see yet")
