from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from core.ratelimit import check_rate
from core.views import not_found
from trust.forms import CorrectionForm
from trust.models import Correction
from trust.services import report_error

TOO_MANY_MESSAGE = (
    "That's a lot of reports from your connection in a short time. Nothing was sent: "
    "please try again in an hour."
)


def published_tool(slug: str):
    """The published tool called `slug`, or None (tools sit above this app: no import)."""
    tool_model = Correction._meta.get_field("tool").related_model
    return tool_model.objects.published().filter(slug=slug).only("pk", "name", "slug").first()


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def show_form(
    request: HttpRequest, tool, form: CorrectionForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    """The form (with its errors, if any): the page, or for htmx the form alone."""
    context = {"tool": tool, "form": form, "refusal": refusal}
    template = "trust/report.html#report-form" if request.htmx else "trust/report.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """Report an error in a tool's page. Not a cached page: the tool page links here."""
    tool = published_tool(slug)
    if tool is None:
        return not_found(request, reason=f"We have no tool called “{slug}”.")
    if request.method != "POST":
        fact = request.GET.get("fact", "")
        initial = {"fact": fact} if fact in dict(Correction.FACT_CHOICES) else {}
        return show_form(request, tool, CorrectionForm(initial=initial))
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return show_form(request, tool, form, status=400)
    refusal = check_rate(request, "correction", None)
    if refusal:
        message = TOO_MANY_MESSAGE if refusal.status == 429 else refusal.message
        return show_form(request, tool, form, status=refusal.status, refusal=message)
    report_error(tool_id=tool.pk, **form.cleaned_data)
    if request.htmx:
        return render(request, "trust/report.html#report-done", {"tool": tool})
    return see_other(reverse("trust:report_thanks", args=[tool.slug]))


@require_safe
def report_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """Where the form lands without JavaScript."""
    tool = published_tool(slug)
    if tool is None:
        return not_found(request, reason=f"We have no tool called “{slug}”.")
    return render(request, "trust/report_thanks.html", {"tool": tool})
