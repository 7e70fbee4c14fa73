"""The guided questions per claim type (seed 000 Compétence 6: qualify the claim): what a rep
asks so that the service has what it needs without calling the customer back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import ClaimType


@dataclass(frozen=True)
class Question:
    key: str
    label: str | Promise
    kind: str = "text"  # text | yesno | date
    help: str | Promise = ""


LOT = Question("lot", _("Numéro de lot et date limite (DLC/DDM) lus sur l'emballage"))
PHOTO = Question("photo", _("Le client peut-il envoyer une photo ?"), "yesno")
RESERVE = Question(
    "reserve",
    _("Réserves écrites sur le bon de livraison ?"),
    "yesno",
    _("Sans réserve, le transporteur conteste souvent."),
)
KEPT = Question("kept", _("La marchandise est-elle conservée pour examen ou reprise ?"), "yesno")

QUESTIONS: dict[str, tuple[Question, ...]] = {
    ClaimType.QUALITY: (
        LOT,
        Question("defect", _("Quel défaut exactement (goût, aspect, odeur, corps étranger…) ?")),
        Question("storage", _("Comment le produit a-t-il été stocké depuis la livraison ?")),
        Question(
            "health",
            _("Un client final a-t-il été incommodé ?"),
            "yesno",
            _("Si oui : gravité critique, prévenir la qualité tout de suite."),
        ),
        PHOTO,
        KEPT,
    ),
    ClaimType.LATE: (
        Question("expected", _("Quel jour et quelle heure de livraison étaient annoncés ?")),
        Question("arrived", _("La livraison est-elle arrivée depuis ? Quand ?")),
        Question("impact", _("Quelle conséquence pour le client (service, rupture…) ?")),
    ),
    ClaimType.MISSING: (
        Question("checked", _("Le colisage a-t-il été compté à la réception ?"), "yesno"),
        RESERVE,
        Question("urgent", _("Le client a-t-il besoin du produit avant la prochaine livraison ?"), "yesno"),
    ),
    ClaimType.DAMAGED: (
        RESERVE,
        Question("state", _("Quel état (carton écrasé, emballage percé, rupture de froid…) ?")),
        PHOTO,
        KEPT,
    ),
    ClaimType.WRONG_PRODUCT: (
        Question("received", _("Quel produit a été reçu à la place (code, libellé) ?")),
        KEPT,
        Question("usable", _("Le client peut-il utiliser le produit reçu moyennant une remise ?"), "yesno"),
    ),
    ClaimType.INVOICING: (
        Question("invoice", _("Numéro de la facture contestée")),
        Question("error", _("Quelle erreur (quantité, prix, TVA, doublon…) ?")),
        Question("expected_amount", _("Quel montant le client attendait-il ?")),
    ),
    ClaimType.PRICE: (
        Question("expected_price", _("Quel prix le client attendait-il, et d'où le tient-il ?")),
        Question("competitor", _("Un concurrent est-il cité ? Lequel, à quel prix ?")),
    ),
    ClaimType.SERVICE: (
        Question("who", _("Qui ou quel service est en cause ?")),
        Question("when", _("Quand cela s'est-il passé ?")),
        Question("expectation", _("Qu'attend le client pour être satisfait ?")),
    ),
}


def questions_for(claim_type: str) -> tuple[Question, ...]:
    return QUESTIONS.get(claim_type, ())


def clean_answers(claim_type: str, answers: Mapping[str, Any]) -> dict[str, str]:
    """Keeps the answers to this type's questions, as short strings; the others are dropped."""
    cleaned = {}
    for question in questions_for(claim_type):
        value = answers.get(question.key)
        if value in (None, ""):
            continue
        if question.kind == "yesno":
            value = "yes" if str(value).lower() in ("yes", "oui", "true", "1", "on") else "no"
        cleaned[question.key] = str(value).strip()[:300]
    return cleaned
