from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "That doesn't look like an email address. Check it and try again.",
            "max_length": "That address is too long: email addresses have at most 254 characters.",
        },
    )
