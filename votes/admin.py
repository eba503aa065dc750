from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from core import today
from votes.models import Bookmark, Visitor, Vote, VoteAlert
from votes.moderation import (
    BURST_DAYS,
    CLUSTER_HOURS,
    bursts_of,
    clusters,
    parse_burst_key,
    parse_cluster_key,
    recent_activity,
    votes_in_bursts,
    votes_in_cluster,
)
from votes.services import remove_votes, set_held
from votes.tally import CommunityTally, read_tally

MODERATE = "votes.moderate_votes"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Community data is written by visitors only; editors look, moderators may delete votes."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("tool", "value", "visitor", "created_at", "address", "browser")
    list_filter = ("value", "tool__category", "created_at", "tool")
    list_select_related = ("tool", "visitor", "visitor__user")
    search_fields = ("tool__name", "tool__slug", "=address_hash")
    date_hierarchy = "created_at"
    actions = ["remove_selected_votes"]

    # Moderators (the votes.moderate_votes permission, e.g. a Moderators group) see and remove
    # votes without the model's own view and delete permissions.
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(MODERATE)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) or request.user.has_perm(MODERATE)

    @admin.display(description="Address hash")
    def address(self, vote: Vote) -> str:
        return vote.address_hash[:12]

    @admin.display(description="Browser hash")
    def browser(self, vote: Vote) -> str:
        return vote.agent_hash[:12]

    @admin.action(description="Remove selected votes (figures and pages follow at once)")
    def remove_selected_votes(self, request: HttpRequest, queryset) -> None:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        removed = self._remove(request, list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Removed {removed} vote{'s' if removed != 1 else ''}.")

    def _remove(self, request: HttpRequest, vote_ids: list[int]) -> int:
        """Remove these votes, keeping in the admin log who removed which."""
        self.log_deletions(request, Vote.objects.filter(pk__in=vote_ids))
        return remove_votes(vote_ids=vote_ids)

    def get_urls(self):
        return [
            path(
                "moderation/",
                self.admin_site.admin_view(self.moderation_view),
                name="votes_vote_moderation",
            ),
            *super().get_urls(),
        ]

    def moderation_view(self, request: HttpRequest) -> HttpResponse:
        """Tools by votes in the last hour and day against their usual rate; for one tool, its
        bursts, removable together in one POST."""
        if not request.user.has_perm(MODERATE):
            raise PermissionDenied
        tool = self._tool(request.POST.get("tool") or request.GET.get("tool"))
        if request.method == "POST" and "cluster" in request.POST:
            return self._act_on_cluster(request)
        if request.method == "POST":
            return self._remove_bursts(request, tool)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Vote moderation",
            "activity": recent_activity(),
            "tool": tool,
            "burst_days": BURST_DAYS,
            "burst_minimum": settings.VOTE_BURST_MINIMUM,
            "clusters": clusters(),
            "cluster_hours": CLUSTER_HOURS,
            "cluster_minimum": settings.VOTE_CLUSTER_MINIMUM,
            "cluster_gap": settings.VOTE_CLUSTER_GAP_MINUTES,
            "alerts": VoteAlert.objects.filter(
                created_at__gte=timezone.now() - timezone.timedelta(days=1)
            ).select_related("tool"),
        }
        if tool is not None:
            context["bursts"] = bursts_of(tool.pk)
            context["community"] = CommunityTally(*read_tally(tool.pk))
            changelist = reverse("admin:votes_vote_changelist")
            context["votes_url"] = f"{changelist}?{urlencode({'tool__id__exact': tool.pk})}"
        return TemplateResponse(request, "admin/votes/moderation.html", context)

    def _tool(self, raw: str | None):
        tools = Vote._meta.get_field("tool").related_model.objects
        if not raw or not raw.isdigit():
            return None
        return tools.filter(pk=int(raw)).only("pk", "name", "slug").first()

    def _act_on_cluster(self, request: HttpRequest) -> HttpResponse:
        """Hold, clear or remove one cluster's votes: one click, whatever its size."""
        here = HttpResponseRedirect(reverse("admin:votes_vote_moderation"), status=303)
        found = parse_cluster_key(request.POST.get("cluster", ""))
        action = request.POST.get("do")
        if found is None or action not in ("hold", "clear", "remove"):
            self.message_user(request, "That cluster is not one this page listed.", messages.ERROR)
            return here
        tool_id = found[0]
        votes = votes_in_cluster(*found)
        if action == "remove":
            # Only once held (the page offers Remove then): a click that cannot be undone comes
            # after one that can.
            ids = list(votes.filter(held=True).values_list("pk", flat=True))
            count = self._remove(request, ids)
            done = f"Removed {count} held vote{'s' if count != 1 else ''}"
        else:
            count = set_held(votes, tool_id=tool_id, held=action == "hold")
            verb = "Held" if action == "hold" else "Put back"
            done = f"{verb} {count} vote{'s' if count != 1 else ''}"
        community = CommunityTally(*read_tally(tool_id))
        self.message_user(request, f"{done}. Community now: {community}.", messages.SUCCESS)
        return here

    def _remove_bursts(self, request: HttpRequest, tool) -> HttpResponse:
        here = reverse("admin:votes_vote_moderation")
        if tool is None:
            self.message_user(request, "Choose a tool first.", messages.ERROR)
            return HttpResponseRedirect(here, status=303)
        back = HttpResponseRedirect(f"{here}?{urlencode({'tool': tool.pk})}", status=303)
        chosen = [parse_burst_key(key) for key in request.POST.getlist("burst")]
        if not chosen or None in chosen:
            self.message_user(request, "Select one or more bursts to remove.", messages.ERROR)
            return back
        removed = self._remove(request, votes_in_bursts(tool.pk, chosen))
        community = CommunityTally(*read_tally(tool.pk))
        self.message_user(
            request,
            f"Removed {removed} vote{'s' if removed != 1 else ''} on {tool.name} from "
            f"{len(chosen)} burst{'s' if len(chosen) != 1 else ''}. Community now: {community}.",
        )
        return back


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    list_display = ("tool", "visitor", "created_at")
    list_filter = ("tool__category", "created_at")
    list_select_related = ("tool", "visitor", "visitor__user")
    search_fields = ("tool__name",)
    date_hierarchy = "created_at"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username",)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@today.work("Vote spikes and clusters in the last day", permission=MODERATE, order=50)
def spikes_and_clusters(request) -> today.Work:
    alerts = VoteAlert.objects.filter(created_at__gte=timezone.now() - timezone.timedelta(days=1))
    found = clusters()
    waiting = [cluster for cluster in found if cluster.held < cluster.votes]
    detail = f"{alerts.count()} spike alert(s); {len(waiting)} cluster(s) still counted"
    return today.Work(len(found), reverse("admin:votes_vote_moderation") + "#clusters", detail)
