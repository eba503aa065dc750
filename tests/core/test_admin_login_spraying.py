"""Admin sign-ins cannot be sprayed: one address trying many usernames is locked out, and so is
a username many addresses guess at (django-axes, counted in the database)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "the-right-password-1"


def sign_in(username: str, password: str, address: str) -> int:
    form = {"username": username, "password": password, "next": "/admin/"}
    return Client().post(LOGIN, form, REMOTE_ADDR=address).status_code


@pytest.fixture
def editor(db):
    return User.objects.create_user("ed", password=PASSWORD, is_staff=True)


def failures_allowed(settings) -> int:
    return int(settings.RATE_LIMITS["admin_login"]["failures"].split("/")[0])


def test_one_address_trying_60_usernames_is_locked_out(editor, settings):
    statuses = [sign_in(f"user{index}", "guess", "203.0.113.7") for index in range(60)]
    limit = failures_allowed(settings)
    assert statuses[:limit] == [200] * limit  # the form again, with an error
    assert set(statuses[limit:]) == {429}
    assert sign_in("ed", PASSWORD, "203.0.113.7") == 429  # even with a right password
    assert sign_in("ed", PASSWORD, "198.51.100.1") == 302  # the editor, from elsewhere


def test_10_addresses_guessing_one_username_lock_it_out(editor, settings):
    statuses = [
        sign_in("ed", f"guess-{guess}", f"198.51.100.{address}")
        for address in range(1, 11)
        for guess in range(4)  # each address stays under the limit on its own
    ]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    # The right password, from an address that never failed, is refused while it lasts.
    assert sign_in("ed", PASSWORD, "192.0.2.55") == 429
    other = User.objects.create_user("bo", password=PASSWORD, is_staff=True)
    assert sign_in(other.username, PASSWORD, "192.0.2.56") == 302


def test_a_superuser_can_lift_a_username_lockout_at_once(editor):
    for guess in range(10):
        sign_in("ed", f"guess-{guess}", f"198.51.100.{guess + 1}")
    assert sign_in("ed", PASSWORD, "192.0.2.55") == 429
    call_command("axes_reset_username", "ed", verbosity=0)
    assert sign_in("ed", PASSWORD, "192.0.2.55") == 302


def test_five_colleagues_behind_one_office_address_all_sign_in_at_nine(settings):
    """Each with a typo first (on their own username), then the right password, within a
    minute: nobody is locked out, and their own usernames are not either."""
    office = "192.0.2.10"
    colleagues = [
        User.objects.create_user(f"editor{n}", password=PASSWORD, is_staff=True) for n in range(5)
    ]
    for colleague in colleagues:
        assert sign_in(colleague.username, "typo", office) == 200
    for colleague in colleagues:
        assert sign_in(colleague.username, PASSWORD, office) == 302, colleague.username


def test_an_office_of_five_with_second_factors_signs_in_within_a_minute(settings):
    """A password and a code each (two attempts per person), one wrong code among them."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    office = "192.0.2.11"
    for n in range(5):
        user = User.objects.create_user(f"tfa{n}", password=PASSWORD, is_staff=True)
        device = TOTPDevice.objects.create(user=user, confirmed=True, name="app")
        client = Client(REMOTE_ADDR=office)
        form = {"username": user.username, "password": PASSWORD, "next": "/admin/"}
        assert client.post(LOGIN, form).status_code == 302
        second = reverse("admin:second_factor")
        if n == 0:
            assert client.post(second, {"code": "000000"}).status_code == 400
            device.refresh_from_db()
            device.throttle_reset()  # the few seconds django-otp asks to wait after a wrong code
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        assert client.post(second, {"code": code}).status_code == 303, user.username
