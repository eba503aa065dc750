"""The review form editors use, alone and as a row of a tool's panel."""

from __future__ import annotations

from django import forms
from django.conf import settings

from core.merging import MergesConcurrentEdits
from core.publishing import Status
from verdicts.models import LOADED, Review, change_needs_reason


class ReviewForm(MergesConcurrentEdits):
    score = forms.IntegerField(min_value=0, max_value=100, help_text="0 to 100.")
    reason = forms.CharField(
        label="Why it changed",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
        help_text=(
            "Needed when a published verdict flips or its score moves by "
            f"{settings.VERDICT_REASON_SCORE_CHANGE} or more: readers see it in the verdict "
            "history."
        ),
    )

    text_checked = forms.BooleanField(
        label="The text still holds",
        required=False,
        help_text="After a verdict flip with the text left as it was: tick to keep the text.",
    )

    class Meta:
        model = Review
        fields = (
            *("reviewer", "score", "verdict", "body", "status", "published_at"),
            *("reason", "text_checked"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        reviewer, tool_id = cleaned.get("reviewer"), self.instance.tool_id
        # A colleague wrote this critic's review after the form was opened (one review per critic
        # and tool; the database says so too).
        new = self.instance.pk is None and reviewer and tool_id and self.has_changed()
        if new and Review.objects.filter(tool_id=tool_id, reviewer=reviewer).exists():
            self.add_error(
                "reviewer",
                f"{reviewer} already has a review of this tool, saved after you opened the "
                "form: reload to see it, and edit that one.",
            )
            return cleaned
        # Against what readers last saw (the stored row, or its last published revision if it
        # is a draft now), not the form's instance: a revert (History) builds the form on the
        # old version, which would make the flip back look like no change at all.
        if self.instance.pk is None or cleaned.get("status") in (None, Status.DRAFT):
            return cleaned
        stored = Review.objects.filter(pk=self.instance.pk).first()
        before = stored.last_public((*LOADED, "body")) if stored is not None else None
        score, verdict = cleaned.get("score"), cleaned.get("verdict")
        if before is None or score is None or not verdict:
            return cleaned
        if change_needs_reason(before["score"], before["verdict"], score, verdict) and not (
            (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                f"Say why: this changes a published verdict ({before['score']} "
                f"{before['verdict']} → {score} {verdict}), and readers see the reason.",
            )
        if (
            before["verdict"] != verdict
            and not self.reverting  # the old version's text comes back with its verdict
            and cleaned.get("body") == before["body"]
            and not cleaned.get("text_checked")
        ):
            old = dict(Review.Verdict.choices)[before["verdict"]]
            self.add_error(
                "body",
                f"The verdict flips from {old} but the text was not edited: it may still argue "
                f"for {old}. Edit it, or tick “The text still holds” to keep it as it is.",
            )
        return cleaned

    def save(self, commit: bool = True) -> Review:
        self.instance._change_reason = (self.cleaned_data.get("reason") or "").strip()
        return super().save(commit)
