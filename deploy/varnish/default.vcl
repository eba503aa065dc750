vcl 4.1;
# Shiplist's shared HTTP cache: Varnish 7.1 in front of gunicorn (see README.md next to this
# file for the varnishd command line and what each parameter bounds).
#
# What is cached: anonymous GET/HEAD answers that say how long they may be kept
# (Cache-Control s-maxage or max-age, or Expires) and set no cookie. What passes: every other
# method, /admin/, /healthz, and any request carrying the `visitor` or `sessionid` cookie
# (personal pages).
# Invalidation: `PURGE /` with `X-Purge-Keys: key1 key2` and `X-Purge-Secret` from the app bans
# every object whose Surrogate-Key holds one of those keys.

import proxy;
import std;

# The tests (tests/sharedcache/) render a copy of this file with .host, .port and the probe
# .interval replaced; keep each of those on its own line.
backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    .max_connections = 200;
    .probe = {
        # /healthz answers 200 when the database answers, 503 when not (before host checks).
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: the first visitors are not refused while probes warm up.
        .initial = 3;
        .expected_response = 200;
    }
}

# Who may PURGE: the app's own addresses only (this machine, and compose.yaml's `web`, whose
# address is fixed there), and only with the secret varnishd has in PURGE_SECRET: a request
# from a private network, or one the PROXY listener says came from here, is not enough.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.30.80.3";
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Headers this file uses internally; a client may not set them.
        unset req.http.X-Cache-State;
        unset req.http.X-Cache-Refresh;
        unset req.http.X-Cache-Stale-Ok;
        unset req.http.X-Purge-Pattern;
    }

    # Only this cache says how the visitor reached it: a client's own X-Forwarded-Proto or
    # X-Forwarded-Ssl would change what the app redirects to and what is stored for everyone.
    # A TLS terminator in front speaks the PROXY protocol, which says whether it was TLS.
    unset req.http.X-Forwarded-Ssl;
    if (proxy.is_ssl()) {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        unset req.http.X-Forwarded-Proto;
    }
    # htmx sends "true"; any other value is no htmx request, not a variant of the page.
    if (req.http.HX-Request && req.http.HX-Request != "true") {
        unset req.http.HX-Request;
    }

    if (req.http.host ~ "[[:upper:]]") {
        set req.http.host = req.http.host.lower();
    }
    if (!req.http.host && req.proto == "HTTP/1.1") {
        return (synth(400, "Host header required"));
    }

    if (req.method == "PURGE") {
        # Both the connection and the claimed client (PROXY protocol) must be local.
        if (client.ip !~ purgers || remote.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # No secret configured: nobody may purge (pages then expire by s-maxage).
        if (std.getenv("PURGE_SECRET") == "" ||
            req.http.X-Purge-Secret != std.getenv("PURGE_SECRET")) {
            return (synth(403, "Forbidden"));
        }
        std.collect(req.http.X-Purge-Keys, " ");
        if (req.http.X-Purge-Keys !~ "^[a-z0-9 -]*$") {
            return (synth(400, "X-Purge-Keys: space separated [a-z0-9-] keys"));
        }
        # "tool-12  category-3 " -> "tool-12|category-3"
        set req.http.X-Purge-Pattern = regsuball(
            regsuball(req.http.X-Purge-Keys, "^ +| +$", ""), " +", "|");
        if (req.http.X-Purge-Pattern == "") {
            return (synth(400, "X-Purge-Keys: no keys"));
        }
        # obj.* only, so the ban lurker can clear matching objects in the background. A whole
        # key: tool-1 must not match tool-12. (Varnish 7.1 splits a ban expression at spaces
        # and keeps quotes as part of the regex: hence no quotes, and [[:space:]] for " ".)
        if (std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" + req.http.X-Purge-Pattern
            + ")([[:space:]]|$)")) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }

    if (req.method == "PRI") {
        return (synth(405));
    }

    # Only one value reaches the app and the cache key: br, gzip or none. The app compresses
    # its own pages (varnishd runs with http_gzip_support=off) and answers Vary: Accept-Encoding.
    if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*br\s*(;\s*q\s*=\s*(1(\.0*)?|0?\.0*[1-9][0-9]*)\s*)?(,|$)") {
        set req.http.Accept-Encoding = "br";
    } else if (req.http.Accept-Encoding ~ "(?i)(^|,)\s*(x-)?gzip\s*(;\s*q\s*=\s*(1(\.0*)?|0?\.0*[1-9][0-9]*)\s*)?(,|$)") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }

    if (req.method == "POST" && req.url ~ "^/admin/[^?]+/import/$") {
        # The admin's catalogue import takes a file: up to 2 MB, as MAX_ADMIN_IMPORT_BODY.
        std.late_100_continue(true);
        if (std.integer(req.http.Content-Length, 0) > 2097152) {
            return (synth(413, "Request body too large"));
        }
        if (!std.cache_req_body(2MB)) {
            return (synth(413, "Request body too large"));
        }
        return (pass);
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # Read the whole body here (at most 64 KB) so a slow upload never holds a gunicorn
        # worker; nothing the site accepts comes near that size. A client that asked
        # "Expect: 100-continue" is told to go on only once the body is wanted, so one
        # refused for its size never sends it.
        std.late_100_continue(true);
        if (std.integer(req.http.Content-Length, 0) > 65536) {
            return (synth(413, "Request body too large"));
        }
        if (!std.cache_req_body(64KB)) {
            return (synth(413, "Request body too large"));
        }
        return (pass);
    }

    if (req.http.X-Cache-Refresh && !req.http.X-Cache-Stale-Ok) {
        # Second pass from vcl_hit: the copy is too stale to serve while the backend is up.
        # With no grace it is a miss (still used for a conditional If-None-Match fetch).
        set req.grace = 0s;
    } else {
        set req.grace = 24h;
    }

    if (req.url ~ "^/admin(/|$)" || req.url ~ "^/healthz(\?|$)") {
        return (pass);
    }

    # Static files are the same for everyone: never let a cookie make them miss.
    if (req.url ~ "^/static/") {
        unset req.http.Cookie;
        return (hash);
    }

    # A visitor who voted or bookmarked (`visitor`) or signed in (`sessionid`) sees their own
    # state on every page (core/pages.py is_personal).
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|visitor)=") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # Any other cookie (csrftoken, analytics) changes nothing on a public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_hit {
    set req.http.X-Cache-State = "HIT";
    # Past its s-maxage: within the response's stale-while-revalidate, serve it and refresh in
    # the background (Varnish's grace). Beyond that, while the probe says the backend is
    # healthy, fetch a fresh copy first; when the backend is sick, the stored grace (the
    # response's stale-if-error, at most 24 h) lets the stale copy be served.
    if (obj.ttl <= 0s && !req.http.X-Cache-Refresh && std.healthy(req.backend_hint)
        && obj.ttl + std.duration(obj.http.X-Cache-SWR, 0s) <= 0s) {
        set req.http.X-Cache-Refresh = "1";
        return (restart);
    }
    return (deliver);
}

