"""Text normalisation for search: lower case, no accents, punctuation as spaces."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """'Crème Brûlée & Cie' -> 'creme brulee cie'."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", text).strip()


def search_terms(query: str) -> list[str]:
    """The words of a query, folded; a phone typed with spaces or dots becomes one digit string."""
    query = (query or "").strip()
    compact = re.sub(r"[\s.\-/()]", "", query)
    if re.fullmatch(r"\+?\d{6,}", compact):
        digits = compact.lstrip("+")
        if digits.startswith("0033"):
            digits = "0" + digits[4:]
        elif digits.startswith("33") and len(digits) == 11:
            digits = "0" + digits[2:]
        return [digits]
    return [t for t in fold(query).split() if t]
