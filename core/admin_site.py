"""The admin site: Django's, plus a second factor for staff (django-otp) and a per-address rate
limit on sign-in attempts, counted before a password or code is checked.

Who needs the second factor (a TOTP app; ten single-use recovery codes as the fallback):

- a superuser, always: without one, every admin page leads to setting one up;
- other staff (editors) too while STAFF_2FA_REQUIRED is on (the default in production); with
  it off they may use the admin without one and see a prompt to set one up on every page;
- anyone who has set one up: it is asked for after the password at every sign-in.

Django's own admin views check `has_permission`, which says no until the second factor is
given; the sign-in page then sends the visitor on to the second factor page. Setting one up
needs an enrolment link (`enrolment_link`) handed over out of band: a password alone never
shows the key, so whoever signs in first cannot claim the account.
"""

from __future__ import annotations

import base64
import enum
import logging
import textwrap
from functools import wraps

import django_otp
import qrcode
import qrcode.image.svg
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_login_failed
from django.core.signing import BadSignature, TimestampSigner
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import get_usage
from simple_history.models import HistoricalRecords

from core import today
from core.ratelimit import Refusal, check_rate

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
# Shown once, on the page after they were made, then forgotten.
RECOVERY_CODES_SESSION_KEY = "recovery_codes"


class SecondFactor(enum.Enum):
    NOT_STAFF = "not staff"
    GIVEN = "given"  # verified in this session
    ASKED = "asked"  # has a device: must give a code
    MUST_SET_UP = "must set up"
    MAY_SET_UP = "may set up"  # an editor while STAFF_2FA_REQUIRED is off


def second_factor(request: HttpRequest) -> SecondFactor:
    """Where the signed-in user stands; worked out once per request (the admin asks often)."""
    if not hasattr(request, "_second_factor"):
        request._second_factor = _second_factor(request)
    return request._second_factor


def staff_may_enter(request: HttpRequest) -> bool:
    """Whether a staff member may see staff-only pages (the admin, previews of drafts): signed
    in with their second factor, or without one where it is not yet required of them."""
    return second_factor(request) in (SecondFactor.GIVEN, SecondFactor.MAY_SET_UP)


def _second_factor(request: HttpRequest) -> SecondFactor:
    user = request.user
    if not (user.is_active and user.is_staff):
        return SecondFactor.NOT_STAFF
    # Set by django-otp's middleware; a request answered before it ran is unverified.
    if getattr(user, "is_verified", lambda: False)():
        return SecondFactor.GIVEN
    if django_otp.user_has_device(user):
        return SecondFactor.ASKED
    if user.is_superuser or settings.STAFF_2FA_REQUIRED:
        return SecondFactor.MUST_SET_UP
    return SecondFactor.MAY_SET_UP


class ShiplistAdminSite(admin.AdminSite):
    """`admin.site` (core.apps.AdminConfig makes it the default site)."""

    index_template = "admin/today.html"

    def index(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Django's list of models, under "Today": the work waiting for a person."""
        return super().index(request, {"today": today.items(request), **(extra_context or {})})

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if request.path == reverse("admin:logout", current_app=self.name):
            return True  # signing out needs no second factor
        return staff_may_enter(request)

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        context["second_factor_prompt"] = (
            request.user.is_authenticated and second_factor(request) == SecondFactor.MAY_SET_UP
        )
        return context

    def get_urls(self):
        return [
            path("second-factor/", self.second_factor_view, name="second_factor"),
            path(
                "second-factor/recovery-codes/",
                self.recovery_codes_view,
                name="recovery_codes",
            ),
            *super().get_urls(),
        ]

    def admin_view(self, view, cacheable=False):
        """Django's, telling django-simple-history who makes the changes the view saves (what
        its HistoryRequestMiddleware does for every request: admin views are the only ones
        whose changes have an author)."""
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def inner(request, *args, **kwargs):
            HistoricalRecords.context.request = request
            try:
                return checked(request, *args, **kwargs)
            finally:
                del HistoricalRecords.context.request

        return inner

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if request.method == "POST" and (refusal := rate_refusal(request)):
            return refusal
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and second_factor(request) in (SecondFactor.ASKED, SecondFactor.MUST_SET_UP)
        ):
            return self._to_second_factor(request)
        response = super().login(request, extra_context)
        if getattr(request, "axes_locked_out", False):
            # django-axes refused the password check: its lockout page (what AxesMiddleware
            # does; this is the one sign-in form).
            credentials = getattr(request, "axes_credentials", None)
            return get_lockout_response(request, response, credentials)
        return response

    def _to_second_factor(self, request: HttpRequest) -> HttpResponse:
        url = reverse("admin:second_factor", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME)
        if next_url:
            url += "?" + request.GET.urlencode()
        return HttpResponseRedirect(url)

    def _next_url(self, request: HttpRequest) -> str:
        next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        return reverse("admin:index", current_app=self.name)

    def _render(self, request: HttpRequest, template: str, context: dict, status: int = 200):
        return render(
            request,
            template,
            {**self.each_context(request), **context},
            status=status,
        )

    @method_decorator([never_cache, csrf_protect, sensitive_post_parameters("code")])
    def second_factor_view(self, request: HttpRequest) -> HttpResponse:
        """Give a code (TOTP or a recovery code), or set up an authenticator app."""
        return second_factor_page(self, request)

    @method_decorator([never_cache, csrf_protect])
    def recovery_codes_view(self, request: HttpRequest) -> HttpResponse:
        """The codes just made (shown once); a POST replaces them with ten new ones."""
        return recovery_codes_page(self, request)


