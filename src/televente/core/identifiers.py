"""French company identifiers (python-stdnum): SIRET, SIREN, intra-community VAT number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret


def clean_siret(value: str) -> str:
    """Compact and validate a SIRET (14 digits, Luhn checksum; La Poste's special rule included)."""
    value = siret.compact(value or "")
    if not value:
        return ""
    try:
        return siret.validate(value)
    except StdnumError as exc:
        if not value.isdigit() or len(value) != 14:
            raise ValidationError(_("Un SIRET compte 14 chiffres.")) from exc
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle incorrecte).")) from exc


def clean_siren(value: str) -> str:
    value = siren.compact(value or "")
    if not value:
        return ""
    try:
        return siren.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("Ce SIREN n'est pas valide.")) from exc


def clean_vat(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return vat.validate(vat.compact(value))
    except StdnumError as exc:
        raise ValidationError(_("Ce numéro de TVA intracommunautaire n'est pas valide.")) from exc


def siren_of(siret_value: str) -> str:
    return siret_value[:9] if siret_value else ""
