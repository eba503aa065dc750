"""The review form editors use, alone and as a row of a tool's panel."""

from __future__ import annotations

from django import forms
from django.conf import settings

from core.publishing import Status
from verdicts.models import Review, change_needs_reason


class ReviewForm(forms.ModelForm):
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

    class Meta:
        model = Review
        fields = ("reviewer", "score", "verdict", "body", "status", "published_at", "reason")

    def clean(self) -> dict:
        cleaned = super().clean()
        # Against the stored row, not the form's instance: a revert (History) builds the form
        # on the old version, which would make the flip back look like no change at all.
        stored = (
            Review.objects.filter(pk=self.instance.pk).values("score", "verdict", "status").first()
            if self.instance.pk
            else None
        )
        if (
            stored is not None
            and stored["status"] != Status.DRAFT
            and cleaned.get("score") is not None
            and cleaned.get("verdict")
            and change_needs_reason(
                stored["score"], stored["verdict"], cleaned["score"], cleaned["verdict"]
            )
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                f"Say why: this changes a published verdict ({stored['score']} "
                f"{stored['verdict']} → {cleaned['score']} {cleaned['verdict']}), and readers "
                "see the reason.",
            )
        return cleaned

    def save(self, commit: bool = True) -> Review:
        self.instance._change_reason = (self.cleaned_data.get("reason") or "").strip()
        return super().save(commit)
