"""Three-way merge for an edit form that lost a race: nobody's change is silently undone.

Every model field on the form carries the value it had when the form was opened, as a hidden
input (Django's `show_hidden_initial`, the same mechanism `has_changed` uses). On submit,
each field then has three values:

- **old**: what the editor saw when they opened the form (the hidden input);
- **theirs**: what is stored now (a colleague may have saved since);
- **yours**: what the editor submitted.

A field only the colleague changed keeps theirs, a field only this editor changed keeps
yours, and a field both changed differently is a clash, shown with all three values in full.
A form that found any change by someone else is not saved: it comes back merged, with the
stored values as its new "old", so the next save overwrites only what this editor chose.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import InlineForeignKeyField, model_to_dict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html


@dataclass(frozen=True)
class Clash:
    field: str
    label: str
    old: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class Merge:
    """What others changed in the fields of one form since it was opened."""

    theirs: list[str]  # fields someone else changed (each keeps their value, unless a clash)
    clashes: list[Clash]  # fields both changed, to different values
    gone: bool = False  # the row was deleted meanwhile

    def __bool__(self) -> bool:
        return bool(self.theirs or self.clashes or self.gone)


def shown(field: forms.Field, value) -> str:
    """A field's value as an editor reads it: choice labels, names of related rows, dates."""
    if isinstance(value, (list, tuple)) and isinstance(field, forms.MultiValueField):
        try:
            value = field.compress(
                [f.to_python(v) for f, v in zip(field.fields, value, strict=False)]
            )
        except (ValidationError, TypeError, ValueError):
            value = " ".join(str(v) for v in value if v)
    elif isinstance(field, forms.ModelChoiceField) and not isinstance(value, field.queryset.model):
        with contextlib.suppress(ValidationError):
            value = field.to_python(value)
    if value in field.empty_values:
        return "(empty)"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(str(value), value))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    return str(value)


def put(form: forms.Form, key: str, widget: forms.Widget, value) -> None:
    """Write a Python value into the form's submitted data as `widget` would have sent it."""
    data = form.data
    if isinstance(widget, forms.MultiWidget):
        parts = widget.decompress(value) if value is not None else [None] * len(widget.widgets)
        for suffix, inner, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
            put(form, key + suffix, inner, part)
        return
    if isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
        return
    formatted = getattr(widget, "widget", widget).format_value(value)
    if isinstance(formatted, list):
        formatted = formatted[0] if formatted else ""
    data[key] = "" if formatted is None else formatted


class MergesConcurrentEdits(forms.ModelForm):
    """A model form that merges three ways instead of overwriting (see the module docstring).

    `clean()` locks (`lock()`), merges, and refuses the save when someone else changed a
    field of this form (or, says `changed_elsewhere()`, something else the page shows). The
    refused form keeps its data merged, ready to be shown again; `refusal` says what happened.
    """

    refusal: Merge | None = None
    reverting = False  # a History revert: the form shows an old version, to put it back

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.merged_fields():
            self.fields[name].show_hidden_initial = True

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is not None:
            self.lock()
            merge = self.merge_with_stored()
            elsewhere = self.changed_elsewhere()
            if merge or elsewhere:
                self.refusal = merge
                raise ValidationError(self.refusal_message(merge, elsewhere), code="stale")
        return cleaned

    def lock(self) -> None:
        """Hold the row (or its parent's) until the transaction ends; a form saved with its
        parent's form (an inline row) finds the lock already held."""

    def changed_elsewhere(self) -> list[str]:
        """Changes after the form was opened that the merge cannot see, described."""
        return []

    def refusal_message(self, merge: Merge, elsewhere: list[str]):
        if merge.gone:
            return "Not saved: someone deleted this after you opened the form."
        what = [str(self.fields[name].label or name).lower() for name in merge.theirs]
        return format_html(
            "Not saved: someone else changed {} after you opened the form. Their changes are "
            "now in it{}. Check it, then save again.",
            ", ".join(what) if what else "this",
            "; where you both changed a field, both versions are shown under it"
            if merge.clashes
            else "",
        )

    def merged_fields(self) -> list[str]:
        model_fields = {
            f.name
            for f in self._meta.model._meta.concrete_fields
            if f.editable and not f.primary_key
        }
        return [
            name
            for name, field in self.fields.items()
            if name in model_fields and not isinstance(field, InlineForeignKeyField)
        ]

    def knows_what_it_showed(self) -> bool:
        """Whether the submit carries the values the form was opened with (a form rendered by
        this code does; a hand-made POST may not)."""
        return all(
            not self.fields[name]
            .hidden_widget()
            .value_omitted_from_data(self.data, self.files, self.add_initial_prefix(name))
            for name in self.merged_fields()
        )

    def merge_with_stored(self) -> Merge:
        if self.reverting or self.instance.pk is None or not self.knows_what_it_showed():
            return Merge([], [])
        names = self.merged_fields()
        model = type(self.instance)
        stored = model._default_manager.filter(pk=self.instance.pk).first()
        if stored is None:
            return Merge([], [], gone=True)
        # As the form shows them: inputs show times to the second.
        now = {
            name: value.replace(microsecond=0) if isinstance(value, (datetime, time)) else value
            for name, value in model_to_dict(stored, fields=names).items()
        }
        mine = set(self.changed_data)  # against the hidden "old" values, before merging
        self.data = self.data.copy()
        theirs, clashes = [], []
        for name in names:
            field = self.fields[name]
            old_key = self.add_initial_prefix(name)
            old = field.hidden_widget().value_from_datadict(self.data, self.files, old_key)
            if not field.has_changed(now[name], old):
                continue
            theirs.append(name)
            yours = self[name].data
            you_changed = name in mine
            if you_changed and field.has_changed(now[name], yours):
                clashes.append(
                    Clash(
                        name,
                        str(field.label or name),
                        shown(field, old),
                        shown(field, now[name]),
                        shown(field, yours),
                    )
                )
            elif not you_changed:
                put(self, self.add_prefix(name), field.widget, now[name])
            # The next save starts from what is stored now.
            put(self, old_key, field.hidden_widget(), now[name])
        for clash in clashes:
            self.add_error(
                clash.field,
                format_html(
                    "Changed by someone else too. When you opened the form: “{}”. Now stored: "
                    "“{}”. Yours (in the box): “{}”. Saving again keeps yours; to keep theirs, "
                    "put it in the box.",
                    clash.old,
                    clash.theirs,
                    clash.yours,
                ),
            )
        if "changed_data" in self.__dict__:
            del self.__dict__["changed_data"]  # worked out on the data as submitted
        return Merge(theirs, clashes)
