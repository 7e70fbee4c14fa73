"""The rows of a portfolio export (the CSV/XLSX writing is core.tabular's)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


def portfolio_rows(companies: Iterable) -> tuple[list[str], Iterable[list]]:
    header = [
        _("N°"),
        _("Raison sociale"),
        _("Enseigne"),
        _("SIRET"),
        _("Statut"),
        _("Typologie"),
        _("Code postal"),
        _("Ville"),
        _("Zone"),
        _("Télévendeur"),
        _("Classe ABC"),
        _("CA 12 mois"),
        _("Dernier contact"),
    ]

    def rows():
        for c in companies:
            habits = getattr(c, "habits", None)
            yield [
                c.pk,
                c.legal_name,
                c.trade_name,
                c.siret,
                str(c.get_status_display()),
                c.segment.name if c.segment else "",
                c.postcode,
                c.city,
                c.zone.name if c.zone else "",
                str(c.rep) if c.rep else "",
                habits.abc_class if habits else "",
                habits.revenue_12m if habits else "",
                c.last_contact_at.date().isoformat() if c.last_contact_at else "",
            ]

    return header, rows()
