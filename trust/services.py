"""The writes behind fact checks and corrections (pages are purged by trust/signals.py)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from trust.models import Correction, FactCheck


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
        correction.save()
    return correction


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