sub vcl_miss {
    set req.http.X-Cache-State = "MISS";
    if (req.http.X-Cache-Stale-Ok) {
        # The stale copy we restarted for has gone meanwhile: the backend already failed once.
        return (synth(503, "Service Unavailable"));
    }
    return (fetch);
}

sub vcl_pass {
    set req.http.X-Cache-State = "PASS";
    # The app answers whole: a range (above all a multi-range one) is not forwarded.
    unset req.http.Range;
    return (fetch);
}

sub vcl_backend_fetch {
    if (bereq.is_bgfetch && bereq.http.X-Cache-Stale-Ok) {
        # Serving a stale copy because a refresh just failed: do not try again at once.
        return (abandon);
    }
    if (bereq.method == "GET") {
        unset bereq.body;
    }
    return (fetch);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        # A pass (session, admin, POST): streamed to the client, never stored.
        return (deliver);
    }

    # A 429 is one address's answer (the API's limit): like an error, never stored and never a
    # hit-for-miss marker, which would send everyone's requests for it to the app.
    if (beresp.status >= 500 || beresp.status == 429) {
        if (bereq.is_bgfetch || bereq.http.X-Cache-Refresh) {
            # Keep serving the stale copy instead (stale-if-error).
            return (abandon);
        }
        # Not stored, and a zero TTL so no hit-for-miss marker hides an older copy.
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    if (beresp.http.Set-Cookie
        || (!beresp.http.Cache-Control && !beresp.http.Expires)
        || beresp.http.Cache-Control ~ "(?i)(no-cache|no-store|private)"
        || beresp.http.Surrogate-Control ~ "(?i)no-store"
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        # Never stored. Hit-for-miss for a while: requests for it go straight to the backend
        # without queueing behind each other.
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # Stored for everyone: not the one address's count the app told the client that fetched it.
    unset beresp.http.RateLimit-Limit;
    unset beresp.http.RateLimit-Remaining;
    unset beresp.http.RateLimit-Reset;

    # Varnish set beresp.ttl from s-maxage (else max-age) and beresp.grace from
    # stale-while-revalidate (else the default_grace parameter). Remember the latter, then
    # keep the object for its stale-if-error window (at most 24 h; 24 h when not given).
    set beresp.http.X-Cache-SWR = "" + beresp.grace + "s";
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error\s*=\s*[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "(?i)^.*stale-if-error\s*=\s*([0-9]+).*$", "\1s"),
            24h);
    } else {
        set beresp.grace = 24h;
    }
    if (beresp.grace > 24h) {
        set beresp.grace = 24h;
    }
    if (beresp.grace < std.duration(beresp.http.X-Cache-SWR, 0s)) {
        set beresp.grace = std.duration(beresp.http.X-Cache-SWR, 0s);
    }
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch || bereq.http.X-Cache-Refresh) {
        return (abandon);
    }
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "5";
    set beresp.http.Cache-Control = "no-store";
    set beresp.body = "The site is not answering right now. Please try again in a moment." + {"
"};
    return (deliver);
}

sub vcl_deliver {
    set resp.http.X-Cache = req.http.X-Cache-State;
    if (!resp.http.X-Cache) {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Cache-SWR;
    return (deliver);
}

sub vcl_synth {
    if (resp.status == 503 && req.http.X-Cache-Refresh && !req.http.X-Cache-Stale-Ok) {
        # The refresh failed (5xx or no answer): serve the stale copy after all.
        set req.http.X-Cache-Stale-Ok = "1";
        return (restart);
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.http.Cache-Control = "no-store";
    if (resp.status == 503) {
        set resp.http.Retry-After = "5";
    }
    set resp.body = "" + resp.status + " " + resp.reason + {"
"};
    return (deliver);
}
