"""Staff give a second factor (TOTP, or a single-use recovery code) to use the admin: always for
superusers, for editors once STAFF_2FA_REQUIRED is on; sign-ins are rate limited per address
before a password is checked."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
SECOND_FACTOR = reverse("admin:second_factor")
RECOVERY_CODES = reverse("admin:recovery_codes")
TOOLS = reverse("admin:tools_tool_changelist")
PASSWORD = "the-right-password-1"


def token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client: Client, username: str = "root", next_url: str = TOOLS):
    """The password step, as a person does it, following the redirects."""
    return client.post(
        LOGIN, {"username": username, "password": PASSWORD, "next": next_url}, follow=True
    )


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture
def enrolled(superuser):
    """A superuser with an authenticator app and recovery codes."""
    device = TOTPDevice.objects.create(user=superuser, name="phone", confirmed=True)
    from core.admin_site import replace_recovery_codes

    return device, replace_recovery_codes(superuser)


def enrol_path(user) -> str:
    """The path of a fresh enrolment link, as `manage.py enrolment_link` prints it."""
    from core.admin_site import enrolment_link

    return enrolment_link(user).removeprefix(settings.SITE_URL)


def test_a_superuser_without_a_second_factor_cannot_reach_admin_pages(client, superuser):
    response = sign_in(client)
    assert response.redirect_chain[-1][0].startswith(SECOND_FACTOR)
    assert "Set up a second factor" in response.content.decode()
    assert "needs a second factor" in response.content.decode()
    for url in (TOOLS, reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN)
    assert client.get(TOOLS, follow=True).redirect_chain[-1][0].startswith(SECOND_FACTOR)


def test_a_superuser_sets_up_an_app_and_gets_recovery_codes(client, superuser):
    sign_in(client)
    link = enrol_path(superuser)
    page = client.get(link).content.decode()
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    assert "<svg" in page  # the QR code, drawn here
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert secret[:4] + " " + secret[4:8] in page  # the key, as text
    assert client.post(link, {"code": "000000"}).status_code == 400
    assert client.get(TOOLS).status_code == 302  # not on yet

    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next one wait a second
    response = client.post(link, {"code": token(device), "next": TOOLS})
    assert response.status_code == 303
    codes_page = client.get(response.url)
    codes = list(StaticToken.objects.filter(device__user=superuser).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in codes_page.content.decode() for code in codes)
    assert client.get(RECOVERY_CODES).content.decode().count(codes[0]) == 0  # shown once
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(TOOLS).status_code == 200


def test_a_superuser_with_a_valid_totp_code_reaches_the_admin(client, enrolled):
    device, _ = enrolled
    response = sign_in(client)
    assert response.redirect_chain[-1][0].startswith(SECOND_FACTOR)
    assert client.get(TOOLS).status_code == 302
    wrong = client.post(SECOND_FACTOR, {"code": "123456", "next": TOOLS})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    # Wrong codes in a row make the next one wait: a second, then two, four... (as after three)
    device.refresh_from_db()
    device.throttle_increment()
    device.throttle_increment()
    refused = client.post(SECOND_FACTOR, {"code": token(device), "next": TOOLS})
    assert refused.status_code == 400
    assert "Too many wrong codes in a row" in refused.content.decode()
    assert client.get(TOOLS).status_code == 302
    device.throttle_reset()
    response = client.post(SECOND_FACTOR, {"code": token(device), "next": TOOLS})
    assert (response.status_code, response.url) == (303, TOOLS)
    assert client.get(TOOLS).status_code == 200


def test_a_recovery_code_works_once(enrolled):
    _, codes = enrolled
    first = Client()
    sign_in(first)
    response = first.post(SECOND_FACTOR, {"code": codes[0].upper(), "next": TOOLS})
    assert response.status_code == 303
    page = first.get(TOOLS)
    assert page.status_code == 200
    assert "You signed in with a recovery code; 9 left" in page.content.decode()
    assert StaticToken.objects.count() == 9

    again = Client()
    sign_in(again)
    assert again.post(SECOND_FACTOR, {"code": codes[0], "next": TOOLS}).status_code == 400
    assert again.get(TOOLS).status_code == 302
    assert StaticToken.objects.count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, verified_login):
    user = User.objects.get(username="root")
    _, codes = enrolled
    verified_login(client, user)
    response = client.post(RECOVERY_CODES)
    assert response.status_code == 303
    page = client.get(RECOVERY_CODES).content.decode()
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(codes)
    assert all(code in page for code in new)


def test_signing_out_needs_no_second_factor(client, superuser):
    sign_in(client)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.fixture
def editor():
    user = User.objects.create_user("ed", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_an_editor_without_a_second_factor_is_prompted_to_set_one_up(client, editor):
    response = sign_in(client, "ed")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == TOOLS
    assert "Your account has no second factor yet" in response.content.decode()


@override_settings(STAFF_2FA_REQUIRED=True)
def test_an_editor_must_set_one_up_once_required(client, editor):
    response = sign_in(client, "ed")
    assert response.redirect_chain[-1][0].startswith(SECOND_FACTOR)
    assert client.get(TOOLS).status_code == 302


def test_an_editor_who_set_one_up_is_asked_for_it(client, editor):
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    response = sign_in(client, "ed")
    assert response.redirect_chain[-1][0].startswith(SECOND_FACTOR)
    assert "Type the six digits" in response.content.decode()
    assert client.get(TOOLS).status_code == 302


def test_a_verified_editor_sees_no_prompt(client, editor, verified_login):
    verified_login(client, editor)
    response = client.get(TOOLS)
    assert response.status_code == 200
    assert "no second factor yet" not in response.content.decode()


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a password was checked."""
    checked = []
    original = User.check_password

    def counting(self, raw_password):
        checked.append(raw_password)
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return checked


