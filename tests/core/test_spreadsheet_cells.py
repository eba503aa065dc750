"""core.resources.spreadsheet_safe and from_spreadsheet: no cell a spreadsheet would run leaves
in an export, and every value reads back exactly."""

from hypothesis import given
from hypothesis import strategies as st

from core.resources import FORMULA_STARTS, from_spreadsheet, spreadsheet_safe


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", "1", " "])))
def test_every_value_reads_back_exactly_and_none_starts_a_formula(text):
    cell = spreadsheet_safe(text)
    assert cell[:1] not in FORMULA_STARTS or cell == ""
    assert from_spreadsheet(cell) == text


@given(st.text())
def test_any_text_reads_back_exactly(text):
    assert from_spreadsheet(spreadsheet_safe(text)) == text


def test_values_that_need_nothing_are_left_alone():
    for text in ["Free", "$20/mo", "'90s nostalgia", "", "2026-12-08"]:
        assert spreadsheet_safe(text) == text
    assert from_spreadsheet(None) is None and from_spreadsheet(3) == 3
