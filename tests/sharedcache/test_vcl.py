"""deploy/varnish/default.vcl, run by a real varnishd in front of a stub backend.

These tests pin what the shared cache does whatever the app answers: what it stores, what it
passes, how a PURGE bans, what it serves when the backend fails, what it refuses.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time

import pytest

from tests.sharedcache.conftest import (
    HANG_UP,
    PURGE_SECRET,
    Route,
    start_varnish,
    stop_varnish,
    wait_until,
)

PUBLIC = "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"


def public_page(stub, path: str, body: str, keys: str = "", cache_control: str = PUBLIC):
    headers = {"Cache-Control": cache_control, "Content-Type": "text/html; charset=utf-8"}
    if keys:
        headers["Surrogate-Key"] = keys
        headers["Cache-Tag"] = ",".join(keys.split())
    stub.answer(path, headers=headers, body=body)


# --- What is stored ---------------------------------------------------------------------------


def test_an_anonymous_page_is_fetched_once_then_served_from_the_cache(
    stub_backend, varnish_for_stub
):
    public_page(stub_backend, "/compare/a-vs-b/", "the page", keys="tool-1 tool-2")
    first = varnish_for_stub.get("/compare/a-vs-b/", Cookie="csrftoken=abc; theme=dark")
    second = varnish_for_stub.get("/compare/a-vs-b/")
    assert (first.status, first.cache, first.text) == (200, "MISS", "the page")
    assert (second.status, second.cache, second.text) == (200, "HIT", "the page")
    assert stub_backend.hits("/compare/a-vs-b/") == 1
    # Cookies other than the session never reach the app for a public page.
    assert "Cookie" not in stub_backend.requests_for("/compare/a-vs-b/")[0].headers
    # The keys stay visible (they name public things only); the internal header does not.
    assert second.headers["Surrogate-Key"] == "tool-1 tool-2"
    assert "X-Cache-SWR" not in second.headers


def test_a_browser_revalidating_with_its_etag_gets_304_from_the_cache(
    stub_backend, varnish_for_stub
):
    stub_backend.answer(
        "/tools/a/", headers={"Cache-Control": PUBLIC, "ETag": '"v1"'}, body="the tool page"
    )
    varnish_for_stub.get("/tools/a/")
    revalidated = varnish_for_stub.get("/tools/a/", If_None_Match='"v1"')
    assert (revalidated.status, revalidated.cache, revalidated.body) == (304, "HIT", b"")
    assert stub_backend.hits("/tools/a/") == 1


def test_an_answer_that_sets_a_cookie_is_never_stored(stub_backend, varnish_for_stub):
    stub_backend.answer(
        "/tools/",
        headers={"Cache-Control": PUBLIC, "Set-Cookie": "csrftoken=secret; Path=/"},
        body="a page with somebody's cookie",
    )
    first = varnish_for_stub.get("/tools/")
    second = varnish_for_stub.get("/tools/")
    assert first.headers["Set-Cookie"] == "csrftoken=secret; Path=/"  # to its own requester
    assert second.cache == "MISS"
    assert stub_backend.hits("/tools/") == 2


def test_answers_that_do_not_allow_sharing_are_never_stored(stub_backend, varnish_for_stub):
    for path, headers in {
        "/private/": {"Cache-Control": "private, max-age=600"},
        "/no-cache/": {"Cache-Control": "no-cache"},
        "/no-store/": {"Cache-Control": "no-store"},
        "/silent/": {},  # no Cache-Control and no Expires: not Varnish's default 120 s
        "/vary-star/": {"Cache-Control": PUBLIC, "Vary": "*"},
    }.items():
        stub_backend.answer(path, headers=headers, body=path)
        for _ in range(2):
            assert varnish_for_stub.get(path).text == path
        assert stub_backend.hits(path) == 2, path


@pytest.mark.parametrize("cookie", ["sessionid", "visitor"])
def test_a_request_with_a_session_is_never_served_from_nor_stored_in_the_cache(
    stub_backend, varnish_for_stub, cookie
):
    """`visitor` (a reader who voted or bookmarked) and `sessionid` (an editor) make pages
    personal."""
    public_page(stub_backend, "/compare/a-vs-b/", "anonymous page")
    assert varnish_for_stub.get("/compare/a-vs-b/").cache == "MISS"
    assert varnish_for_stub.get("/compare/a-vs-b/").cache == "HIT"

    # The app answers the visitor with a session with their own page; here, even one that
    # (wrongly) claims to be public must not be stored.
    public_page(stub_backend, "/compare/a-vs-b/", "Alice's page: you voted ship")
    personal = varnish_for_stub.get(
        "/compare/a-vs-b/", Cookie=f"csrftoken=abc; {cookie}=alice-session"
    )
    assert (personal.cache, personal.text) == ("PASS", "Alice's page: you voted ship")
    seen = stub_backend.requests_for("/compare/a-vs-b/")[-1]
    assert seen.headers["Cookie"] == f"csrftoken=abc; {cookie}=alice-session"

    anonymous = varnish_for_stub.get("/compare/a-vs-b/")
    assert (anonymous.cache, anonymous.text) == ("HIT", "anonymous page")

    # A first visit with a session to a page nobody cached leaves nothing behind either.
    public_page(stub_backend, "/tools/b/", "Bob's page")
    assert varnish_for_stub.get("/tools/b/", Cookie=f"{cookie}=bob").text == "Bob's page"
    public_page(stub_backend, "/tools/b/", "anonymous tool page")
    after = varnish_for_stub.get("/tools/b/")
    assert (after.cache, after.text) == ("MISS", "anonymous tool page")


def test_static_files_are_cached_even_for_visitors_with_a_session(stub_backend, varnish_for_stub):
    path = "/static/css/site.0123456789ab.css"
    stub_backend.answer(
        path, headers={"Cache-Control": "max-age=315360000, public, immutable"}, body="css"
    )
    varnish_for_stub.get(path, Cookie="sessionid=alice")
    again = varnish_for_stub.get(path, Cookie="sessionid=bob")
    assert (again.cache, again.text) == ("HIT", "css")
    assert stub_backend.hits(path) == 1
    assert "Cookie" not in stub_backend.requests_for(path)[0].headers


def test_admin_and_healthz_always_reach_the_app_with_their_cookies(stub_backend, varnish_for_stub):
    stub_backend.answer("/admin/login/", headers={"Cache-Control": PUBLIC}, body="login")
    for _ in range(2):
        response = varnish_for_stub.get("/admin/login/", Cookie="csrftoken=abc")
        assert (response.cache, response.text) == ("PASS", "login")
    assert stub_backend.hits("/admin/login/") == 2
    assert stub_backend.requests_for("/admin/login/")[0].headers["Cookie"] == "csrftoken=abc"
    assert varnish_for_stub.get("/healthz").cache == "PASS"


# --- Accept-Encoding ----------------------------------------------------------------------------


def encoded_by_the_app(headers: dict[str, str]) -> Route:
    """Answers as the app does: one representation per Accept-Encoding value. (Varnish checks
    that a gzip body is valid gzip, so it is; it does not look inside brotli.)"""
    encoding = headers.get("Accept-Encoding", "")
    answer = {"Cache-Control": PUBLIC, "Vary": "Accept-Encoding", "ETag": f'"v1-{encoding}"'}
    body = f"body for [{encoding}]".encode()
    if encoding:
        answer["Content-Encoding"] = encoding
    if encoding == "gzip":
        body = gzip.compress(body)
    return Route(200, answer, body)


def decoded(response) -> str:
    if response.headers.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.body).decode()
    return response.text


def test_accept_encoding_is_normalised_and_each_variant_cached_once(stub_backend, varnish_for_stub):
    stub_backend.answer("/", dynamic=encoded_by_the_app)
    cases = [
        ("gzip, deflate, br, zstd", "br"),
        ("br", "br"),
        ("gzip, deflate", "gzip"),
        ("GZIP", "gzip"),
        ("br;q=0, gzip;q=0.8", "gzip"),
        ("br;q=0.5", "br"),
        ("deflate", ""),
        ("identity", ""),
        ("gzip;q=0", ""),
        (None, ""),
    ]
    for sent, expected in cases:
        headers = {"Accept-Encoding": sent} if sent is not None else {}
        response = varnish_for_stub.request("GET", "/", headers)
        # The app's own encoding passes through untouched (http_gzip_support=off).
        assert response.headers.get("Content-Encoding", "") == expected, sent
        assert decoded(response) == f"body for [{expected}]", sent
    seen = [request.headers.get("Accept-Encoding", "") for request in stub_backend.seen]
    assert sorted(seen) == ["", "br", "gzip"]  # one fetch per normalised value


# --- PURGE --------------------------------------------------------------------------------------


def test_purge_bans_exactly_the_objects_tagged_with_a_key(stub_backend, varnish_for_stub):
    pages = {
        "/tools/one/": "tool-1 category-3 tools",
        "/tools/twelve/": "tool-12 category-3",
        "/tools/hundred/": "tool-123",
        "/compare/one-vs-two/": "tool-1 tool-2 panel",
    }
    for path, keys in pages.items():
        public_page(stub_backend, path, f"{path} v1", keys=keys)
        varnish_for_stub.get(path)

    purged = varnish_for_stub.purge("tool-1")
    assert purged.status == 200
    status = {path: varnish_for_stub.get(path).cache for path in pages}
    # "tool-1" is a whole key: tool-12 and tool-123 are other tools.
    assert status == {
        "/tools/one/": "MISS",
        "/tools/twelve/": "HIT",
        "/tools/hundred/": "HIT",
        "/compare/one-vs-two/": "MISS",
    }

    assert varnish_for_stub.purge("  nothing-matches   category-3 ").status == 200
    status = {path: varnish_for_stub.get(path).cache for path in pages}
    assert status == {
        "/tools/one/": "MISS",
        "/tools/twelve/": "MISS",
        "/tools/hundred/": "HIT",
        "/compare/one-vs-two/": "HIT",
    }


def test_purge_shows_the_new_content_at_once(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "old tagline", keys="tool-7")
    varnish_for_stub.get("/tools/a/")
    public_page(stub_backend, "/tools/a/", "new tagline", keys="tool-7")
    assert varnish_for_stub.get("/tools/a/").text == "old tagline"
    varnish_for_stub.purge("tool-7")
    assert varnish_for_stub.get("/tools/a/").text == "new tagline"


def test_purge_refuses_keys_that_are_not_plain_words(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "page", keys="tool-1")
    varnish_for_stub.get("/tools/a/")
    for keys in ["", "   ", "Tool-1", "tool_1", ".*", "tool-1|tool-2", 'tool-1")( |$', "tool-1,x"]:
        assert varnish_for_stub.purge(keys).status == 400, keys
    no_keys = varnish_for_stub.request("PURGE", "/", {"X-Purge-Secret": PURGE_SECRET})
    assert no_keys.status == 400
    assert varnish_for_stub.get("/tools/a/").cache == "HIT"


def test_purge_is_refused_to_anyone_outside_the_acl(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "page", keys="tool-1")
    varnish_for_stub.get("/tools/a/")
    purge = {"X-Purge-Keys": "tool-1", "X-Purge-Secret": PURGE_SECRET}
    # A visitor relayed by a TLS terminator (PROXY protocol) is not the app, whatever the
    # terminator's own address, and neither is any other host on a private network.
    for relayed in ("203.0.113.7", "10.1.2.3", "172.30.80.9", "192.168.1.20"):
        assert varnish_for_stub.request_via_proxy_protocol(relayed, "PURGE", "/", purge) == 403
    assert varnish_for_stub.get("/tools/a/").cache == "HIT"
    insider = varnish_for_stub.request_via_proxy_protocol("127.0.0.1", "PURGE", "/", purge)
    assert insider == 200
    assert varnish_for_stub.get("/tools/a/").cache == "MISS"


@pytest.mark.parametrize("secret", ["", "wrong", PURGE_SECRET[:-1], PURGE_SECRET + "x"])
def test_purge_without_the_secret_is_refused_even_from_the_app(
    stub_backend, varnish_for_stub, secret
):
    public_page(stub_backend, "/tools/a/", "page", keys="tool-1")
    varnish_for_stub.get("/tools/a/")
    assert varnish_for_stub.purge("tool-1", secret=secret).status == 403
    assert varnish_for_stub.request("PURGE", "/", {"X-Purge-Keys": "tool-1"}).status == 403
    assert varnish_for_stub.get("/tools/a/").cache == "HIT"
    assert varnish_for_stub.purge("tool-1").status == 200


def test_a_varnish_without_a_secret_accepts_no_purge(stub_backend, tmp_path):
    varnish = start_varnish(tmp_path, "127.0.0.1", stub_backend.port, purge_secret="")
    try:
        public_page(stub_backend, "/tools/a/", "page", keys="tool-1")
        varnish.get("/tools/a/")
        for secret in ("", "anything"):
            assert varnish.purge("tool-1", secret=secret).status == 403
        assert varnish.request("PURGE", "/", {"X-Purge-Keys": "tool-1"}).status == 403
        assert varnish.get("/tools/a/").cache == "HIT"
    finally:
        stop_varnish(varnish)


# --- Stale content ------------------------------------------------------------------------------

SHORT = "public, max-age=0, s-maxage=1, stale-while-revalidate=1, stale-if-error=3600"


def test_within_stale_while_revalidate_the_stale_copy_is_served_while_refreshing(
    stub_backend, varnish_for_stub
):
    public_page(stub_backend, "/tools/a/", "v1", cache_control=SHORT)
    varnish_for_stub.get("/tools/a/")
    public_page(stub_backend, "/tools/a/", "v2", cache_control=SHORT)
    time.sleep(1.3)  # expired, within its 1 s of stale-while-revalidate
    stale = varnish_for_stub.get("/tools/a/")
    assert (stale.cache, stale.text) == ("HIT", "v1")
    assert wait_until(lambda: stub_backend.hits("/tools/a/") == 2, 2), "no background refresh"
    assert wait_until(lambda: varnish_for_stub.get("/tools/a/").text == "v2", 2)


def test_beyond_stale_while_revalidate_a_healthy_backend_is_asked_first(
    stub_backend, varnish_for_stub
):
    paths = ["/tools/a/", "/static/css/site.css"]
    for path in paths:
        public_page(stub_backend, path, "v1", cache_control=SHORT)
        varnish_for_stub.get(path)
        public_page(stub_backend, path, "v2", cache_control=SHORT)
    time.sleep(2.3)  # past s-maxage + stale-while-revalidate
    for path in paths:
        fresh = varnish_for_stub.get(path)
        assert (fresh.cache, fresh.text) == ("MISS", "v2"), path
        assert stub_backend.hits(path) == 2, path


def test_stale_copy_is_served_when_the_backend_answers_errors(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "v1", cache_control=SHORT)
    varnish_for_stub.get("/tools/a/")
    stub_backend.answer("/tools/a/", status=503, body="database down")

    time.sleep(1.3)  # within stale-while-revalidate: the background refresh fails
    during = varnish_for_stub.get("/tools/a/")
    assert (during.status, during.text) == (200, "v1")
    assert wait_until(lambda: stub_backend.hits("/tools/a/") == 2, 2)

    time.sleep(1.2)  # beyond it: the foreground refresh fails, the stale copy is served
    after = varnish_for_stub.get("/tools/a/")
    assert (after.status, after.cache, after.text) == (200, "HIT", "v1")
    # The app was asked once first, and not again in the background straight after.
    time.sleep(0.3)
    assert stub_backend.hits("/tools/a/") == 3

    public_page(stub_backend, "/tools/a/", "v2", cache_control=SHORT)
    assert wait_until(lambda: varnish_for_stub.get("/tools/a/").text == "v2", 3)


def test_a_page_never_cached_shows_the_apps_own_error(stub_backend, varnish_for_stub):
    stub_backend.answer("/tools/a/", status=503, body="the app's 503 page")
    for _ in range(2):
        response = varnish_for_stub.get("/tools/a/")
        assert (response.status, response.text) == (503, "the app's 503 page")
    assert stub_backend.hits("/tools/a/") == 2


def test_stale_copy_is_served_when_the_app_hangs_up(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "v1", cache_control=SHORT)
    varnish_for_stub.get("/tools/a/")
    stub_backend.answer("/tools/a/", status=HANG_UP)  # /healthz still fine: probe healthy
    time.sleep(2.3)
    stale = varnish_for_stub.get("/tools/a/")
    assert (stale.status, stale.cache, stale.text) == (200, "HIT", "v1")
    assert stub_backend.hits("/tools/a/") >= 2  # the app was asked first
    assert "healthy" in varnish_for_stub.adm("backend.list")


def test_stale_copy_is_served_when_the_backend_is_down(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/tools/a/", "v1", cache_control=SHORT)
    varnish_for_stub.get("/tools/a/")
    stub_backend.stop()
    # The probe marks it sick; stale copies are then served without trying the backend.
    assert wait_until(lambda: "sick" in varnish_for_stub.adm("backend.list"), 5), (
        varnish_for_stub.adm("backend.list")
    )
    time.sleep(2.3)  # past s-maxage + stale-while-revalidate
    sick = varnish_for_stub.get("/tools/a/")
    assert (sick.status, sick.cache, sick.text) == (200, "HIT", "v1")
    assert varnish_for_stub.get("/tools/never-cached/").status == 503


def test_stale_if_error_bounds_how_long_a_stale_copy_is_kept(stub_backend, varnish_for_stub):
    public_page(
        stub_backend,
        "/tools/a/",
        "v1",
        cache_control="public, max-age=0, s-maxage=1, stale-while-revalidate=0, stale-if-error=1",
    )
    varnish_for_stub.get("/tools/a/")
    stub_backend.answer("/tools/a/", status=503, body="database down")
    time.sleep(1.5)
    assert varnish_for_stub.get("/tools/a/").text == "v1"  # within stale-if-error
    time.sleep(1.0)
    late = varnish_for_stub.get("/tools/a/")
    assert (late.status, late.text) == (503, "database down")


def test_a_health_probe_reads_healthz(stub_backend, varnish_for_stub):
    assert wait_until(lambda: "healthy" in varnish_for_stub.adm("backend.list"), 5)
    stub_backend.answer("/healthz", status=503, body="database down")
    assert wait_until(lambda: "sick" in varnish_for_stub.adm("backend.list"), 5)
    stub_backend.answer("/healthz", status=200, body="ok")
    assert wait_until(lambda: "healthy" in varnish_for_stub.adm("backend.list"), 5)


# --- Request bodies -----------------------------------------------------------------------------


def test_a_post_passes_with_its_body_and_cookies(stub_backend, varnish_for_stub):
    stub_backend.answer("/tools/a/vote/", status=303, headers={"Location": "/tools/a/"})
    body = b"value=ship&csrfmiddlewaretoken=" + b"x" * 10_000
    response = varnish_for_stub.request(
        "POST",
        "/tools/a/vote/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "csrftoken=abc; sessionid=alice",
        },
        body,
    )
    assert (response.status, response.cache) == (303, "PASS")
    seen = stub_backend.requests_for("/tools/a/vote/")
    assert [(r.method, r.body, r.headers["Cookie"]) for r in seen] == [
        ("POST", body, "csrftoken=abc; sessionid=alice")
    ]


def send_raw(varnish, head: str, body: bytes) -> bytes | None:
    """Send a request's head, then its body while reading the answer (Varnish may answer and
    close before the body is all sent). The answer's first bytes, or None on a reset."""
    with socket.create_connection(("127.0.0.1", varnish.port), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")

        def send_body() -> None:
            with contextlib.suppress(OSError):
                sock.sendall(body)

        sender = threading.Thread(target=send_body)
        sender.start()
        try:
            answer = sock.recv(4096)
        except ConnectionResetError:
            answer = None
        sender.join()
        return answer


def test_a_body_over_64_kb_is_refused_before_the_app(stub_backend, varnish_for_stub):
    stub_backend.answer("/tools/a/vote/", status=303, headers={"Location": "/tools/a/"})
    head = "POST /tools/a/vote/ HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/plain\n"
    big = b"x" * 100_000

    declared = send_raw(varnish_for_stub, head + f"Content-Length: {len(big)}\n", big)
    assert declared is not None and declared.startswith(b"HTTP/1.1 413 ")

    # A client that waits for "100 Continue" is refused without sending its body.
    with socket.create_connection(("127.0.0.1", varnish_for_stub.port), timeout=10) as sock:
        sock.sendall(
            (head + f"Content-Length: {len(big)}\nExpect: 100-continue\n\n")
            .replace("\n", "\r\n")
            .encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")

    # Chunked, with no length to look at: Varnish reads 64 KB, then refuses (413) and closes
    # the connection, which usually reaches the client as a reset before the 413 does.
    chunked = send_raw(
        varnish_for_stub,
        head + "Transfer-Encoding: chunked\n",
        b"%x\r\n" % len(big) + big + b"\r\n0\r\n\r\n",
    )
    assert chunked is None or chunked.startswith(b"HTTP/1.1 413 ")

    assert stub_backend.hits("/tools/a/vote/") == 0
    # Within the limit, a chunked body is passed on whole.
    small = send_raw(
        varnish_for_stub,
        head + "Transfer-Encoding: chunked\n",
        b"%x\r\n" % 60_000 + big[:60_000] + b"\r\n0\r\n\r\n",
    )
    assert small is not None and small.startswith(b"HTTP/1.1 303 ")
    assert [len(r.body) for r in stub_backend.requests_for("/tools/a/vote/")] == [60_000]


def test_oversized_request_headers_never_reach_the_app(stub_backend, varnish_for_stub):
    public_page(stub_backend, "/", "home")
    head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    one_long = head + "X-Long: " + "a" * 9000 + "\r\n\r\n"  # http_req_hdr_len=8k
    too_many = head + "".join(f"X-{n}: a\r\n" for n in range(100)) + "\r\n"  # http_max_hdr=64
    too_big = head + "".join(f"X-{n}: {'a' * 4000}\r\n" for n in range(10)) + "\r\n"  # 32k
    for request in (one_long, too_many, too_big):
        with socket.create_connection(("127.0.0.1", varnish_for_stub.port), timeout=10) as sock:
            sock.sendall(request.encode())
            try:
                answer = sock.recv(4096)
            except ConnectionResetError:
                answer = b""
        assert answer == b"" or answer.startswith(b"HTTP/1.1 400 "), answer[:80]
    assert stub_backend.hits("/") == 0
    assert varnish_for_stub.get("/").text == "home"


def test_the_admin_catalogue_import_takes_a_file_up_to_2_mb(stub_backend, varnish_for_stub):
    path = "/admin/tools/tool/import/"
    stub_backend.answer(path, status=200, body="preview")
    head = f"POST {path} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/csv\n"
    file = b"x" * 1_000_000
    passed = send_raw(varnish_for_stub, head + f"Content-Length: {len(file)}\n", file)
    assert passed is not None and passed.startswith(b"HTTP/1.1 200 ")
    assert [len(r.body) for r in stub_backend.requests_for(path)] == [len(file)]
    too_big = b"x" * 2_200_000
    refused = send_raw(varnish_for_stub, head + f"Content-Length: {len(too_big)}\n", too_big)
    assert refused is not None and refused.startswith(b"HTTP/1.1 413 ")
    # Any other admin form keeps the 64 KB limit.
    other = "/admin/tools/tool/add/"
    head = f"POST {other} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/plain\n"
    refused = send_raw(varnish_for_stub, head + f"Content-Length: {len(file)}\n", file)
    assert refused is not None and refused.startswith(b"HTTP/1.1 413 ")
    assert stub_backend.hits(other) == 0


# --- Headers only this cache may set -----------------------------------------------------------


def test_a_clients_forwarded_scheme_never_reaches_the_app_or_splits_the_cache(
    stub_backend, varnish_for_stub
):
    public_page(stub_backend, "/tools/a/", "page")
    forged = [
        {"X-Forwarded-Proto": "https"},
        {"X-Forwarded-Proto": "gopher"},
        {"X-Forwarded-Ssl": "on"},
        {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
    ]
    for headers in forged:
        varnish_for_stub.request("GET", "/tools/a/", headers)
        varnish_for_stub.request("GET", "/tools/b/", {**headers, "Cookie": "visitor=1"})
    assert stub_backend.hits("/tools/a/") == 1  # one object for all of them
    for seen in stub_backend.seen:
        names = {name.lower() for name in seen.headers}
        assert not names & {"x-forwarded-proto", "x-forwarded-ssl"}, seen.headers


@pytest.mark.parametrize("value", ["false", "1", "TRUE", "yes", "x" * 50])
def test_any_htmx_header_but_true_is_no_htmx_request(stub_backend, varnish_for_stub, value):
    public_page(stub_backend, "/tools/a/", "page")
    stub_backend.routes["/tools/a/"].headers["Vary"] = "HX-Request"
    varnish_for_stub.get("/tools/a/")
    assert varnish_for_stub.request("GET", "/tools/a/", {"HX-Request": value}).cache == "HIT"
    assert stub_backend.hits("/tools/a/") == 1
    assert varnish_for_stub.request("GET", "/tools/a/", {"HX-Request": "true"}).cache == "MISS"
    assert [seen.headers.get("HX-Request") for seen in stub_backend.seen] == [None, "true"]


@pytest.mark.parametrize("ranges", ["bytes=0-1,3-4", "bytes=0-0,-1", "bytes=5-2"])
def test_a_range_on_a_passed_request_gets_the_whole_answer(stub_backend, varnish_for_stub, ranges):
    stub_backend.answer("/tools/a/", headers={"Content-Type": "text/html"}, body="whole page")
    answer = varnish_for_stub.request("GET", "/tools/a/", {"Range": ranges, "Cookie": "visitor=1"})
    assert (answer.status, answer.text) == (200, "whole page")
    assert "Range" not in stub_backend.requests_for("/tools/a/")[0].headers


def test_one_addresss_rate_limit_is_never_kept_for_others(stub_backend, varnish_for_stub):
    headers = {
        "Cache-Control": PUBLIC,
        "Content-Type": "application/json",
        "RateLimit-Limit": "120",
        "RateLimit-Remaining": "7",
        "RateLimit-Reset": "30",
    }
    stub_backend.answer("/api/v1/tools", headers=headers, body="[]")
    first = varnish_for_stub.get("/api/v1/tools")
    second = varnish_for_stub.get("/api/v1/tools")
    assert (second.status, second.cache) == (200, "HIT")
    for answer in (first, second):
        assert not any(name.lower().startswith("ratelimit") for name in answer.headers)
    # A 429 is that address's answer: not stored, and the next request goes to the app.
    refused = {"Cache-Control": "no-store", "Retry-After": "30", "Content-Type": "application/json"}
    stub_backend.answer("/api/v1/critics", 429, refused, '{"detail": "Too many requests."}')
    assert varnish_for_stub.get("/api/v1/critics").status == 429
    public_page(stub_backend, "/api/v1/critics", "[]")
    answer = varnish_for_stub.get("/api/v1/critics")
    assert (answer.status, answer.cache) == (200, "MISS")
    assert varnish_for_stub.get("/api/v1/critics").cache == "HIT"
