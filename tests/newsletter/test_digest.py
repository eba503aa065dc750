import datetime
import smtplib

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import services
from newsletter.digest import week_of
from newsletter.models import Digest, DigestDelivery, Subscriber
from tests.factories import ReviewFactory, VoteFactory
from tests.newsletter.conftest import SITE, SubscriberFactory, html_of, link_in
from verdicts.models import Review

pytestmark = pytest.mark.django_db


def send(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_weekly_digest", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def readers():
    return [SubscriberFactory(email=f"reader{index}@example.com") for index in range(5)]


def test_it_sends_the_week_to_confirmed_subscribers_only(reference_pair, readers, mailoutbox):
    SubscriberFactory(email="pending@example.com", status="pending", confirmed_at=None)
    SubscriberFactory(email="gone@example.com", status="unsubscribed")
    output = send()
    assert "sent 5" in output
    assert sorted(message.to[0] for message in mailoutbox) == [r.email for r in readers]
    message = mailoutbox[0]
    assert message.subject == "Shiplist weekly: the panel's verdicts on Code Llama 4 and Mistral 3B"
    assert "== Code Llama 4 (Developer Tools) ==" in message.body
    assert "The Builder: 84/100 · ship" in message.body
    assert f"{SITE}/tools/code-llama-4/" in message.body
    assert "Panel: Ship · 3 ship / 1 skip" in message.body
    html = html_of(message)
    assert f'href="{SITE}/tools/mistral-3b/"' in html
    assert "The Skeptic · 80/100" in html


def test_each_digest_carries_its_recipients_own_one_click_unsubscribe(
    client, reference_pair, readers, mailoutbox
):
    send()
    links = set()
    for message in mailoutbox:
        path = link_in(message.body, "unsubscribe")
        assert link_in(html_of(message), "unsubscribe") == path
        assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{path}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        links.add(path)
    assert len(links) == 5
    client.post(sorted(links)[0], {"List-Unsubscribe": "One-Click"})
    assert Subscriber.objects.filter(status="unsubscribed").count() == 1


def test_running_twice_in_one_week_sends_once(reference_pair, readers, mailoutbox):
    send()
    output = send()
    assert len(mailoutbox) == 5
    assert "nothing to send; 5 already delivered" in output
    digest = Digest.objects.get()
    assert digest.deliveries.count() == 5
    assert digest.completed_at is not None


def test_an_interrupted_run_resumes_without_duplicates(
    reference_pair, readers, mailoutbox, monkeypatch
):
    real_send = services.send_message
    attempts = []

    def crash_on_the_third(message):
        attempts.append(message.to[0])
        if len(attempts) == 3:
            raise smtplib.SMTPServerDisconnected("connection lost")
        real_send(message)

    monkeypatch.setattr(services, "send_message", crash_on_the_third)
    with pytest.raises(CommandError, match="stopped after 2 sent"):
        send()
    assert len(mailoutbox) == 2
    assert DigestDelivery.objects.count() == 2  # the failed one was rolled back with its send
    assert Digest.objects.get().completed_at is None

    monkeypatch.undo()
    assert "sent 3" in send()
    recipients = [message.to[0] for message in mailoutbox]
    assert sorted(recipients) == sorted(set(recipients)) == [r.email for r in readers]
    assert len({message.body.split("--")[0] for message in mailoutbox}) == 1  # the same issue
    assert Digest.objects.get().completed_at is not None


def test_a_resumed_run_sends_the_stored_issue_even_if_verdicts_changed(
    reference_pair, readers, mailoutbox, monkeypatch
):
    real_send = services.send_message

    def crash_after_one(message):
        if mailoutbox:
            raise smtplib.SMTPServerDisconnected("connection lost")
        real_send(message)

    monkeypatch.setattr(services, "send_message", crash_after_one)
    with pytest.raises(CommandError):
        send()
    monkeypatch.undo()
    Review.objects.filter(tool=reference_pair[0]).update(score=12)
    send()
    assert all("84/100" in message.body for message in mailoutbox)


def test_an_address_the_mail_server_refuses_is_recorded_and_not_retried(
    reference_pair, readers, mailoutbox, monkeypatch
):
    real_send = services.send_message

    def refuse_reader_one(message):
        if message.to == ["reader1@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"reader1@example.com": (550, b"no such user")})
        real_send(message)

    monkeypatch.setattr(services, "send_message", refuse_reader_one)
    assert "sent 4, 1 refused" in send()
    assert DigestDelivery.objects.get(status="refused").subscriber.email == "reader1@example.com"
    monkeypatch.undo()
    send()
    assert len(mailoutbox) == 4


def test_subscribers_who_leave_before_their_turn_are_skipped(
    reference_pair, readers, mailoutbox, monkeypatch
):
    real_send = services.send_message

    def unsubscribe_the_last_one_meanwhile(message):
        Subscriber.objects.filter(email="reader4@example.com").update(status="unsubscribed")
        real_send(message)

    monkeypatch.setattr(services, "send_message", unsubscribe_the_last_one_meanwhile)
    send()
    assert "reader4@example.com" not in [message.to[0] for message in mailoutbox]
    assert len(mailoutbox) == 4


def test_someone_confirming_after_the_send_waits_for_next_week(reference_pair, readers, mailoutbox):
    send()
    SubscriberFactory(email="late@example.com")
    send()
    assert "late@example.com" not in [message.to[0] for message in mailoutbox]


def test_a_week_without_new_or_changed_verdicts_sends_nothing(reference_pair, readers, mailoutbox):
    Review.objects.update(
        published_at=timezone.now() - datetime.timedelta(days=30),
        updated_at=timezone.now() - datetime.timedelta(days=30),
    )
    assert "nothing sent" in send()
    assert mailoutbox == []
    assert not Digest.objects.exists()


def test_changed_verdicts_are_marked_as_updated(reference_pair, readers, mailoutbox):
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Review.objects.update(published_at=month_ago, updated_at=month_ago)
    builder_on_llama = Review.objects.get(tool=reference_pair[0], reviewer__slug="builder")
    builder_on_llama.score = 90
    builder_on_llama.save()
    send()
    body = mailoutbox[0].body
    assert "The Builder: 90/100 · ship (updated)" in body
    assert "0 new verdicts, 1 updated on 1 tool." in body
    assert "Mistral 3B (" not in body


def test_unpublished_verdicts_and_tools_stay_out(reference_pair, readers, mailoutbox):
    code_llama, mistral = reference_pair
    mistral.status = "draft"
    mistral.save()
    Review.objects.filter(tool=code_llama, reviewer__slug="founder").update(status="draft")
    send()
    body = mailoutbox[0].body
    assert "Mistral 3B" not in body
    assert "The Founder" not in body


def test_the_next_digest_starts_where_the_last_one_ended(reference_pair, readers):
    monday = week_of(timezone.now()) - datetime.timedelta(days=7)
    monday = datetime.datetime.combine(monday, datetime.time(9), tzinfo=datetime.UTC)
    Review.objects.update(published_at=monday - datetime.timedelta(days=3))
    # Last week's issue went out late, on Saturday; this one goes out on Monday.
    last_week = services.prepare_digest(now=monday - datetime.timedelta(days=2))
    assert "Code Llama 4" in last_week.text_body
    assert services.prepare_digest(now=monday + datetime.timedelta(hours=1)) is None
    ReviewFactory(
        tool=reference_pair[1],
        reviewer__slug="newcomer",
        published_at=monday - datetime.timedelta(days=1),
    )
    this_week = services.prepare_digest(now=monday + datetime.timedelta(hours=1))
    assert this_week.period_start == last_week.period_end
    assert "Mistral 3B" in this_week.text_body
    assert "Code Llama 4 (" not in this_week.text_body


def test_panel_and_crowd_disagreements_appear_only_with_enough_votes(
    reference_pair, readers, mailoutbox
):
    code_llama, mistral = reference_pair  # the panel ships both
    for _ in range(20):
        VoteFactory(tool=code_llama, value="skip")
    for _ in range(19):
        VoteFactory(tool=mistral, value="skip")
    send()
    body = mailoutbox[0].body
    assert "== Where the panel and the crowd disagree ==" in body
    assert (
        "* Code Llama 4: the panel says Ship (3 ship / 1 skip); "
        "the community says Skip (0% ship · 20 votes)." in body
    )
    assert "* Mistral 3B: the panel" not in body


def test_no_disagreement_section_without_disagreement(reference_pair, readers, mailoutbox):
    send()
    assert "disagree" not in mailoutbox[0].body


def test_it_suggests_comparisons_with_the_weeks_tools(reference_pair, readers, mailoutbox):
    send()
    assert f"Code Llama 4 vs Mistral 3B: {SITE}/compare/code-llama-4-vs-mistral-3b/" in (
        mailoutbox[0].body
    )


def test_dry_run_prints_the_digest_and_sends_and_stores_nothing(
    reference_pair, readers, mailoutbox
):
    output = send("--dry-run")
    assert "Subject: Shiplist weekly: the panel's verdicts on Code Llama 4 and Mistral 3B" in output
    assert "The Builder: 84/100 · ship" in output
    assert "would go to 5 confirmed subscribers. Nothing sent." in output
    assert mailoutbox == []
    assert not Digest.objects.exists()


def test_dry_run_on_a_quiet_week_previews_the_latest_verdicts(reference_pair, mailoutbox):
    Review.objects.update(
        published_at=timezone.now() - datetime.timedelta(days=40),
        updated_at=timezone.now() - datetime.timedelta(days=40),
    )
    output = send("--dry-run")
    assert "a real run would send nothing this week" in output
    assert "Here is a preview" in output
    assert "The Builder: 84/100 · ship" in output
    assert mailoutbox == []


def test_dry_run_after_the_send_reports_progress(reference_pair, readers, mailoutbox):
    send()
    output = send("--dry-run")
    assert "5 delivered, 0 still to send. Nothing sent." in output
    assert len(mailoutbox) == 5
