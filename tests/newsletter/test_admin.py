import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from newsletter.models import Digest, Subscriber
from tests.newsletter.conftest import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, verified_login):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    verified_login(client, user)
    return client


def test_subscribers_can_be_filtered_by_status_and_searched(editor_client):
    SubscriberFactory(email="ada@example.com")
    SubscriberFactory(email="bob@example.com", status="pending", confirmed_at=None)
    url = "/admin/newsletter/subscriber/"
    pending = editor_client.get(url, {"status__exact": "pending"}).content.decode()
    assert "bob@example.com" in pending and "ada@example.com" not in pending
    found = editor_client.get(url, {"q": "ada"}).content.decode()
    assert "ada@example.com" in found and "bob@example.com" not in found


def test_subscribers_export_as_csv_safe_to_open_in_a_spreadsheet(editor_client):
    SubscriberFactory(email="ada@example.com")
    SubscriberFactory(email="=1+2@example.com", status="pending", confirmed_at=None)
    response = editor_client.post(
        "/admin/newsletter/subscriber/",
        {
            "action": "export_csv",
            "_selected_action": list(Subscriber.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    assert [row[:2] for row in rows[1:]] == [
        ["'=1+2@example.com", "pending"],
        ["ada@example.com", "confirmed"],
    ]
    assert rows[1][3] == ""


def test_subscribers_cannot_be_added_by_hand(editor_client):
    assert editor_client.get("/admin/newsletter/subscriber/add/").status_code == 403


def test_digests_list_with_their_delivery_counts(
    editor_client, reference_pair, django_assert_max_num_queries
):
    for index in range(3):
        SubscriberFactory(email=f"reader{index}@example.com")
    call_command("send_weekly_digest", stdout=io.StringIO())
    digest = Digest.objects.get()
    with django_assert_max_num_queries(12):
        content = editor_client.get("/admin/newsletter/digest/").content.decode()
    assert digest.week_label in content
    assert '<td class="field-sent_count">3</td>' in content
    assert editor_client.get(f"/admin/newsletter/digest/{digest.pk}/change/").status_code == 200
    assert editor_client.get(f"/admin/newsletter/digest/{digest.pk}/delete/").status_code == 403
