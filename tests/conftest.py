import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.factories import CategoryFactory, ReviewerFactory, ReviewFactory, ToolFactory


@pytest.fixture
def panel(db):
    """The four-critic panel of the reference page."""
    return [
        ReviewerFactory(name=f"The {lens}", slug=lens.lower(), lens=lens, order=index)
        for index, lens in enumerate(["Builder", "Skeptic", "Futurist", "Founder"])
    ]


@pytest.fixture
def make_reviewed_tool(panel):
    """Make a tool reviewed by the panel with the given (score, verdict) pairs, in panel order."""

    def make(*verdicts: tuple[int, str], **tool_fields):
        tool = ToolFactory(**tool_fields)
        for reviewer, (score, verdict) in zip(panel, verdicts, strict=False):
            ReviewFactory(tool=tool, reviewer=reviewer, score=score, verdict=verdict)
        return tool

    return make


@pytest.fixture(scope="session")
def collected_static_root(tmp_path_factory):
    """Hashed, compressed static files for tests that run the production configuration."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-" + "c" * 40,
        "SITE_URL": "http://collectstatic.invalid",
        "STATIC_ROOT": str(root),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
    )
    return root


def forget_pages() -> None:
    """Empty every cache: the shared one and this process's tier of the page cache."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _default_uses(request):
    """The uses the data migration seeds, for tests with a database: a test that flushes the
    database (transactional_db, the browser suite) takes them with it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    from modelspecs.defaults import seed_default_uses
    from modelspecs.models import PickMethod, Use

    seed_default_uses(Use, PickMethod)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate-limit counters and cached pages must not leak from one test into the next.

    Versions are re-read on every request here, so a test sees a change as soon as it
    commits (in production a process re-reads them at most every half second)."""
    settings.PAGE_CACHE = True  # as in production, whatever DEBUG says
    # The vote spike check samples votes at random: off, so query counts stay exact (the tests
    # of alerts turn it on for every vote, tests/votes/test_clusters_and_alerts.py).
    settings.VOTE_SPIKE_SAMPLE = 0
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    # Most tests count a handful of votes and read the share; the tests of the minimum (and of
    # the per-address allowance) set their own (tests/votes/test_honest_figures.py).
    settings.COMMUNITY_MINIMUM_VOTES = 1
    forget_pages()
    yield
    forget_pages()


@pytest.fixture
def later(monkeypatch):
    """`later(seconds)`: the page cache's clock jumps forward (for the tally window)."""
    from types import SimpleNamespace

    from core import pages

    offset = 0.0

    def advance(seconds: float) -> None:
        nonlocal offset
        offset += seconds
        monkeypatch.setattr(
            pages,
            "time",
            SimpleNamespace(time=lambda: time.time() + offset, time_ns=time.time_ns),
        )

    return advance


@pytest.fixture
def developer_tools(db):
    return CategoryFactory(name="Developer Tools", slug="developer-tools")


@pytest.fixture
def reference_pair(make_reviewed_tool, developer_tools):
    """The two tools of the reference comparison page, with their real facts."""
    code_llama = make_reviewed_tool(
        (84, "ship"),
        (78, "ship"),
        (81, "ship"),
        (55, "skip"),
        name="Code Llama 4",
        slug="code-llama-4",
        maker="Meta",
        category=developer_tools,
        tagline="Meta's open-weight code model for agentic, multi-step work",
        pricing_model="free",
        entry_price="Free",
        pricing_details="Free (open weights under Llama 4 community license)",
        licence="Llama 4 Community License",
    )
    mistral = make_reviewed_tool(
        (87, "ship"),
        (80, "ship"),
        (84, "ship"),
        (75, "ship"),
        name="Mistral 3B",
        slug="mistral-3b",
        maker="Mistral AI",
        category=developer_tools,
        tagline="A small open model that runs fast on the device",
        pricing_model="free",
        entry_price="Free",
        pricing_details="Free / Open-source (Apache 2.0)",
        licence="Apache 2.0",
    )
    return code_llama, mistral


@pytest.fixture
def neighbours(developer_tools):
    return [
        ToolFactory(name=f"Neighbour {index}", slug=f"neighbour-{index}", category=developer_tools)
        for index in range(3)
    ]


def sign_in_verified(client, user):
    """Sign `user` in as after a full admin sign-in: password and second factor given.

    Staff reach admin pages only with a verified second factor (core/admin_site.py); this gives
    `user` a confirmed TOTP device (reused if it has one) and marks this session as verified by
    it, as django-otp does after a right code. Returns the device. Use it wherever a test signs
    staff in (instead of `client.force_login`)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def verified_login(db):
    """`verified_login(client, user)`: sign staff in with their second factor given (see
    sign_in_verified). The one way tests sign staff into the admin."""
    return sign_in_verified


@pytest.fixture
def signed_in(db):
    """`signed_in("Editors")`: a client signed in as a staff member of that group only
    (`signed_in(None)` for a superuser)."""

    def sign_in(group: str | None) -> Client:
        if group is None:
            user = User.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
        else:
            user = User.objects.create_user(group.lower(), is_staff=True)
            user.groups.add(Group.objects.get(name=group))
        client = Client()
        sign_in_verified(client, user)
        return client

    return sign_in
