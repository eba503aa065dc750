"""Run by test_security_headers in a DEBUG-off process: prints what a browser would get."""

import json
import re

from django.test import Client

client = Client(
    HTTP_X_FORWARDED_PROTO="https", raise_request_exception=False, enforce_csrf_checks=True
)
report = {}
for name, path in {
    "page": "/compare/code-llama-4-vs-mistral-3b/",
    "fragment": "/bookmarks/",
    "redirect": "/compare/mistral-3b-vs-code-llama-4/",
    "not_found": "/tools/no-such-tool/",
}.items():
    response = client.get(path, HTTP_HX_REQUEST="true" if name == "fragment" else "")
    report[name] = {"status": response.status_code, "headers": dict(response.items())}
client.post("/tools/code-llama-4/vote/", {"value": "ship"}, HTTP_SEC_FETCH_SITE="same-origin")
# A browser that sends no Fetch Metadata gets the confirmation page, with a token and its cookie.
confirm = client.post("/tools/code-llama-4/vote/", {"value": "skip"}).content.decode()
assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm)
report["cookies"] = {
    name: {key: str(morsel[key]) for key in ("secure", "httponly", "samesite")}
    for name, morsel in client.cookies.items()
}
insecure = Client(raise_request_exception=False).get("/tools/code-llama-4/")
report["plain_http"] = {"status": insecure.status_code, "location": insecure.get("Location", "")}
print("PROBE" + json.dumps(report))