def rate_refusal(request: HttpRequest) -> HttpResponse | None:
    """Sign-in attempts (passwords and codes) per address, counted before anything is checked:
    all attempts against a ceiling an office's morning stays under, and failed ones (wrong
    passwords, wrong codes, any username) against a lower one that stops a spray."""
    refusal = check_rate(request, "admin_login", None)
    if refusal is None and sign_in_failures(request, count=False):
        refusal = Refusal(429, "")
    if refusal is None:
        return None
    message = (
        "Too many sign-in attempts from your address. Please wait a minute and try again."
        if refusal.status == 429
        else refusal.message
    )
    response = render(request, "admin/sign_in_refused.html", {"message": message}, status=429)
    response.status_code = refusal.status
    response["Retry-After"] = "60"
    return response


def sign_in_failures(request: HttpRequest, *, count: bool) -> bool:
    """Whether this address has used up its failed sign-ins (`count`: add this failure)."""
    rate = settings.RATE_LIMITS["admin_login"].get("failures")
    if not rate:
        return False
    try:
        usage = get_usage(
            request, group="admin_login:failures", key="ip", rate=rate, increment=count
        )
        return usage is not None and usage["count"] >= usage["limit"]
    except Exception:
        logger.exception("rate limit store unavailable; counting a failed sign-in")
        return True


@receiver(user_login_failed, dispatch_uid="core.admin_site.count_failed_sign_in")
def count_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        sign_in_failures(request, count=True)


def second_factor_page(site: ShiplistAdminSite, request: HttpRequest) -> HttpResponse:
    state = second_factor(request)
    if state == SecondFactor.NOT_STAFF:
        login = reverse("admin:login", current_app=site.name)
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{login}?{query}" if query else login)
    if state == SecondFactor.GIVEN:
        return HttpResponseRedirect(site._next_url(request))
    user = request.user
    next_url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    context = {
        "title": "Second factor",
        "next": next_url,
        "error": "",
        "second_factor_prompt": False,  # this page is where it leads
    }
    if state == SecondFactor.ASKED:
        if request.method == "POST":
            if refusal := rate_refusal(request):
                return refusal
            code = "".join(request.POST.get("code", "").split()).lower()
            device = verify_code(user, code)
            if device is not None:
                django_otp.login(request, device)
                request.session.cycle_key()
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} left. If your phone is "
                        "lost, set up a new app and make new codes (Recovery codes, top right).",
                    )
                return HttpResponseRedirect(site._next_url(request), status=303)
            sign_in_failures(request, count=True)
            context["error"] = (
                "Too many wrong codes in a row: wait a few seconds, then type the next code."
                if throttled(user)
                else "That code is not right (or was already used). Try the next one."
            )
        return site._render(
            request, "admin/second_factor.html", context, status=400 if context["error"] else 200
        )
    # Setting one up: only through an enrolment link given out of band (`enrolment_link`), so
    # whoever signs in first with a leaked password never sees the key.
    device = enrolment_device(request)
    if device is None:
        context.update(title="Set up a second factor", needs_link=True, required=True)
        return site._render(request, "admin/second_factor.html", context, status=403)
    if request.method == "POST":
        if refusal := rate_refusal(request):
            return refusal
        code = "".join(request.POST.get("code", "").split())
        if code.isdigit() and django_otp.verify_token(user, device.persistent_id, code):
            codes = confirm_second_factor(device)
            django_otp.login(request, device)
            request.session.cycle_key()
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            url = reverse("admin:recovery_codes", current_app=site.name)
            if next_url:
                url += "?" + REDIRECT_FIELD_NAME + "=" + _quote(next_url)
            return HttpResponseRedirect(url, status=303)
        sign_in_failures(request, count=True)
        context["error"] = "That code is not right. Check the clock of your phone and try again."
    context.update(
        title="Set up a second factor",
        setting_up=True,
        required=state == SecondFactor.MUST_SET_UP,
        # In groups of four, easier to copy by hand; apps ignore the spaces.
        secret=" ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)),
        qr_svg=qr_svg(device.config_url),
    )
    return site._render(
        request, "admin/second_factor.html", context, status=400 if context["error"] else 200
    )


