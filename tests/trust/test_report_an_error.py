"""Report an error: two clicks from the tool page, stored for the editors, bounded, limited."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from core import pages
from trust.models import Correction

pytestmark = pytest.mark.django_db

TOOL = "/tools/code-llama-4/"
FORM = "/tools/code-llama-4/report-an-error/"
VALID = {
    "fact": "pricing",
    "what_is_wrong": "The entry price is $25/mo since November.",
    "source_url": "https://www.llama.com/pricing",
    "email": "reader@example.com",
}
LIMITED = {"correction": {"ip": "2/h", "visitor": "2/h"}}  # hourly: no rollover mid-test


def test_it_is_two_clicks_from_the_tool_page(client, reference_pair):
    page = client.get(TOOL).content.decode()
    assert f'<a href="{FORM}" rel="nofollow">Report an error<span' in page
    form = client.get(FORM)
    assert form.status_code == 200
    assert f'action="{FORM}"' in form.content.decode()
    response = client.post(FORM, VALID)
    assert response.status_code == 303
    assert response["Location"] == FORM + "thanks/"
    assert "your report is with the editors" in client.get(response["Location"]).content.decode()


def test_a_valid_report_is_stored_for_the_editors(client, reference_pair):
    client.post(FORM, VALID)
    report = Correction.objects.get()
    assert report.tool == reference_pair[0]
    assert (report.fact, report.what_is_wrong, report.source_url, report.email) == (
        "pricing",
        VALID["what_is_wrong"],
        VALID["source_url"],
        VALID["email"],
    )
    assert report.status == Correction.Status.NEW
    assert report.handled_by is None and report.reply == ""


def test_source_and_email_are_optional_and_something_else_is_a_choice(client, reference_pair):
    data = {"fact": "other", "what_is_wrong": "The Founder's take is about another tool."}
    assert client.post(FORM, data).status_code == 303
    assert Correction.objects.get().fact == "other"


def test_the_form_can_start_on_a_fact(client, reference_pair):
    content = client.get(FORM, {"fact": "licence"}).content.decode()
    assert '<option value="licence" selected>' in content
    assert " selected>" not in client.get(FORM, {"fact": "<script>"}).content.decode()


def test_htmx_swaps_the_form_for_its_result(client, reference_pair):
    response = client.post(FORM, VALID, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="report-form"')
    assert "your report is with the editors" in content
    assert "<html" not in content
    assert Correction.objects.count() == 1


TOO_LONG = "x" * 2001
BAD_INPUT = [
    ({"fact": ""}, "fact", "Choose the fact that is wrong"),
    ({"fact": "price"}, "fact", "Choose one of the listed facts"),
    ({"what_is_wrong": ""}, "what_is_wrong", "Tell us what is wrong"),
    ({"what_is_wrong": "   \n  "}, "what_is_wrong", "Tell us what is wrong"),
    ({"what_is_wrong": "x"}, "what_is_wrong", "Tell us a little more"),
    (
        {"what_is_wrong": TOO_LONG},
        "what_is_wrong",
        "Keep it under 2,000 characters (you wrote 2001)",
    ),
    ({"source_url": "not a link"}, "source_url", "That is not a web address"),
    ({"source_url": "javascript:alert(1)"}, "source_url", "That is not a web address"),
    ({"source_url": "ftp://example.com/prices"}, "source_url", "Give a web page"),
    ({"source_url": "https://example.com/" + "a" * 500}, "source_url", "That link is too long"),
    ({"email": "not-an-address"}, "email", "doesn&#x27;t look like an email address"),
    ({"email": "a" * 250 + "@example.com"}, "email", "at most 254 characters"),
]


@pytest.mark.parametrize("change,field,message", BAD_INPUT)
def test_bad_input_is_named_on_its_field_and_stores_nothing(
    client, reference_pair, change, field, message
):
    response = client.post(FORM, {**VALID, **change})
    assert response.status_code == 400
    content = response.content.decode()
    assert f'<p class="form-error" id="{field}-error">' in content
    assert message in content
    assert 'aria-invalid="true"' in content
    assert not Correction.objects.exists()


@pytest.mark.parametrize("change,field,message", BAD_INPUT[:3])
def test_bad_input_comes_back_in_place_to_htmx(client, reference_pair, change, field, message):
    response = client.post(FORM, {**VALID, **change}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    content = response.content.decode()
    assert content.lstrip().startswith('<form id="report-form"')
    assert message in content
    assert not Correction.objects.exists()


def test_what_the_reader_typed_is_kept_when_the_form_comes_back(client, reference_pair):
    content = client.post(FORM, {**VALID, "email": "nope"}).content.decode()
    assert VALID["what_is_wrong"] in content
    assert 'value="https://www.llama.com/pricing"' in content


def test_a_missing_or_unpublished_tool_is_a_404(client, reference_pair):
    assert client.post("/tools/no-such-tool/report-an-error/", VALID).status_code == 404
    reference_pair[0].status = "draft"
    reference_pair[0].save()
    assert client.get(FORM).status_code == 404
    assert client.post(FORM, VALID).status_code == 404
    assert client.get(FORM + "thanks/").status_code == 404
    assert not Correction.objects.exists()


def test_other_methods_are_refused(client, reference_pair):
    assert client.put(FORM, VALID).status_code == 405
    assert client.post(FORM + "thanks/", VALID).status_code == 405


@override_settings(RATE_LIMITS=LIMITED)
def test_one_address_is_limited_with_a_clear_429(reference_pair):
    statuses = [Client().post(FORM, VALID).status_code for _ in range(3)]
    assert statuses == [303, 303, 429]
    response = Client().post(FORM, VALID, HTTP_HX_REQUEST="true")
    assert response.status_code == 429
    assert "a lot of reports from your connection" in response.content.decode()
    assert Correction.objects.count() == 2


@override_settings(RATE_LIMITS=LIMITED)
def test_other_addresses_are_not_limited_by_it(reference_pair):
    for _ in range(3):
        Client().post(FORM, VALID)
    assert Client(REMOTE_ADDR="203.0.113.9").post(FORM, VALID).status_code == 303
    assert Correction.objects.count() == 3


def test_a_broken_cache_refuses_the_report_and_says_so(client, reference_pair, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    response = client.post(FORM, VALID)
    assert response.status_code == 503
    assert "record that right now" in response.content.decode()
    assert not Correction.objects.exists()


def test_the_tool_page_stays_cacheable_and_a_report_purges_nothing(client, reference_pair):
    response = client.get(TOOL)
    assert response["Cache-Control"].startswith("public")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    version = pages.versions([f"tool-{reference_pair[0].pk}"])
    client.post(FORM, VALID)
    assert pages.versions([f"tool-{reference_pair[0].pk}"]) == version
