"""Corpus models: the text check that keeps invisible characters out of quotes."""

from __future__ import annotations

import unicodedata

import pytest

from positions.models import check_clean_text

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_exactly_control_characters_and_bidi_overrides_are_refused():
    refused = set()
    for code in range(0x110000):
        ch = chr(code)
        try:
            check_clean_text(f"a{ch}b")
        except ValueError:
            refused.add(ch)
    expected = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"} - {"\n", "\t"} | set(BIDI)
    assert refused == expected


@pytest.mark.parametrize(("text", "message"), [
    ("ok \x1b[31m red", "contains the control character U+001B; remove it"),
    ("ok \u202e txt", "contains the invisible direction-override character U+202E; remove it"),
    ("first \u2066 then \x07", "contains the invisible direction-override character U+2066; remove it"),
])
def test_the_first_refused_character_is_named(text, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        check_clean_text(text)


def test_newlines_tabs_and_direction_marks_are_text():
    text = "line one\n\tline two \u200f\u200e"
    assert check_clean_text(text) == text
