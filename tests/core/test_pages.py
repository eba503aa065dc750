"""Public pages (core/pages.py): one anonymous HTML for everyone, purged by what it shows,
per-visitor slots never shared, revalidation."""

import re
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tools.models import Category
from verdicts.models import Review
from votes.models import Visitor

pytestmark = pytest.mark.django_db

URL = "/compare/code-llama-4-vs-mistral-3b/"


@pytest.fixture
def editor(verified_login):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    client = Client()
    verified_login(client, user)
    return client


def test_an_editors_review_shows_on_the_next_anonymous_view(client, reference_pair, editor):
    assert "84/100 · ship" in client.get(URL).content.decode()
    review = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    response = editor.post(
        reverse("admin:verdicts_review_change", args=[review.pk]),
        {
            "tool": review.tool_id,
            "reviewer": review.reviewer_id,
            "score": "41",
            "verdict": "skip",
            "body": "Changed my mind after a week with it.",
            "status": "published",
            "published_at_0": "2026-11-20",
            "published_at_1": "10:00:00",
            "reason": "A week of daily use changed the picture.",
            "opened_at": timezone.now().isoformat(),
        },
    )
    assert response.status_code == 302
    content = client.get(URL).content.decode()
    assert "41/100 · skip" in content
    assert "Changed my mind after a week with it." in content
    assert 'class="badge badge--split"' in content


def test_a_shell_save_purges_that_tools_pages_and_leaves_others_cached(
    client, reference_pair, neighbours, django_assert_num_queries
):
    Category.objects.create(name="Elsewhere", slug="elsewhere")
    client.get("/categories/elsewhere/")
    client.get(URL)
    tool = reference_pair[0]
    tool.tagline = "A fresh tagline"
    tool.save()  # no admin, no hand-written purge: the model's signal does it
    with django_assert_num_queries(0):
        client.get("/categories/elsewhere/")
    assert "A fresh tagline" in client.get(URL).content.decode()


def test_a_service_write_purges_the_pages_showing_it(client, reference_pair):
    """A write made by code (an import, a command) through the ORM, in one transaction."""
    from django.db import transaction

    client.get("/tools/code-llama-4/")
    with transaction.atomic():
        review = Review.objects.get(tool=reference_pair[0], reviewer__slug="founder")
        review.score, review.verdict = 56, "ship"
        review.save()
    assert "56/100 · ship" in client.get("/tools/code-llama-4/").content.decode()


