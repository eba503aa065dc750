"""The writes behind fact checks and corrections (pages are purged by trust/signals.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from trust.models import Correction, Fact, FactCheck


def report_error(
    *, tool_id: int, fact: str, what_is_wrong: str, source_url: str = "", email: str = ""
) -> Correction:
    """Store a reader's report for the editors. A new report changes no public page."""
    return Correction.objects.create(
        tool_id=tool_id,
        fact=fact,
        what_is_wrong=what_is_wrong,
        source_url=source_url,
        email=email,
    )


def handle_correction(
    *, correction: Correction, status: str, editor: AbstractBaseUser, reply: str | None = None
) -> Correction:
    """Accept or reject a report (or reopen it), recording who did and when."""
    if status not in Correction.Status.values:
        raise ValueError(f"not a correction status: {status!r}")
    with transaction.atomic():
        correction.status = status
        if reply is not None:
            correction.reply = reply
        correction.handled_by = editor if status != Correction.Status.NEW else None
        correction.handled_at = timezone.now() if status != Correction.Status.NEW else None
        if status != Correction.Status.ACCEPTED:
            correction.fixed_field = correction.fixed_before = correction.fixed_after = ""
        correction.full_clean(exclude=["tool", "what_is_wrong", "source_url", "email"])
        correction.save()
        transaction.on_commit(lambda: reply_to_reader(correction))
    return correction


logger = logging.getLogger(__name__)

# The reply a reader who left an email gets, by outcome (spam and duplicates get none).
REPLIES = {
    Correction.Status.ACCEPTED: (
        "You were right: we corrected {what} on {tool}. The page now says so. Thank you."
    ),
    Correction.Status.NO_CHANGE: (
        "We checked {what} on {tool} against its source and found it correct as shown, so we "
        "left it as it is. Thank you for telling us."
    ),
}


def fix_target(correction: Correction, field: str):
    """The object and attribute a fix of `field` ("licence", "model_spec.input_price") writes."""
    if field.startswith("model_spec."):
        spec = getattr(correction.tool, "model_spec", None)
        if spec is None:
            raise ValidationError("This tool has no model figures to correct.")
        return spec, field.removeprefix("model_spec.")
    return correction.tool, field


def fix_and_accept(
    *,
    correction: Correction,
    field: str,
    value: str,
    editor: AbstractBaseUser,
    reply: str | None = None,
) -> Correction:
    """Change the reported fact to `value` and accept the report, in one transaction: the page's
    "Corrected" line is then always tied to a change of that fact. ValidationError (nothing
    written) for a field the fact is not made of, a value the field refuses, or no change."""
    if field not in correction.fields:
        raise ValidationError(f"{field} is not part of the reported fact.")
    with transaction.atomic():
        target, name = fix_target(correction, field)
        model_field = target._meta.get_field(name)
        before = getattr(target, name)
        text = value.strip()
        new = None if text == "" and model_field.null else model_field.to_python(text)
        if new == before:
            raise ValidationError(
                "That is the value the page shows already: change it, or choose “No change needed”."
            )
        setattr(target, name, new)
        target.full_clean(exclude=[f.name for f in target._meta.fields if f.name != name])
        target._change_reason = f"Correction of a reader's report ({correction.summary})"
        target._history_user = editor
        target.save()
        vouch_for_fix(correction)
        correction.fixed_field = field
        correction.fixed_before = "" if before is None else str(before)
        correction.fixed_after = "" if new is None else str(new)
        return handle_correction(
            correction=correction, status=Correction.Status.ACCEPTED, editor=editor, reply=reply
        )


def vouch_for_fix(correction: Correction) -> None:
    """The fixed fact is now on our word, checked today (no longer "from the catalogue" or "the
    maker's claim"), from the reader's source when they gave one."""
    if correction.fact not in Fact.values:
        return
    check = FactCheck.objects.filter(tool_id=correction.tool_id, fact=correction.fact).first()
    if check is None and not correction.source_url:
        return  # nowhere to say it comes from
    check = check or FactCheck(tool_id=correction.tool_id, fact=correction.fact)
    today = timezone.localdate()
    check.basis, check.checked_on, check.changed_on = FactCheck.Basis.CHECKED, today, today
    if correction.source_url:
        check.source_url = correction.source_url
    check.save()


def reply_to_reader(correction: Correction) -> None:
    """A short email to the reader who left an address, once, when the report is decided."""
    template = REPLIES.get(correction.status)
    if template is None or not correction.email or correction.replied_at is not None:
        return
    body = template.format(what=correction.summary, tool=correction.tool.name)
    try:
        send_mail(
            f"Your report about {correction.tool.name}",
            body + f"\n\n{settings.SITE_NAME}",
            None,
            [correction.email],
        )
    except OSError:
        logger.exception("could not reply to the reader of correction %s", correction.pk)
        return
    Correction.objects.filter(pk=correction.pk).update(replied_at=timezone.now())


def mark_checked_today(*, checks: list[FactCheck], basis: str | None = None) -> int:
    """An editor checked these facts again today (each one saved, so its pages are purged)."""
    today = timezone.localdate()
    with transaction.atomic():
        for check in checks:
            check.checked_on = today
            if basis is not None:
                check.basis = basis
            check.save(update_fields=["checked_on", "basis", "updated_at"])
    return len(checks)