@pytest.fixture
def still_clock():
    """django-ratelimit counts in fixed windows whose edges fall anywhere in the period (an
    offset per key): a test making N + 1 attempts must not straddle one, so time stands still."""
    moment = datetime.datetime(2026, 12, 2, 10, 0, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        yield


def test_sign_ins_are_rate_limited_per_address_before_the_password_is_checked(
    still_clock, client, superuser, settings, password_checks
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "admin_login": {"ip": "3/m"}}
    settings.AXES_FAILURE_LIMIT = 100  # the lockout is not what answers here
    for _ in range(3):
        response = client.post(LOGIN, {"username": "root", "password": "wrong"})
        assert response.status_code == 200  # the form again
    assert len(password_checks) == 3
    refused = client.post(LOGIN, {"username": "root", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert len(password_checks) == 3  # not checked
    assert "_auth_user_id" not in client.session
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(LOGIN, {"username": "root", "password": PASSWORD}).status_code == 302


def test_codes_count_against_the_same_limit(still_clock, client, enrolled, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "admin_login": {"ip": "3/m"}}
    device, _ = enrolled
    sign_in(client)  # one attempt
    for _ in range(2):
        assert client.post(SECOND_FACTOR, {"code": "123456"}).status_code == 400
    device.throttle_reset()
    assert client.post(SECOND_FACTOR, {"code": token(device)}).status_code == 429
    assert client.get(TOOLS).status_code == 302


def test_it_never_sends_a_signed_in_editor_to_another_site(client, enrolled):
    device, _ = enrolled
    sign_in(client)
    evil = "https://evil.example/"
    response = client.post(SECOND_FACTOR, {"code": token(device), "next": evil})
    assert (response.status_code, response.url) == (303, reverse("admin:index"))


def test_a_superuser_can_remove_a_lost_device_and_sees_no_keys(client, enrolled, verified_login):
    device, _ = enrolled
    verified_login(client, device.user)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_drafts_preview_needs_the_second_factor_too(client, superuser, verified_login):
    from tests.factories import ToolFactory

    ToolFactory(name="Drafty", slug="drafty", status="draft")
    preview = reverse("preview_tool", args=["drafty"])
    sign_in(client)  # the password only
    assert client.get(preview).status_code == 404
    verified_login(client, superuser)
    response = client.get(preview)
    assert response.status_code == 200
    assert "Drafty" in response.content.decode()


# --- Enrolment needs a link given out of band ---------------------------------------------------


def shows_a_key(page: str) -> bool:
    return "second-factor-qr" in page or "enter this key by hand" in page


def test_a_password_alone_never_shows_the_key_or_turns_anything_on(client, superuser):
    """The attack: someone with the leaked password signs in before the owner enrolled."""
    sign_in(client)
    page = client.get(SECOND_FACTOR)
    assert page.status_code == 403 and not shows_a_key(page.content.decode())
    assert "enrolment link" in page.content.decode()
    for code in ("000000", "123456"):
        assert client.post(SECOND_FACTOR, {"code": code}).status_code == 403
    for made_up in ("x", "1:2", enrol_path(superuser).split("enrol=")[1] + "x"):
        page = client.get(SECOND_FACTOR, {"enrol": made_up})
        assert page.status_code == 403 and not shows_a_key(page.content.decode())
    assert not TOTPDevice.objects.filter(user=superuser, confirmed=True).exists()
    assert client.get(TOOLS).status_code == 302


def test_a_link_is_the_owners_works_once_and_a_new_one_replaces_it(client, superuser):
    other = User.objects.create_superuser("other", "other@example.com", PASSWORD)
    first = enrol_path(superuser)
    second = enrol_path(superuser)  # the first is void now
    sign_in(client)
    assert client.get(first).status_code == 403
    assert client.get(enrol_path(other)).status_code == 403  # someone else's link
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    assert shows_a_key(client.get(second).content.decode())
    assert client.post(second, {"code": token(device)}).status_code == 303
    # Used: signed out and in again, the account asks for a code; the link shows nothing.
    client.post(reverse("admin:logout"))
    sign_in(client)
    page = client.get(second)
    assert not shows_a_key(page.content.decode())
    assert TOTPDevice.objects.filter(user=superuser).count() == 1


def test_a_link_expires(client, superuser, settings):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)):
        link = enrol_path(superuser)
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)):
        sign_in(client)
        assert client.get(link).status_code == 403  # 73 hours later


def test_the_command_prints_a_link_for_staff_only(superuser, editor):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("enrolment_link", "root", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith(settings.SITE_URL + SECOND_FACTOR + "?enrol=")
    User.objects.create_user("reader", password=PASSWORD)
    for name in ("reader", "nobody"):
        with pytest.raises(CommandError, match="No active staff account"):
            call_command("enrolment_link", name, stdout=io.StringIO(), stderr=io.StringIO())
