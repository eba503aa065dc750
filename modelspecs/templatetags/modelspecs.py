"""`{{ spec.input_price|dollars }}` -> "$2.50", `{{ 400000|tokens }}` -> "400K"."""

from __future__ import annotations

from django import template

from modelspecs import formats

register = template.Library()
register.filter("dollars", formats.dollars)
register.filter("tokens", formats.tokens)
register.filter("money", formats.money)