ENROLMENT_SALT = "core.admin_site.enrolment"


def enrolment_link(user) -> str:
    """The one address where `user` can set up their authenticator app: a new unconfirmed
    device (any earlier one, and its link, stop working) and a signed token naming it. It works
    once (the device is then confirmed) and for STAFF_ENROLMENT_HOURS, for this user signed
    in. `manage.py enrolment_link USERNAME` prints it, to be handed over out of band."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, confirmed=False, name="Authenticator app")
    token = TimestampSigner(salt=ENROLMENT_SALT).sign_object([user.pk, device.pk])
    return settings.SITE_URL + reverse("admin:second_factor") + "?" + urlencode({"enrol": token})


def enrolment_device(request: HttpRequest) -> TOTPDevice | None:
    """The device the request's enrolment link names, if it is this user's, unused and fresh."""
    token = request.GET.get("enrol", "")
    try:
        user_pk, device_pk = TimestampSigner(salt=ENROLMENT_SALT).unsign_object(
            token, max_age=settings.STAFF_ENROLMENT_HOURS * 3600
        )
    except (BadSignature, ValueError, TypeError):
        return None
    if user_pk != request.user.pk:
        return None
    return TOTPDevice.objects.filter(pk=device_pk, user=request.user, confirmed=False).first()


def recovery_codes_page(site: ShiplistAdminSite, request: HttpRequest) -> HttpResponse:
    if second_factor(request) != SecondFactor.GIVEN:
        return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = replace_recovery_codes(request.user)
        return HttpResponseRedirect(request.path, status=303)
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    remaining = StaticToken.objects.filter(device__user=request.user).count()
    return site._render(
        request,
        "admin/recovery_codes.html",
        {
            "title": "Recovery codes",
            "codes": codes,
            "remaining": remaining,
            "next_url": site._next_url(request),
        },
    )


def verify_code(user, code: str):
    """The device `code` belongs to: six digits are a TOTP code, anything else a recovery code
    (each works once). Each device throttles its own failures (django-otp)."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        if django_otp.verify_token(user, device.persistent_id, code):
            return device
    return None


def throttled(user) -> bool:
    """Whether wrong codes in a row made one of the user's devices wait a while (from the third:
    4 s, then 8, 16...) before it takes another, even a right one."""
    return any(
        device.throttling_failure_count >= 3 and not device.verify_is_allowed()[0]
        for device in django_otp.devices_for_user(user)
    )


@transaction.atomic
def confirm_second_factor(device: TOTPDevice) -> list[str]:
    """Confirm a TOTP device whose code was given; return fresh recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(device.user)


@transaction.atomic
def replace_recovery_codes(user) -> list[str]:
    """Ten new single-use recovery codes for `user`, replacing any left."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def qr_svg(data: str) -> str:
    """`data` as a QR code, inline SVG made here (no image request, nothing external)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (our own SVG)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="/")
