from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.ratelimit import check_rate
from newsletter import services, tokens
from newsletter.forms import SubscribeForm
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)

SENT_MESSAGE = "Check your inbox: we've sent a link to confirm your subscription."
TOO_MANY_MESSAGE = (
    "That's a lot of sign-ups from your connection in a short time. Please try again later."
)
MAIL_DOWN_MESSAGE = (
    "We couldn't send the confirmation email just now. Please try again in a few minutes."
)
INVALID_LINK = (
    "This link doesn't work. Perhaps only part of it was copied: open it straight from the "
    "email, or sign up again below."
)
EXPIRED_LINK = (
    "This confirmation link has expired: links work for {days} days. Sign up again below and "
    "we'll send a fresh one."
)


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def safe_next(request: HttpRequest, value: str) -> str:
    """`value` if it is a page of this site worth going back to, else ''."""
    if value.startswith("/newsletter/"):
        return ""  # the sign-up or a link page: nothing to go back to
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@require_safe
def signup(request: HttpRequest) -> HttpResponse:
    """The newsletter's own page: what you get, and the form."""
    return render(request, "newsletter/signup.html")


def refuse_signup(request: HttpRequest, message: str, email: str, status: int) -> HttpResponse:
    """The form again, with `message` under the field; nothing was stored or sent."""
    # The message shows under the field (and goes to the screen-reader announcer for htmx),
    # so no flash toast repeats it.
    context = {"newsletter_error": message, "newsletter_email": email[:254]}
    if request.htmx:
        return render(
            request,
            "newsletter/subscribe_response.html",
            {**context, "message": message},
            status=status,
        )
    return render(request, "newsletter/signup.html", context, status=status)


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    typed = request.POST.get("email", "")
    if not form.is_valid():
        return refuse_signup(request, form.errors["email"][0], typed, status=400)
    refusal = check_rate(request, "subscribe", None)
    if refusal:
        message = TOO_MANY_MESSAGE if refusal.status == 429 else refusal.message
        return refuse_signup(request, message, typed, status=refusal.status)
    email = services.normalise_email(form.cleaned_data["email"])
    try:
        services.subscribe(email=email)
    except OSError:  # smtplib's errors are OSErrors too
        logger.exception("could not send a confirmation email")
        return refuse_signup(request, MAIL_DOWN_MESSAGE, typed, status=503)

    if request.htmx:
        context = {"newsletter_done": True, "newsletter_email": email, "message": SENT_MESSAGE}
        return render(request, "newsletter/subscribe_response.html", context)
    next_path = safe_next(request, request.POST.get("next", ""))
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    return see_other(reverse("newsletter:check_inbox") + query)


@require_safe
def check_inbox(request: HttpRequest) -> HttpResponse:
    """Where the form lands without JavaScript."""
    back = safe_next(request, request.GET.get("next", ""))
    return render(request, "newsletter/check_inbox.html", {"back": back})


def link_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "newsletter/link_problem.html", {"problem": message}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; its POST confirms. A GET never confirms: mail scanners open links."""
    try:
        subscriber_id = tokens.subscriber_id_from_confirm(token)
    except tokens.LinkInvalid:
        return link_problem(request, INVALID_LINK, status=400)
    except tokens.LinkExpired as expired:
        subscriber = Subscriber.objects.filter(pk=expired.subscriber_id).first()
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
            message = EXPIRED_LINK.format(days=tokens.CONFIRM_MAX_AGE.days)
            return link_problem(request, message, status=410)
        subscriber_id = subscriber.pk  # an old link of someone who is in: tell them so
    if request.method == "POST":
        subscriber = services.confirm(subscriber_id=subscriber_id)
        if subscriber is not None:
            return see_other(request.path)
    else:
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return link_problem(request, INVALID_LINK, status=400)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs carry no cookie
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; its POST (or a mail client's one-click POST) unsubscribes."""
    try:
        subscriber_id = tokens.subscriber_id_from_unsubscribe(token)
    except tokens.LinkInvalid:
        return link_problem(request, INVALID_LINK, status=400)
    if request.method == "POST":
        subscriber = services.unsubscribe(subscriber_id=subscriber_id)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("You are unsubscribed.\n", content_type="text/plain; charset=utf-8")
        if subscriber is not None:
            return see_other(request.path)
    else:
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    # None: erased on request after the email went out; the page says there is nothing to do.
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
