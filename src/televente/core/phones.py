"""Phone numbers: parse anything a person types, store E.164, show the French national format."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "FR"


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """'06 12 34 56 78', '+33 6 12…', '0033612…', '6.12.34.56.78' -> '+33612345678'; None if not a valid number."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_national(e164: str) -> str:
    """'+33612345678' -> '06 12 34 56 78' (international format for foreign numbers)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def search_tokens(e164: str) -> list[str]:
    """Digit strings a person may type to find this number: '0612345678' and '33612345678'."""
    digits = e164.lstrip("+")
    tokens = [digits]
    if e164.startswith("+33"):
        tokens.append("0" + e164[3:])
    return tokens