def test_loaddata_purges_the_pages_showing_what_it_loaded(client, reference_pair, tmp_path):
    import json

    from django.core.management import call_command

    assert "Moved to a new home" not in client.get(URL).content.decode()
    tool = reference_pair[1]
    fields = {
        field.name: field.value_from_object(tool)
        for field in tool._meta.concrete_fields
        if field.name != "id"
    }
    fields["tagline"] = "Moved to a new home"
    fixture = tmp_path / "tool.json"
    fixture.write_text(
        json.dumps([{"model": "tools.tool", "pk": tool.pk, "fields": fields}], default=str)
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert "Moved to a new home" in client.get(URL).content.decode()


def test_a_vote_shows_to_others_within_the_window(client, reference_pair, later, settings):
    other = Client()
    assert "No votes yet" in other.get(URL).content.decode()
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    assert "No votes yet" in other.get(URL).content.decode()  # within the window
    later(settings.TALLY_WINDOW_SECONDS)
    assert other.get(URL).content.decode().count("100% ship · 1 vote") == 1


def test_the_voter_sees_their_vote_at_once_without_javascript(client, reference_pair):
    Client().get(URL)  # the page is cached for everyone
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    assert client.get(URL).content.decode().count("100% ship · 1 vote") == 1


def test_one_visitors_vote_is_never_shown_as_another_visitors(client, reference_pair):
    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    client.post("/tools/mistral-3b/bookmark/", {"action": "add"})
    mine = client.get(URL).content.decode()
    theirs = Client().get(URL).content.decode()
    assert len(re.findall(r'aria-pressed="true"', mine)) == 2  # the vote and the bookmark
    assert 'aria-pressed="true"' not in theirs
    assert '<span id="bookmark-count" class="count">0</span>' in theirs


@pytest.mark.parametrize("path", [URL, "/tools/mistral-3b/", "/"])
def test_two_fresh_readers_get_the_same_bytes_and_no_cookie(reference_pair, path):
    first, second = Client(), Client()
    one, two = first.get(path), second.get(path)
    assert one.status_code == two.status_code == 200
    assert one.content == two.content
    for response in (one, two):
        assert "Set-Cookie" not in response.headers
        assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert "stale-while-revalidate=" in response["Cache-Control"]
        assert "stale-if-error=" in response["Cache-Control"]
        assert "Cookie" not in response["Vary"]
        assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not first.cookies and not second.cookies


def test_a_page_served_from_memory_has_the_same_headers_as_a_rendered_one(reference_pair):
    from core import pages as page_layer

    rendered = Client().get(URL)
    # The next request is answered by the middleware: this process knows the address.
    assert page_layer.local().get(f"route:{URL}?|None") == f"{URL}|page"
    cached = Client().get(URL)
    assert cached.content == rendered.content
    for name in ("Content-Security-Policy", "Permissions-Policy", "Referrer-Policy"):
        assert cached[name] == rendered[name], name
    assert dict(cached.items()).keys() == dict(rendered.items()).keys()


def test_other_query_parameters_share_the_page_and_its_links(client, reference_pair):
    plain = client.get(URL)
    tracked = client.get(URL, {"utm_source": "newsletter"})
    assert tracked.content == plain.content
    assert "utm_source" not in tracked.content.decode()


def test_a_page_names_what_it_shows(client, reference_pair):
    response = client.get(URL)
    category = f"category-{reference_pair[0].category_id}"
    names = set(response["Surrogate-Key"].split())
    assert {f"tool-{tool.pk}" for tool in reference_pair} | {category, "panel"} <= names
    assert set(response["Cache-Tag"].split(",")) == names
    assert not any(name.startswith("tally") for name in names)  # those expire, never purged


@pytest.mark.parametrize("path", [URL, "/tools/mistral-3b/", "/categories/developer-tools/", "/"])
def test_a_repeat_request_revalidates_with_304(client, reference_pair, path):
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public")
    assert {"Accept-Encoding", "HX-Request"} <= {v.strip() for v in first["Vary"].split(",")}
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_a_visitor_with_a_session_gets_a_private_page(client, reference_pair):
    client.post("/tools/mistral-3b/bookmark/", {"action": "add"})
    response = client.get(URL)
    assert response["Cache-Control"] == "private, no-cache"
    assert "Surrogate-Key" not in response
    assert client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(("encoding", "module"), [("br", "brotli"), ("gzip", "gzip")])
def test_the_html_is_compressed_for_those_who_accept_it(client, reference_pair, encoding, module):
    import importlib

    plain = client.get(URL).content
    response = client.get(URL, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
    assert response["Content-Encoding"] == encoding
    assert len(response.content) < len(plain) / 3
    assert importlib.import_module(module).decompress(response.content) == plain


def test_the_etag_changes_when_the_figure_or_the_visitors_state_does(client, reference_pair):
    etag = client.get(URL)["ETag"]
    client.post("/tools/mistral-3b/vote/", {"value": "skip"})
    assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_bookmarks_fragment_is_private_and_varies_on_htmx(client, reference_pair):
    response = client.get("/bookmarks/", HTTP_HX_REQUEST="true")
    assert response["Cache-Control"] == "private, no-cache"
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db(transaction=True)
def test_a_vote_committed_while_the_category_page_renders_is_not_lost(
    client, reference_pair, monkeypatch, later, settings
):
    from core import pages as page_layer

    real_render = page_layer.render_to_string
    voter = Client()

    def render_with_a_vote_in_between(*args, **kwargs):
        html = real_render(*args, **kwargs)
        if not getattr(render_with_a_vote_in_between, "done", False):
            render_with_a_vote_in_between.done = True
            voter.post("/tools/mistral-3b/vote/", {"value": "ship"})
        return html

    monkeypatch.setattr(page_layer, "render_to_string", render_with_a_vote_in_between)
    client.get("/categories/developer-tools/")
    later(settings.TALLY_WINDOW_SECONDS)
    assert "100% ship (1 vote)" in client.get("/categories/developer-tools/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_slow_build_holds_up_no_other_page(reference_pair, monkeypatch):
    from core import pages as page_layer

    real_render = page_layer.render_to_string
    compare_building, other_page_served = threading.Event(), threading.Event()

    def render_waiting_for_the_other_page(template, *args, **kwargs):
        if template == "tools/compare.html":
            compare_building.set()
            # Blocks until the tool page is served: if that waited behind this build, this
            # would time out instead.
            assert other_page_served.wait(timeout=5)
        return real_render(template, *args, **kwargs)

    monkeypatch.setattr(page_layer, "render_to_string", render_waiting_for_the_other_page)
    pages = {}

    def visit(path):
        try:
            pages[path] = Client().get(path)
        finally:
            connection.close()

    slow = threading.Thread(target=visit, args=(URL,))
    slow.start()
    assert compare_building.wait(timeout=5)
    visit("/tools/code-llama-4/")
    other_page_served.set()
    slow.join()
    assert pages[URL].status_code == pages["/tools/code-llama-4/"].status_code == 200


def test_a_moderators_deletion_clears_the_voters_pressed_button(client, reference_pair, editor):
    from votes.models import Vote

    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    assert 'aria-pressed="true"' in client.get("/tools/mistral-3b/").content.decode()
    vote = Vote.objects.get()
    response = editor.post(
        reverse("admin:votes_vote_changelist"),
        {"action": "delete_selected", "_selected_action": [vote.pk], "post": "yes"},
    )
    assert response.status_code == 302
    content = client.get("/tools/mistral-3b/").content.decode()
    assert 'aria-pressed="true"' not in content
    assert "No community votes yet" in content


def test_the_bookmark_count_leaves_out_unpublished_tools(client, reference_pair):
    client.post("/tools/mistral-3b/bookmark/", {"action": "add"})
    client.post("/tools/code-llama-4/bookmark/", {"action": "add"})
    reference_pair[0].status = "draft"
    reference_pair[0].save()
    from votes.identity import forget_visitor_state

    forget_visitor_state(Visitor.objects.get().pk)
    assert '<span id="bookmark-count" class="count">1</span>' in client.get("/").content.decode()


def test_a_deploy_that_changes_templates_static_files_or_pins_starts_a_fresh_page_cache(
    tmp_path, settings
):
    from core.pages import release_digest
    from core.storage import manifest_root

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>before</p>")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    first = release_digest()
    assert release_digest() == first
    template.write_text("<p>after</p>")
    second = release_digest()
    assert second != first
    manifest_root().mkdir()
    (manifest_root() / "staticfiles.json").write_text('{"paths": {"a.css": "a.1.css"}}')
    third = release_digest()
    assert third not in (first, second)
    (tmp_path / "constraints.txt").write_text("Django==5.2.20\n")
    assert release_digest() not in (first, second, third)


def test_a_vote_asks_for_fresh_pages_for_a_few_seconds(client, reference_pair):
    response = client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    cookie = response.cookies["fresh"]
    assert cookie.value == "1" and int(cookie["max-age"]) == 10 and cookie["httponly"]


def test_a_visitor_with_a_session_sees_others_votes_within_the_window(
    client, reference_pair, later, settings
):
    client.post("/tools/code-llama-4/bookmark/", {"action": "add"})  # a session, no vote
    assert "No votes yet" in client.get(URL).content.decode()
    Client().post("/tools/mistral-3b/vote/", {"value": "ship"})
    later(settings.TALLY_WINDOW_SECONDS)
    assert "100% ship · 1 vote" in client.get(URL).content.decode()


def _rebuild_held_open(monkeypatch):
    """While the compare page's first rebuild renders, it waits for `release`: the state a
    busy page is in while one thread renders it and other readers arrive."""
    from core import pages as page_layer

    real_render = page_layer.render_to_string
    building, release = threading.Event(), threading.Event()

    def render(template, *args, **kwargs):
        if template == "tools/compare.html" and not building.is_set():
            building.set()
            assert release.wait(timeout=5)
        return real_render(template, *args, **kwargs)

    monkeypatch.setattr(page_layer, "render_to_string", render)
    return building, release


def _visit(pages: dict, name: str) -> None:
    try:
        pages[name] = Client().get(URL).content.decode()
    finally:
        connection.close()


def _a_visit_during_a_rebuild(monkeypatch) -> dict:
    """The compare page as the reader who rebuilds it gets it ("rebuild") and as one arriving
    during that rebuild gets it ("meanwhile")."""
    building, release = _rebuild_held_open(monkeypatch)
    pages = {}
    rebuild = threading.Thread(target=_visit, args=(pages, "rebuild"))
    rebuild.start()
    assert building.wait(timeout=5)
    _visit(pages, "meanwhile")
    release.set()
    rebuild.join()
    return pages


@pytest.mark.django_db(transaction=True)
def test_while_new_figures_render_other_readers_get_the_page_they_replace(
    reference_pair, monkeypatch, later, settings
):
    # Neither tool has a vote yet; then Mistral 3B gets one.
    assert Client().get(URL).content.decode().count("No votes yet") == 2  # kept
    Client().post("/tools/mistral-3b/vote/", {"value": "ship"})
    later(settings.TALLY_WINDOW_SECONDS)
    # Answered while the rebuild still waits: no queueing behind it.
    pages = _a_visit_during_a_rebuild(monkeypatch)
    assert pages["meanwhile"].count("No votes yet") == 2  # the figures of a few seconds ago
    assert pages["rebuild"].count("No votes yet") == 1
    assert Client().get(URL).content.decode().count("No votes yet") == 1


@pytest.mark.django_db(transaction=True)
def test_while_an_editors_change_renders_nobody_gets_the_old_page(
    reference_pair, monkeypatch, later, settings
):
    Client().get(URL)
    Client().post("/tools/mistral-3b/vote/", {"value": "ship"})  # figures changed too
    code_llama = reference_pair[0]
    code_llama.tagline = "Rewritten while readers arrive"
    code_llama.save()
    later(settings.TALLY_WINDOW_SECONDS)
    # Renders the page itself: serving a stale copy meanwhile is Varnish's job (grace).
    pages = _a_visit_during_a_rebuild(monkeypatch)
    assert "Rewritten while readers arrive" in pages["meanwhile"]
    assert "Rewritten while readers arrive" in pages["rebuild"]


def test_what_a_cookie_says_never_reaches_a_stored_page(reference_pair):
    """A reader without a visitor cookie or session is not personal, but may still send other
    cookies: the stored page is rendered with none of them (core.pages.anonymous_request)."""
    forged = Client()
    forged.cookies["vote_note"] = "mistral-3b:ship"  # the note a no-JS vote leaves
    forged.cookies["fresh"] = "1"
    first = forged.get(URL)
    assert first["Cache-Control"].startswith("public")
    assert "Counted: ship." not in first.content.decode()
    assert "Counted: ship." not in Client().get(URL).content.decode()


def test_a_view_that_reads_personal_state_cannot_store_it(rf):
    from core import keys
    from core.pages import Page, public_page

    @public_page()
    def greeting(request):
        cookie = request.COOKIES.get("name", "nobody")
        user = request.user.get_username() or "anonymous"
        return Page("includes/announce.html", {"message": f"{cookie} {user}"}, [keys.PANEL])

    request = rf.get("/greeting/")
    request.COOKIES["name"] = "Ada"
    request.user = User(username="ada")
    assert b"nobody anonymous" in greeting(request).content
    assert b"Ada" not in greeting(rf.get("/greeting/")).content


def test_a_personal_visit_stores_only_the_page_everyone_gets(client, reference_pair):
    from core import pages as page_layer

    client.post("/tools/mistral-3b/vote/", {"value": "ship"})
    client.post("/tools/mistral-3b/bookmark/", {"action": "add"})
    client.cookies.pop("fresh")
    mine = client.get(URL)
    assert mine["Cache-Control"] == "private, no-cache"
    assert len(re.findall(r'aria-pressed="true"', mine.content.decode())) == 2
    assert page_layer.kept_pages() == 1  # built for everyone on the way
    theirs = Client().get(URL)
    assert theirs["Cache-Control"].startswith("public")
    assert 'aria-pressed="true"' not in theirs.content.decode()
    assert '<span id="bookmark-count" class="count">0</span>' in theirs.content.decode()


def test_the_page_cache_keeps_no_state_of_its_own():
    """Everything it keeps is in Django's caches (settings.CACHES), which tests empty as any
    Django project does: no module-level table, lock or counter to reset by hand."""
    import threading

    from core import pages as page_layer

    mutable = (dict, list, set, bytearray, type(threading.Lock()))
    assert [
        name
        for name, value in vars(page_layer).items()
        if not name.startswith("__") and isinstance(value, mutable)
    ] == []


@pytest.mark.parametrize("tag", ["{% bookmark_count %}", "{% vote_widget tool %}"])
def test_a_personal_tag_inside_a_shared_part_fails_loudly(rf, reference_pair, tag):
    """Kept under the page's ETag, a shared part is the same for every reader: a visitor's own
    buttons inside one would be shown to the next visitor, so the template fails instead."""
    from django.template import Context, Template, TemplateSyntaxError

    template = Template('{% load pages votes %}{% shared "part" %}' + tag + "{% endshared %}")
    context = Context({"request": rf.get("/"), "tool": reference_pair[0], "shared_as": '"e"'})
    with pytest.raises(TemplateSyntaxError, match="personal"):
        template.render(context)
    context["shared_as"] = ""  # an anonymous render fails the same way
    with pytest.raises(TemplateSyntaxError, match="personal"):
        template.render(context)
