"""Identifiers: statement ids made from a quote's words, unique within a file; source keys; the
normal form of a text by which a repeated quote is recognised."""

from __future__ import annotations

import re
import unicodedata

from positions.errors import UsageError
from positions.text import FOLD, STOP_WORDS

# The shapes of identifiers, each written once: a statement id or proposition key is a slug; a
# source key (a file name) is a slug starting with a letter; a statement is referred to as
# SOURCE/ID. The models and the JSON Schemas use these patterns.
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SOURCE_KEY = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
SLUG_PATTERN = rf"^{_SLUG}$"
SOURCE_KEY_PATTERN = rf"^{_SOURCE_KEY}$"
STATEMENT_REF_PATTERN = rf"^{_SOURCE_KEY}/{_SLUG}$"
_SOURCE_KEY_RE = re.compile(SOURCE_KEY_PATTERN)
_STATEMENT_REF_RE = re.compile(STATEMENT_REF_PATTERN)

SLUG_WORDS = 5
SLUG_MAX_CHARS = 48


def slugify(text: str, words: int = SLUG_WORDS, max_chars: int = SLUG_MAX_CHARS) -> str:
    """A readable id from the first few content words: 'We will keep a mixed market' -> 'keep-mixed-market'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    tokens = re.findall(r"[a-z0-9]+", ascii_text)
    content = [t for t in tokens if t not in STOP_WORDS] or tokens
    slug = ""
    for token in content[:words]:
        candidate = f"{slug}-{token}" if slug else token
        if len(candidate) > max_chars:
            break
        slug = candidate
    return slug or (content[0][:max_chars] if content else "statement")


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def normalise_text(text: str) -> str:
    """For exact-duplicate checks: folded quotes, case, whitespace and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", text).translate(FOLD).casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


def check_source_key(key: str) -> str:
    """The key, when it is a valid source key; else UsageError with a valid one to try."""
    if not is_source_key(key):
        raise UsageError(
            f"'{key}' is not a valid source key: use lowercase letters, digits and hyphens, "
            f"starting with a letter; try '{source_key_like(key)}'"
        )
    return key


def is_source_key(key: str) -> bool:
    """Whether key is a valid source key (SOURCE_KEY_PATTERN): lowercase letters, digits and
    hyphens, starting with a letter."""
    return bool(_SOURCE_KEY_RE.match(key))


def source_key_like(text: str) -> str:
    """A valid source key made from any text, to suggest in place of an invalid one."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # é -> e
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "source-" + slug
    return slug


def is_statement_ref(text: str) -> bool:
    """Whether text is written as SOURCE/ID."""
    return bool(_STATEMENT_REF_RE.match(text))
