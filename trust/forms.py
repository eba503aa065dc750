from __future__ import annotations

from django import forms

from trust.models import WHAT_IS_WRONG_MAX_LENGTH, Correction


class CorrectionForm(forms.Form):
    """A reader's "Report an error": which fact, what is wrong, optionally a source and an email."""

    fact = forms.ChoiceField(
        label="Which fact is wrong?",
        choices=[("", "Choose one…"), *Correction.FACT_CHOICES],
        error_messages={
            "required": "Choose the fact that is wrong (or “Something else”).",
            "invalid_choice": "Choose one of the listed facts (or “Something else”).",
        },
    )
    what_is_wrong = forms.CharField(
        label="What is wrong?",
        max_length=WHAT_IS_WRONG_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the page says, and what is right instead.",
        error_messages={
            "required": "Tell us what is wrong: a sentence is enough.",
            "max_length": f"Keep it under {WHAT_IS_WRONG_MAX_LENGTH:,} characters "
            "(you wrote %(show_value)d).",
        },
    )
    source_url = forms.URLField(
        label="Source (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A page that shows the right fact, e.g. the maker's pricing page.",
        error_messages={
            "invalid": "That is not a web address: paste the full link, starting https://.",
            "max_length": "That link is too long: use one under 500 characters.",
        },
    )
    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like a reply. Never shown or shared.",
        error_messages={
            "invalid": "That doesn't look like an email address. Check it, or leave it empty.",
            "max_length": "That address is too long: email addresses have at most 254 characters.",
        },
    )

    def clean_source_url(self) -> str:
        url = self.cleaned_data["source_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Give a web page: a link starting https:// or http://.")
        return url

    def clean_what_is_wrong(self) -> str:
        text = self.cleaned_data["what_is_wrong"]
        if len(text) < 3:  # "x", "?": nothing an editor could act on
            raise forms.ValidationError("Tell us a little more: what is wrong, and what is right?")
        return text
