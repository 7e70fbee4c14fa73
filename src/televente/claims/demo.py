"""Demo claims: what customers complained about on their delivered orders over the last year (six
months at `large`, as deep as its order history), and how each claim went: routed, checked against
the history, settled, customer told, closed, satisfaction answered.

About 40 claims at `small`, 400 at `medium`, 8,000 at `large`; three in four are closed, the others
open in every status (a few overdue and escalated). Causes follow a Pareto-like skew (transport and
picking first) and the types follow the causes. Written with `executemany` (`core/bulk.py`) and ids
given here, as the orders demo does: the services cost ~15 queries per claim. The rules the
services apply are applied here too: number from the id, deadline in working days from the
policy, team of the customer, settlements granted within the proposer's authority or waiting for
the team's supervisor, the event texts the services write.

The demo logins find work: open claims with the logistics and sales administration back office
(`adv`), settlements above the demo rep's authority waiting for `superviseur`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone, translation

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import Team, User
from televente.core.bulk import insert_rows, next_id, reset_sequences
from televente.core.demo import DemoContext
from televente.customers.choices import InteractionKind
from televente.customers.models import Company, Contact, Interaction
from televente.orders.choices import OrderStatus
from televente.orders.models import Order, OrderLine

from . import policy
from .choices import (
    Channel,
    ClaimCause,
    ClaimStatus,
    ClaimType,
    EventKind,
    Mood,
    NoticeChannel,
    NoticeStep,
    Requested,
    Satisfaction,
    SettlementKind,
    SettlementStatus,
    Severity,
    Verdict,
)
from .models import Claim, ClaimEvent, ClaimLine, ClaimPolicy, Settlement
from .questionnaires import clean_answers

CENT = Decimal("0.01")
ZERO = Decimal("0")
DAY_OPEN, DAY_CLOSE = 8 * 60, 18 * 60  # working hours, in minutes
WORKDAY = DAY_CLOSE - DAY_OPEN

# Why customers complain, most frequent first (the analysis' Pareto shows the first two or three).
CAUSES = (
    (ClaimCause.CARRIER, 30),
    (ClaimCause.PICKING, 24),
    (ClaimCause.STORAGE, 11),
    (ClaimCause.SUPPLIER, 10),
    (ClaimCause.ORDER_ENTRY, 7),
    (ClaimCause.PRICING, 6),
    (ClaimCause.INVOICING, 5),
    (ClaimCause.CUSTOMER, 4),
    (ClaimCause.COMMUNICATION, 3),
)
TYPES_BY_CAUSE = {
    ClaimCause.CARRIER: ((ClaimType.DAMAGED, 55), (ClaimType.LATE, 33), (ClaimType.MISSING, 12)),
    ClaimCause.PICKING: ((ClaimType.MISSING, 48), (ClaimType.WRONG_PRODUCT, 44), (ClaimType.DAMAGED, 8)),
    ClaimCause.STORAGE: ((ClaimType.QUALITY, 70), (ClaimType.DAMAGED, 30)),
    ClaimCause.SUPPLIER: ((ClaimType.QUALITY, 85), (ClaimType.DAMAGED, 15)),
    ClaimCause.ORDER_ENTRY: (
        (ClaimType.WRONG_PRODUCT, 50),
        (ClaimType.INVOICING, 30),
        (ClaimType.MISSING, 20),
    ),
    ClaimCause.PRICING: ((ClaimType.PRICE, 80), (ClaimType.INVOICING, 20)),
    ClaimCause.INVOICING: ((ClaimType.INVOICING, 100),),
    ClaimCause.CUSTOMER: ((ClaimType.QUALITY, 50), (ClaimType.DAMAGED, 30), (ClaimType.MISSING, 20)),
    ClaimCause.COMMUNICATION: ((ClaimType.SERVICE, 65), (ClaimType.LATE, 35)),
}
REQUESTED_BY_TYPE = {
    ClaimType.DAMAGED: ((Requested.CREDIT_NOTE, 55), (Requested.REPLACEMENT, 40), (Requested.PICKUP, 5)),
    ClaimType.MISSING: ((Requested.REPLACEMENT, 50), (Requested.CREDIT_NOTE, 50)),
    ClaimType.WRONG_PRODUCT: (
        (Requested.REPLACEMENT, 50),
        (Requested.PICKUP, 30),
        (Requested.CREDIT_NOTE, 20),
    ),
    ClaimType.QUALITY: ((Requested.CREDIT_NOTE, 50), (Requested.REPLACEMENT, 30), (Requested.PICKUP, 20)),
    ClaimType.LATE: ((Requested.EXPLANATION, 50), (Requested.DISCOUNT, 30), (Requested.CREDIT_NOTE, 20)),
    ClaimType.INVOICING: ((Requested.CREDIT_NOTE, 90), (Requested.EXPLANATION, 10)),
    ClaimType.PRICE: ((Requested.CREDIT_NOTE, 60), (Requested.DISCOUNT, 40)),
    ClaimType.SERVICE: ((Requested.EXPLANATION, 80), (Requested.DISCOUNT, 20)),
}
LOGISTICS_TYPES = (ClaimType.DAMAGED, ClaimType.MISSING, ClaimType.WRONG_PRODUCT)
CHANNELS = (
    (Channel.PHONE, 62),
    (Channel.EMAIL, 24),
    (Channel.VISIT, 5),
    (Channel.API, 4),
    (Channel.BACK_OFFICE, 5),
)
MOODS = ((Mood.CALM, 50), (Mood.ANNOYED, 35), (Mood.ANGRY, 15))
SEVERITIES = ((Severity.LOW, 25), (Severity.MEDIUM, 52), (Severity.HIGH, 20), (Severity.CRITICAL, 3))
COMPETITORS = ("Metro", "Promocash", "Transgourmet", "Pomona", "Episaveurs")
NUMBERS = {
    2: "deux",
    3: "trois",
    4: "quatre",
    5: "cinq",
    6: "six",
    7: "sept",
    8: "huit",
    9: "neuf",
    10: "dix",
}
FEMININE = {"barquette", "bouteille", "boîte", "brique", "canette", "palette", "pièce", "plaquette"}

# What the customer says, per type: {Q}/{q} a quantity with its unit ("Trois cartons"), {p} the
# product in lower case after "de" ("de crème" / "d'huile"), {P} the product's name, {d} the
# delivery date; {a:word} agrees the past participle with the unit.
DESCRIPTIONS = {
    ClaimType.DAMAGED: (
        "{Q} {p} {a:écrasé} à la livraison, le chauffeur était déjà reparti.",
        "{Q} {p} {a:arrivé} {a:ouvert}, le contenu est inutilisable.",
        "Emballage percé sur {q} {p}, le client refuse de s'en servir.",
        "{Q} {p} {a:abîmé} pendant le transport, emballage mouillé et déformé.",
        "Livraison du {d} : {q} {p} {a:cassé}, le client a tout mis de côté.",
    ),
    ClaimType.MISSING: (
        "Il manque {q} {p} sur la livraison du {d}.",
        "{Q} {p} {a:facturé} mais jamais {a:livré}.",
        "Livraison du {d} : {q} {p} {a:manquant} au déchargement, compté devant le chauffeur.",
        "Le bon de livraison annonce {q} {p} que le client n'a pas {a:reçu}.",
    ),
    ClaimType.WRONG_PRODUCT: (
        "Reçu {q} d'une autre référence à la place de « {P} ».",
        "Erreur de préparation : « {P} » livré dans un autre format ({q}).",
        "Le client a commandé « {P} » et a reçu un produit proche mais pas le bon ({q}).",
    ),
    ClaimType.QUALITY: (  # see QUALITY, per product family
        "« {P} » : aspect anormal dès l'ouverture ({q}).",
        "« {P} » : corps étranger trouvé à l'ouverture (morceau de plastique).",
    ),
    ClaimType.LATE: (
        "Livraison arrivée à 14 h au lieu de 9 h, service du midi compromis.",
        "Commande livrée avec un jour de retard, le client a dû acheter chez {c}.",
        "Le camion n'est passé qu'en fin d'après-midi : il manquait {q} {p} pour le service.",
        "Livraison du {d} hors du créneau convenu, personne pour réceptionner.",
    ),
    ClaimType.INVOICING: (
        "Ligne « {P} » facturée deux fois sur la facture du {d}.",
        "Quantité facturée différente de la quantité livrée sur « {P} ».",
        "TVA à 20 % appliquée sur « {P} » au lieu de 5,5 %.",
        "Remise de fidélité oubliée sur la facture du {d} (« {P} »).",
    ),
    ClaimType.PRICE: (
        "Le prix de « {P} » ne correspond pas à celui annoncé au téléphone.",
        "Promotion sur « {P} » non appliquée à la commande du {d}.",
        "Hausse de prix sur « {P} » jamais annoncée, le client la conteste.",
        "{c} fait « {P} » moins cher, le client demande l'alignement promis.",
    ),
    ClaimType.SERVICE: (
        "Le chauffeur a été désagréable à la livraison du {d}.",
        "Personne n'a rappelé le client après sa demande de la semaine dernière.",
        "Le client a attendu vingt minutes au téléphone avant d'avoir quelqu'un.",
        "Livraison déposée devant la porte sans prévenir, alors que le client voulait un appel.",
    ),
}
QUALITY = {
    "Surgelés": (
        "« {P} » décongelé à la réception, la chaîne du froid semble rompue.",
        "« {P} » : du givre dans {q}, le produit a été recongelé.",
        "« {P} » : corps étranger trouvé à l'ouverture (morceau de plastique).",
    ),
    "Crèmerie": (
        "« {P} » : DLC à deux jours à la réception, impossible à écouler.",
        "« {P} » : goût aigre sur tout le lot, le chef a tout jeté.",
        "« {P} » : {q} {a:gonflé}, le client n'ose pas s'en servir.",
    ),
    "Boucherie": (
        "« {P} » : DLC à deux jours à la réception, impossible à écouler.",
        "« {P} » : odeur anormale dès l'ouverture ({q}).",
        "« {P} » : sous-vide percé sur {q}, le chef a tout jeté.",
    ),
    "Fruits et légumes": (
        "« {P} » : marchandise pourrie au fond des colis.",
        "« {P} » : calibre bien plus petit que d'habitude, le client refuse le lot.",
        "« {P} » : trop mûr à la livraison, inutilisable dès le lendemain.",
    ),
    "Épicerie": (
        "« {P} » : DDM dépassée sur {q}.",
        "« {P} » : corps étranger trouvé à l'ouverture (morceau de plastique).",
        "« {P} » : goût rance, le client a retiré le lot.",
    ),
    "Boissons": (
        "« {P} » : boisson sans gaz sur tout le lot.",
        "« {P} » : goût anormal, le client a retiré le lot.",
        "« {P} » : DDM dépassée sur {q}.",
    ),
    "Hygiène et entretien": (
        "« {P} » : bouchons qui fuient sur {q}.",
        "« {P} » : le produit ne mousse plus, lot suspect.",
    ),
}
STORAGE = {  # where a customer keeps it (the quality questionnaire's answer)
    "Surgelés": "Congélateur",
    "Crèmerie": "Chambre froide positive",
    "Boucherie": "Chambre froide positive",
    "Fruits et légumes": "Chambre froide positive",
}
REQUEST_NOTES = {
    Requested.REPLACEMENT: ("Relivraison avant vendredi si possible.", "Avec la prochaine tournée."),
    Requested.CREDIT_NOTE: ("À déduire de la prochaine facture.",),
    Requested.DISCOUNT: ("Un geste sur la prochaine commande.",),
    Requested.EXPLANATION: ("Veut savoir ce qui s'est passé.", "Veut être rappelé par un responsable."),
}
VERDICT_NOTES = {
    Verdict.FOUNDED: {
        ClaimType.DAMAGED: (
            "Réserves notées sur le bon de livraison du {d}, photos reçues.",
            "Le transporteur reconnaît la casse sur la tournée du {d}.",
        ),
        ClaimType.MISSING: (
            "Colisage du {d} : il manquait bien {q} à la préparation.",
            "Bon de préparation incomplet, écart confirmé par l'entrepôt.",
        ),
        ClaimType.WRONG_PRODUCT: ("Erreur de référence confirmée par l'entrepôt sur la préparation du {d}.",),
        ClaimType.QUALITY: (
            "Même défaut signalé par deux autres clients sur ce lot, fournisseur prévenu.",
            "Relevé de température du camion hors plage le {d}.",
        ),
        ClaimType.LATE: ("Retard confirmé par le transporteur (camion en panne le {d}).",),
        ClaimType.INVOICING: ("Facture vérifiée : l'erreur est de notre côté.",),
        ClaimType.PRICE: ("Prix saisi différent du tarif du client : erreur confirmée.",),
        ClaimType.SERVICE: ("Le client a raison : sa demande n'avait pas été transmise.",),
    },
    Verdict.PARTLY: (
        "Confirmé sur une partie seulement des quantités déclarées.",
        "Écart réel mais plus faible que déclaré, au vu de l'historique de livraison.",
        "En partie de notre fait ; le reste relève de la réception chez le client.",
    ),
}
# Why a claim is unfounded (verdict) and how the refusal is explained to the customer (settlement).
UNFOUNDED = {
    ClaimType.DAMAGED: (
        "Bon de livraison signé sans réserve, aucune casse signalée au déchargement.",
        "Livraison signée sans réserve : nous ne pouvons pas accorder d'avoir.",
    ),
    ClaimType.MISSING: (
        "Bon de livraison signé sans réserve et colisage conforme à la commande.",
        "Le colisage signé à la livraison est complet : pas d'avoir possible.",
    ),
    ClaimType.WRONG_PRODUCT: (
        "La référence livrée est bien celle de la commande ; le client la commande chaque mois.",
        "Le produit livré est celui commandé ; nous pouvons le reprendre au prochain passage.",
    ),
    ClaimType.QUALITY: (
        "Historique conforme : même lot livré sans problème chez les autres clients, DLC correcte.",
        "Le produit était conforme à la livraison ; conseils de stockage envoyés au client.",
    ),
    ClaimType.LATE: (
        "Livraison dans le créneau prévu d'après le suivi du transporteur.",
        "Le suivi du transporteur montre une livraison dans le créneau convenu.",
    ),
    ClaimType.INVOICING: (
        "Facture conforme au bon de livraison signé.",
        "La facture correspond aux quantités livrées et signées : pas d'avoir.",
    ),
    ClaimType.PRICE: (
        "Prix conforme au tarif en vigueur à la date de la commande.",
        "Le tarif appliqué est celui du contrat : pas de remboursement.",
    ),
    ClaimType.SERVICE: (
        "Appels tracés dans l'historique : le client a été rappelé le jour même.",
        "Nos appels sont tracés : le client a bien été rappelé. Nous restons à son écoute.",
    ),
}
SETTLEMENT_NOTES = {
    SettlementKind.CREDIT_NOTE: ("Avoir sur la prochaine facture.", "Avoir du montant des lignes en cause."),
    SettlementKind.REPLACEMENT: (
        "Relivraison avec la tournée de demain.",
        "Remplacement à la prochaine livraison.",
    ),
    SettlementKind.DISCOUNT: ("Remise sur la prochaine commande.", "Geste commercial pour le désagrément."),
    SettlementKind.PICKUP: ("Reprise au prochain passage, avoir à réception.",),
    SettlementKind.REFUSAL: ("",),  # from UNFOUNDED, per type
}
REFUSED_NOTES = (
    "Montant trop élevé au regard de l'historique : proposez un avoir partiel.",
    "Pas d'avoir complet sans les photos : limitez aux cartons constatés.",
)
CLOSE_NOTES = ("", "", "", "Client rappelé, il est d'accord.", "Avoir confirmé au client.")
HAPPY = (
    "",
    "",
    "Merci pour la rapidité.",
    "Réglé rapidement, rien à redire.",
    "Remplacement livré dès le lendemain, parfait.",
    "Bon suivi, merci.",
    "Réglé sans discuter, c'est appréciable.",
    "Correct.",
)
UNHAPPY = (
    "",
    "Trop long pour un simple avoir.",
    "Personne ne m'a rappelé avant la clôture.",
    "Le geste commercial est insuffisant.",
    "Ce n'est pas la première fois, il faut que ça change.",
    "Je ne suis pas d'accord avec le refus.",
)
ANSWERS = {
    ClaimType.DAMAGED: lambda r: {
        "reserve": r.choice(["oui", "oui", "non"]),
        "state": r.choice(["Carton écrasé", "Emballage percé", "Rupture de froid", "Carton mouillé"]),
        "photo": r.choice(["oui", "oui", "non"]),
        "kept": "oui",
    },
    ClaimType.MISSING: lambda r: {
        "checked": r.choice(["oui", "non"]),
        "reserve": r.choice(["oui", "non"]),
        "urgent": r.choice(["oui", "non", "non"]),
    },
    ClaimType.QUALITY: lambda r: {
        "lot": f"L{r.randint(10000, 99999)}",
        "defect": r.choice(["Goût", "Aspect", "Odeur", "Texture"]),
        "storage": r.choice(["Chambre froide positive", "Congélateur", "Réserve sèche"]),
        "health": "non",
        "photo": r.choice(["oui", "non"]),
        "kept": r.choice(["oui", "oui", "non"]),
    },
    ClaimType.WRONG_PRODUCT: lambda r: {
        "received": r.choice(["Autre format", "Autre marque", "Référence voisine"]),
        "kept": "oui",
        "usable": r.choice(["oui", "non", "non"]),
    },
    ClaimType.LATE: lambda r: {
        "expected": r.choice(["Avant 9 h", "Le matin", "Avant 11 h"]),
        "arrived": r.choice(["Oui, à 14 h 30", "Oui, le lendemain", "Oui, à 12 h"]),
        "impact": r.choice(["Service du midi sans le produit", "Achat dépannage chez un concurrent"]),
    },
    ClaimType.INVOICING: lambda r: {
        "invoice": f"FA-{r.randint(100000, 999999)}",
        "error": r.choice(["Doublon", "Quantité", "TVA", "Remise oubliée"]),
    },
    ClaimType.PRICE: lambda r: {
        "expected_price": r.choice(["Prix annoncé au téléphone", "Prix de la dernière commande"]),
        "competitor": r.choice(["", "", "Metro", "Promocash"]),
    },
    ClaimType.SERVICE: lambda r: {
        "who": r.choice(["Le chauffeur", "Le standard", "L'ADV"]),
        "expectation": r.choice(["Des excuses", "Un rappel d'un responsable", "Un geste commercial"]),
    },
}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Working time (Monday to Friday, 8:00-18:00, local time) --------------------------------------------------------------


def _at(day: dt.date, minute: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone()) + dt.timedelta(
        minutes=minute
    )


def _work_add(t: dt.datetime, minutes: float) -> dt.datetime:
    """`t` moved forward by `minutes` of working time."""
    while True:
        day = t.date()
        if day.weekday() < 5:
            t = max(t, _at(day, DAY_OPEN))
            room = (_at(day, DAY_CLOSE) - t).total_seconds() / 60
            if room > 0 and minutes <= room:
                return t + dt.timedelta(minutes=minutes)
            minutes -= max(room, 0)
        t = _at(day + dt.timedelta(days=1), DAY_OPEN)


def _work_back(t: dt.datetime, minutes: float) -> dt.datetime:
    """`t` moved back by `minutes` of working time."""
    while True:
        day = t.date()
        if day.weekday() < 5:
            t = min(t, _at(day, DAY_CLOSE))
            room = (t - _at(day, DAY_OPEN)).total_seconds() / 60
            if room > 0 and minutes <= room:
                return t - dt.timedelta(minutes=minutes)
            minutes -= max(room, 0)
        t = _at(day - dt.timedelta(days=1), DAY_CLOSE)


def _work_between(t0: dt.datetime, t1: dt.datetime) -> float:
    total, day = 0.0, t0.date()
    while day <= t1.date():
        if day.weekday() < 5:
            start, end = max(t0, _at(day, DAY_OPEN)), min(t1, _at(day, DAY_CLOSE))
            total += max(0.0, (end - start).total_seconds() / 60)
        day += dt.timedelta(days=1)
    return total


# Words ----------------------------------------------------------------------------------------------------------------


def _product(name: str) -> str:
    return re.sub(r" réf\. \d+$", "", name)


def _lower(name: str) -> str:
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def _of(name: str) -> str:
    """'de crème fraîche', "d'huile d'olive"."""
    lowered = _lower(name)
    elide = lowered[:1] in "aeiouyéèêàâîôœ" or lowered.startswith(("huile", "huître"))
    return f"d'{lowered}" if elide else f"de {lowered}"


def _quantity(qty: int, unit_label: str) -> tuple[str, bool, bool]:
    """('trois cartons', feminine, plural) from the line's unit ('carton de 6' -> 'carton')."""
    noun = (unit_label or "colis").split()[0]
    feminine = noun in FEMININE
    if qty == 1:
        return f"{'une' if feminine else 'un'} {noun}", feminine, False
    plural = noun if noun.endswith(("s", "x")) else noun + ("x" if noun.endswith("eau") else "s")
    return f"{NUMBERS.get(qty, str(qty))} {plural}", feminine, True


def _describe(rng, claim_type: str, lines: list, delivered: dt.date) -> str:
    family = lines[0][0].family if lines else ""
    if claim_type == ClaimType.QUALITY and family in QUALITY:
        template = rng.choice(QUALITY[family])
    else:
        template = rng.choice(DESCRIPTIONS[claim_type])
    if lines:
        line, qty = lines[0]
        words, feminine, plural = _quantity(qty, line.unit_label)
        product = _product(line.name)
    else:
        (words, feminine, plural), product = _quantity(1, "colis"), "la commande"

    def agree(match: re.Match) -> str:
        return match.group(1) + ("e" if feminine else "") + ("s" if plural else "")

    text = re.sub(r"\{a:(\w+)\}", agree, template)
    return text.format(
        Q=words[:1].upper() + words[1:],
        q=words,
        p=_of(product),
        P=product,
        d=f"{delivered:%d/%m}",
        c=rng.choice(COMPETITORS),
    )


# What the demo reads --------------------------------------------------------------------------------------------------


@dataclass
class Line:
    pk: int
    product_id: int
    unit_label: str
    quantity: int
    amount: Decimal
    name: str
    family: str  # the product's top category: "Surgelés", "Crèmerie"...


@dataclass
class Draft:
    """One claim, as it will be written."""

    status: str
    overdue: bool = False
    force: str = ""  # "supervisor", "logistics", "adv", "rep": a demo login must find it
    t0: dt.datetime | None = None
    order: tuple | None = None  # (order id, company id, delivered at)
    values: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)  # (Line, claimed quantity)
    events: list = field(default_factory=list)  # (time, kind, by, note, service, assignee, source)
    settlements: list = field(default_factory=list)
    timeline: list = field(default_factory=list)  # (time, author, subject, notes)


class _Reference:
    """What the lower apps made: users, teams, customers, contacts and delivered orders."""

    def __init__(self, ctx: DemoContext, now: dt.datetime, window_days: int) -> None:
        rng = ctx.rng
        self.users = {u.pk: u for u in User.objects.all()}
        self.names = {pk: u.get_full_name() or u.username for pk, u in self.users.items()}
        self.supervisor_of = dict(Team.objects.values_list("pk", "supervisor_id"))
        self.admin = next(
            (u.pk for u in self.users.values() if u.role == Role.ADMIN and u.username == "admin"),
            next((u.pk for u in self.users.values() if u.role == Role.ADMIN), None),
        )
        self.service_people: dict[str, list[int]] = defaultdict(list)
        for user in sorted(self.users.values(), key=lambda u: u.pk):
            if user.role == Role.BACK_OFFICE and user.is_active and user.service:
                self.service_people[user.service].append(user.pk)
        self.by_username = {u.username: u.pk for u in self.users.values()}
        self.companies = {
            pk: (rep_id, team_id)
            for pk, rep_id, team_id in Company.objects.filter(rep__isnull=False).values_list(
                "pk", "rep_id", "team_id"
            )
        }
        # Some customers complain far more than others.
        self.propensity = {pk: min(8.0, rng.paretovariate(1.3)) for pk in sorted(self.companies)}
        self.contacts: dict[int, tuple] = {}
        for company_id, pk, first, last, email, opt_out, active in (
            Contact.objects.filter(company_id__in=self.companies, is_active=True)
            .order_by("company_id", "-is_order_contact", "-is_decision_maker", "pk")
            .values_list("company_id", "pk", "first_name", "last_name", "email", "opt_out_email", "is_active")
        ):
            if company_id not in self.contacts:
                name = " ".join(p for p in (first, last) if p)
                self.contacts[company_id] = (pk, name, bool(email) and not opt_out and active)
        self.by_day: dict[dt.date, list[tuple]] = defaultdict(list)
        since = now - dt.timedelta(days=window_days + 10)
        for order in (
            Order.objects.filter(
                status=OrderStatus.DELIVERED, delivered_at__gte=since, company_id__in=self.companies
            )
            .order_by("pk")
            .values_list("pk", "company_id", "delivered_at")
        ):
            self.by_day[timezone.localtime(order[2]).date()].append(order)
        self.used: set[int] = set()

    def orders_before(self, rng, t0: dt.datetime, wanted, count: int = 1) -> list[tuple]:
        """Delivered orders a claim received at `t0` may be about (delivered 0 to 3 days before,
        further back when there is none), customers drawn by their propensity to complain."""
        found: list[tuple] = []
        day = t0.date() - dt.timedelta(days=rng.choice([0, 0, 1, 1, 1, 2, 3]))
        for _step in range(40):
            pool = self.by_day.get(day, ())
            if wanted is not None:
                pool = [o for o in pool if wanted(o[1])]
            for _try in range(min(len(pool), 12)):
                order = rng.choice(pool)
                if order[2] >= t0 or order[0] in self.used or order in found:
                    continue
                if rng.random() * 8 < self.propensity[order[1]] + 0.5:
                    found.append(order)
                    if len(found) >= count:
                        return found
            day -= dt.timedelta(days=1)
        return found

    def load_lines(self, order_ids: set[int]) -> dict[int, list[Line]]:
        lines: dict[int, list[Line]] = defaultdict(list)
        ids = sorted(order_ids)
        for start in range(0, len(ids), 500):
            for pk, order_id, product_id, unit_label, quantity, amount, name, family, category in (
                OrderLine.objects.filter(order_id__in=ids[start : start + 500], quantity__gt=0)
                .order_by("order_id", "position", "pk")
                .values_list(
                    "pk",
                    "order_id",
                    "product_id",
                    "unit__label",
                    "quantity",
                    "amount",
                    "product__name",
                    "product__category__parent__name",
                    "product__category__name",
                )  # fmt: skip
            ):
                line = Line(
                    pk, product_id, unit_label or "", quantity, amount, name, family or category or ""
                )
                lines[order_id].append(line)
        return lines


# The plan ------------------------------------------------------------------------------------------------------------


def _plan(total: int) -> list[Draft]:
    """Three in four closed; the open ones in every status, about one in seven overdue."""
    opened = round(total * 0.25)
    awaiting = max(2, round(opened * 0.1))
    new = max(1, round(opened * 0.15))
    settled = max(1, round(opened * 0.3))
    routed = max(5, opened - awaiting - new - settled)
    drafts = [Draft(ClaimStatus.CLOSED) for _ in range(total - (awaiting + new + settled + routed))]
    for status, count in (
        (ClaimStatus.NEW, new),
        (ClaimStatus.ROUTED, routed),
        (ClaimStatus.AWAITING_APPROVAL, awaiting),
        (ClaimStatus.SETTLED, settled),
    ):
        drafts.extend(Draft(status) for _ in range(count))
    by_status = defaultdict(list)
    for d in drafts:
        by_status[d.status].append(d)
    # The demo logins' work: settlements of the demo rep's customers waiting for `superviseur`, a
    # new claim for the demo rep, claims with the logistics person and with `adv`.
    by_status[ClaimStatus.AWAITING_APPROVAL][0].force = "supervisor"
    by_status[ClaimStatus.AWAITING_APPROVAL][1].force = "supervisor"
    by_status[ClaimStatus.NEW][0].force = "rep"
    for d in by_status[ClaimStatus.ROUTED][:3]:
        d.force = "logistics"
    for d in by_status[ClaimStatus.ROUTED][3:5]:
        d.force = "adv"
    # Every seventh of the others is overdue (and escalated by the deadline check).
    others = [d for d in drafts if d.status != ClaimStatus.CLOSED and not d.force]
    for d in others[3::7]:
        d.overdue = True
    return drafts


def _pick_cause_and_type(rng, force: str) -> tuple[str, str]:
    if force == "logistics":
        cause = rng.choice([ClaimCause.CARRIER, ClaimCause.PICKING])
        return cause, _weighted(rng, [p for p in TYPES_BY_CAUSE[cause] if p[0] in LOGISTICS_TYPES])
    if force == "adv":
        return ClaimCause.PRICING, ClaimType.PRICE
    cause = _weighted(rng, CAUSES)
    return cause, _weighted(rng, TYPES_BY_CAUSE[cause])


def _choose_lines(
    rng, claim_type: str, lines: list[Line], minimum: Decimal, maximum: Decimal | None
) -> list[tuple[Line, int]]:
    """1 to 3 lines of the order with the quantity in question (in the line's unit). With a
    `minimum`, whole lines worth more than it together (and not more than `maximum`)."""
    if claim_type == ClaimType.SERVICE or not lines:
        return []
    usable = [ln for ln in lines if not ln.unit_label.startswith("palette")] or lines
    if minimum > 0:  # a settlement above the rep's authority: the most valuable lines, whole
        chosen, total = [], ZERO
        for line in sorted(usable, key=lambda ln: (-ln.amount, ln.pk)):
            if maximum is not None and total + line.amount > maximum:
                continue
            chosen.append((line, line.quantity))
            total += line.amount
            if total > minimum or len(chosen) == 3:
                break
        return chosen if total > minimum else []
    whole_line = claim_type in (ClaimType.INVOICING, ClaimType.PRICE, ClaimType.LATE, ClaimType.WRONG_PRODUCT)
    count = (
        1
        if claim_type in (ClaimType.INVOICING, ClaimType.PRICE)
        else _weighted(rng, ((1, 60), (2, 28), (3, 12)))
    )
    chosen = []
    for line in rng.sample(usable, min(count, len(usable))):
        whole = 0.7 if whole_line else (0.3 if claim_type == ClaimType.MISSING else 0)
        qty = line.quantity if rng.random() < whole else rng.randint(1, min(line.quantity, 3))
        chosen.append((line, qty))
    return chosen


# One claim's story ----------------------------------------------------------------------------------------------------


class _Story:
    def __init__(self, ctx: DemoContext, ref: _Reference, now: dt.datetime, deadlines, limits) -> None:
        self.rng, self.ref, self.now = ctx.rng, ref, now
        self.deadlines, self.limits = deadlines, limits
        self.latest = _work_back(now - dt.timedelta(minutes=5), 0)  # the last working minute before now

    def label(self, choice, value) -> str:
        return str(choice(value).label)

    def assignee_for(self, service: str, force: str) -> int | None:
        people = self.ref.service_people.get(service, [])
        if force == "adv":
            return self.ref.by_username.get("adv")
        if force == "logistics" and people:
            return people[0]
        return people[0] if people and self.rng.random() < 0.65 else None

    def tell(self, d: Draft, values: dict) -> None:
        """Fills the claim's fields, events, settlements and timeline from its status and dates."""
        rng, ref = self.rng, self.ref
        claim_type, cause = values["claim_type"], values["cause"]
        rep = values["created_by"]
        team = values["team"]
        t0 = d.t0
        service, days, remind = self.deadlines[claim_type]
        due = policy.add_working_days(t0, days)
        values["due_at"] = due
        contact = ref.contacts.get(values["company"])
        values["contact"] = contact[0] if contact else None
        by_email = bool(contact and contact[2])
        delivered = timezone.localtime(d.order[2]).date()

        # When it ends (closed) or where it stands (open): the events lie between.
        if d.status == ClaimStatus.CLOSED:
            if rng.random() < 0.82:
                end = _work_add(t0, rng.uniform(0.25, 0.95) * _work_between(t0, due))
            else:
                end = _work_add(due, rng.uniform(60, 5 * WORKDAY))
        else:
            end = self.latest
        span = max(_work_between(t0, end), 1.0)

        def at(fraction: float) -> dt.datetime:
            return min(end, _work_add(t0, max(1.0, fraction * span)))

        def event(time, kind, by, note="", service="", assignee=None, source=""):
            d.events.append((time, kind, by, note, service, assignee, source))

        event(t0, EventKind.CREATED, rep, values["description"], source=values["channel"])
        d.timeline.append(
            (t0, rep, f"Réclamation {{number}} : {self.label(ClaimType, claim_type)}", values["description"])
        )
        if d.status == ClaimStatus.NEW:
            values["cause"] = ClaimCause.UNKNOWN if rng.random() < 0.7 else cause
            self.deadline_marks(d, values, due, remind, end)
            return
        # Routed to the type's service, to its person or not.
        assignee = self.assignee_for(service, d.force)
        values.update(status=ClaimStatus.ROUTED, service=service, assignee=assignee)
        target = self.label(BackOfficeService, service)
        if assignee:
            target += f" ({ref.names[assignee]})"
        event(at(0.03), EventKind.ROUTED, rep, f"Transmise à {target}.", service=service, assignee=assignee)
        handler = assignee or rep
        if rng.random() < 0.4 and contact:
            channel = NoticeChannel.EMAIL if by_email else NoticeChannel.PHONE
            event(
                at(0.06),
                EventKind.CUSTOMER,
                rep,
                f"{self.label(NoticeStep, NoticeStep.RECEIVED)} · {self.label(NoticeChannel, channel)} · {contact[1]}",
            )
            values["customer_notified_at"] = at(0.06)
        qualified = d.status != ClaimStatus.ROUTED or rng.random() < 0.6
        if qualified:
            event(
                at(0.15),
                EventKind.QUALIFIED,
                handler,
                f"{self.label(ClaimType, claim_type)} · cause : {self.label(ClaimCause, cause)} · "
                f"gravité : {self.label(Severity, values['severity'])} · {values['amount']} € en jeu",
            )
        else:
            values["cause"] = ClaimCause.UNKNOWN
        if d.status == ClaimStatus.ROUTED and rng.random() < 0.6:
            self.deadline_marks(d, values, due, remind, end)
            return
        # The merit check against the history.
        verdict = self.verdict(d, values)
        note = self.verdict_note(verdict, claim_type, d, delivered)
        verdict_by = handler if rng.random() < 0.7 else rep
        values.update(verdict=verdict, verdict_note=note, verdict_by=verdict_by, verdict_at=at(0.35))
        event(at(0.35), EventKind.VERDICT, verdict_by, f"{self.label(Verdict, verdict)} : {note}")
        if d.status == ClaimStatus.ROUTED:
            self.deadline_marks(d, values, due, remind, end)
            return
        self.settle(d, values, verdict, handler, rep, team, at, event)
        if d.status == ClaimStatus.CLOSED or (d.status == ClaimStatus.SETTLED and rng.random() < 0.5):
            time = at(0.8)
            channel = NoticeChannel.EMAIL if by_email else NoticeChannel.PHONE
            event(
                time,
                EventKind.CUSTOMER,
                rep,
                f"{self.label(NoticeStep, NoticeStep.SETTLEMENT)} · {self.label(NoticeChannel, channel)}"
                + (f" · {contact[1]}" if contact else ""),
            )
            values["customer_notified_at"] = time
        if d.status == ClaimStatus.CLOSED:
            closed_by = rep if rng.random() < 0.7 else handler
            values.update(status=ClaimStatus.CLOSED, closed_at=end, closed_by=closed_by)
            event(end, EventKind.CLOSED, closed_by, rng.choice(CLOSE_NOTES))
            d.timeline.append((end, closed_by, "Réclamation {number} close", ""))
            if by_email:
                values["survey_sent_at"] = end
            self.satisfaction(d, values, verdict, by_email, rep, end, event)
        self.deadline_marks(d, values, due, remind, end)

    def verdict(self, d: Draft, values: dict) -> str:
        rng = self.rng
        if d.status == ClaimStatus.AWAITING_APPROVAL:
            return Verdict.FOUNDED
        if values["cause"] == ClaimCause.CUSTOMER:
            return _weighted(rng, ((Verdict.UNFOUNDED, 75), (Verdict.PARTLY, 25)))
        if values["answers"].get("reserve") == "no" and rng.random() < 0.25:
            return Verdict.UNFOUNDED
        return _weighted(rng, ((Verdict.FOUNDED, 74), (Verdict.PARTLY, 16), (Verdict.UNFOUNDED, 10)))

    def verdict_note(self, verdict: str, claim_type: str, d: Draft, delivered: dt.date) -> str:
        if verdict == Verdict.FOUNDED:
            template = self.rng.choice(VERDICT_NOTES[Verdict.FOUNDED][claim_type])
        elif verdict == Verdict.UNFOUNDED:
            template = UNFOUNDED[claim_type][0]
        else:
            template = self.rng.choice(VERDICT_NOTES[verdict])
        qty = _quantity(d.lines[0][1], d.lines[0][0].unit_label)[0] if d.lines else "un colis"
        return template.format(d=f"{delivered:%d/%m}", q=qty)

    def settle(self, d: Draft, values: dict, verdict: str, handler: int, rep: int, team, at, event) -> None:
        rng = self.rng
        amount = values["amount"]
        requested = values["requested"]
        awaiting = d.status == ClaimStatus.AWAITING_APPROVAL
        if awaiting:  # what the customer asked for, in full: above the rep's authority
            kind = (
                SettlementKind.REPLACEMENT
                if requested == Requested.REPLACEMENT
                else SettlementKind.CREDIT_NOTE
            )
            value = amount
        elif verdict == Verdict.UNFOUNDED and rng.random() < 0.15:
            kind, value = SettlementKind.DISCOUNT, _money(min(amount, 30) or 15)
        elif verdict == Verdict.UNFOUNDED:
            kind, value = SettlementKind.REFUSAL, ZERO
        elif values["claim_type"] == ClaimType.WRONG_PRODUCT and requested == Requested.PICKUP:
            kind, value = SettlementKind.PICKUP, amount
        elif requested == Requested.REPLACEMENT and verdict == Verdict.FOUNDED and rng.random() < 0.6:
            kind, value = SettlementKind.REPLACEMENT, amount
        elif requested == Requested.DISCOUNT or amount <= 0:
            kind, value = (
                SettlementKind.DISCOUNT,
                _money(amount * Decimal("0.5") if amount > 0 else rng.choice([15, 20, 30])),
            )
        else:
            kind = SettlementKind.CREDIT_NOTE
            value = (
                amount
                if verdict == Verdict.FOUNDED
                else _money(amount * Decimal(rng.choice(["0.5", "0.6", "0.7"])))
            )
        note = (
            UNFOUNDED[values["claim_type"]][1]
            if kind == SettlementKind.REFUSAL
            else rng.choice(SETTLEMENT_NOTES[kind])
        )
        if kind == SettlementKind.DISCOUNT and verdict == Verdict.UNFOUNDED:
            note = "Geste commercial, la réclamation n'étant pas fondée."
        proposer = rep if awaiting else (handler if rng.random() < 0.6 else rep)
        limit = self.limits.get(self.ref.users[proposer].role, ZERO)
        granted = limit is None or value <= limit
        supervisor = self.ref.supervisor_of.get(team)
        supervisor_limit = self.limits.get(Role.SUPERVISOR)
        approver_role = (
            ""
            if granted
            else (Role.SUPERVISOR if supervisor_limit is None or value <= supervisor_limit else Role.ADMIN)
        )
        approver = (supervisor if approver_role == Role.SUPERVISOR else None) or self.ref.admin
        proposed_at = at(0.5)
        label = self.label(SettlementKind, kind) + (f" · {value} € HT" if value else "")
        settlement = {
            "kind": kind,
            "amount": value,
            "note": note,
            "proposed_by": proposer,
            "created_at": proposed_at,
            "status": SettlementStatus.APPROVED if granted else SettlementStatus.AWAITING,
            "approver_role": approver_role,
            "decided_by": proposer if granted else None,
            "decided_at": proposed_at if granted else None,
            "decision_note": "",
        }
        d.settlements.append(settlement)
        if granted:
            event(proposed_at, EventKind.SETTLEMENT, proposer, f"{label}. {note}".strip())
            self.settled(d, values, settlement, proposed_at)
            return
        event(
            proposed_at,
            EventKind.SETTLEMENT,
            proposer,
            f"{label} : au-delà de votre délégation, accord demandé à : {self.label(Role, approver_role)}. {note}",
        )
        if awaiting:
            values["status"] = ClaimStatus.AWAITING_APPROVAL
            return
        decided_at = at(0.65)
        settlement["decided_by"], settlement["decided_at"] = approver, decided_at
        if approver_role == Role.SUPERVISOR and rng.random() < 0.12:
            # Refused by the supervisor, who grants a partial credit note himself.
            reason = rng.choice(REFUSED_NOTES)
            settlement.update(status=SettlementStatus.REFUSED, decision_note=reason)
            event(decided_at, EventKind.APPROVAL, approver, f"Refus : {label}. {reason}")
            partial = _money(value * Decimal("0.6"))
            second = {
                **settlement,
                "kind": SettlementKind.CREDIT_NOTE,
                "amount": partial,
                "note": "Avoir partiel sur les quantités constatées.",
                "proposed_by": approver,
                "created_at": at(0.7),
                "status": SettlementStatus.APPROVED,
                "approver_role": "",
                "decided_by": approver,
                "decided_at": at(0.7),
                "decision_note": "",
            }
            d.settlements.append(second)
            event(
                at(0.7),
                EventKind.SETTLEMENT,
                approver,
                f"{self.label(SettlementKind, SettlementKind.CREDIT_NOTE)} · {partial} € HT. {second['note']}",
            )
            self.settled(d, values, second, at(0.7))
            return
        settlement["status"] = SettlementStatus.APPROVED
        event(decided_at, EventKind.APPROVAL, approver, f"Accord : {label}.")
        self.settled(d, values, settlement, decided_at)

    def settled(self, d: Draft, values: dict, settlement: dict, time: dt.datetime) -> None:
        if settlement["kind"] == SettlementKind.CREDIT_NOTE:
            settlement["reference"] = "AV-{number}"
        values.update(status=ClaimStatus.SETTLED, settled_at=time)
        d.timeline.append(
            (
                time,
                settlement["decided_by"],
                f"Réclamation {{number}} : {self.label(SettlementKind, settlement['kind'])}",
                settlement["note"],
            )
        )

    def satisfaction(
        self, d: Draft, values: dict, verdict: str, by_email: bool, rep: int, end, event
    ) -> None:
        rng = self.rng
        answered_at = end + dt.timedelta(hours=rng.uniform(2, 96))
        if rng.random() >= 0.6 or answered_at >= self.now:
            return
        happy = rng.random() < (0.55 if verdict == Verdict.UNFOUNDED else 0.86)
        answer = Satisfaction.SATISFIED if happy else Satisfaction.NOT_SATISFIED
        comment = rng.choice(HAPPY if happy else UNHAPPY)
        values.update(satisfaction=answer, satisfaction_comment=comment, satisfaction_at=answered_at)
        text = self.label(Satisfaction, answer) + (f" : {comment}" if comment else "")
        event(
            answered_at,
            EventKind.SATISFACTION,
            None if by_email else rep,
            text,
            source="survey" if by_email else "",
        )

    def deadline_marks(self, d: Draft, values: dict, due, remind: int, end) -> None:
        """What the deadline check did while the claim was open: the reminder, the escalation."""
        rng = self.rng
        limit = min(end, self.now)
        remind_from = policy.add_working_days(timezone.localtime(due), -remind)
        reminded = remind_from + dt.timedelta(minutes=rng.randint(2, 20))
        if reminded < limit and reminded < due:
            values["reminded_at"] = reminded
            d.events.append(
                (reminded, EventKind.REMINDER, None, "Échéance proche : rappel envoyé.", "", None, "")
            )
        escalated = due + dt.timedelta(minutes=rng.randint(2, 20))
        if escalated < limit:
            values["escalated_at"] = escalated
            d.events.append(
                (
                    escalated,
                    EventKind.ESCALATED,
                    None,
                    "Échéance dépassée : le superviseur est prévenu.",
                    "",
                    None,
                    "",
                )
            )


# Seed ----------------------------------------------------------------------------------------------------------------

CLAIM_FIELDS = (
    "id", "created_at", "updated_at", "number", "company", "contact", "team", "order", "channel", "claim_type",
    "cause", "severity", "mood", "description", "requested", "request_note", "answers", "quantity", "amount",
    "verdict", "verdict_note", "verdict_by", "verdict_at", "status", "service", "assignee", "due_at", "reminded_at",
    "escalated_at", "created_by", "settled_at", "customer_notified_at", "closed_at", "closed_by", "survey_sent_at",
    "satisfaction", "satisfaction_comment", "satisfaction_at", "external_ref",
)  # fmt: skip
LINE_FIELDS = ("id", "claim", "order_line", "product", "quantity", "unit_label", "amount")
SETTLEMENT_FIELDS = (
    "id", "created_at", "updated_at", "claim", "kind", "amount", "note", "status", "proposed_by", "approver_role",
    "decided_by", "decided_at", "decision_note", "reference", "done_at", "done_by", "done_note",
)  # fmt: skip
EVENT_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "claim",
    "kind",
    "by",
    "note",
    "service",
    "assignee",
    "source",
)
INTERACTION_FIELDS = (
    "id", "created_at", "updated_at", "company", "contact", "kind", "occurred_at", "author", "subject", "notes",
    "reference",
)  # fmt: skip


def seed(ctx: DemoContext) -> None:
    with translation.override("fr"):
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.localtime()
    total = ctx.pick(small=40, medium=400, large=8000)
    window = ctx.pick(small=365, medium=365, large=183)  # as deep as the order history goes
    ref = _Reference(ctx, now, window)
    if not ref.by_day:
        return
    deadlines = dict(policy.DEFAULT_POLICIES)
    deadlines.update(
        {
            t: (s, d, r)
            for t, s, d, r in ClaimPolicy.objects.values_list(
                "claim_type", "service", "deadline_days", "remind_days_before"
            )
        }
    )
    limits = policy.limits()
    story = _Story(ctx, ref, now, deadlines, limits)
    rep_pk = ref.by_username.get("televendeur")
    sup_team = next(
        (team for team, sup in ref.supervisor_of.items() if sup == ref.by_username.get("superviseur")), None
    )
    demo_rep = {pk for pk, (rep, _team) in ref.companies.items() if rep == rep_pk}
    sup_companies = {pk for pk, (_rep, team) in ref.companies.items() if team == sup_team}

    drafts = _plan(total)
    goods_types = (ClaimType.DAMAGED, ClaimType.MISSING, ClaimType.QUALITY, ClaimType.WRONG_PRODUCT)
    for d in drafts:
        cause, claim_type = _pick_cause_and_type(rng, d.force)
        if d.status == ClaimStatus.AWAITING_APPROVAL and claim_type not in goods_types:
            cause, claim_type = ClaimCause.CARRIER, ClaimType.DAMAGED  # a credit note for goods
        d.values = {"claim_type": claim_type, "cause": cause}
        # When it was received: the closed ones over the history, the open ones in the last days.
        if d.status == ClaimStatus.CLOSED:
            day = ctx.today - dt.timedelta(days=rng.randint(21, window))
            while day.weekday() >= 5:
                day -= dt.timedelta(days=1)
            d.t0 = _at(day, rng.uniform(DAY_OPEN + 15, DAY_CLOSE - 15))
            continue
        days = deadlines[claim_type][1]
        if d.overdue:
            age = days * WORKDAY + rng.uniform(60, 6 * WORKDAY)
        else:
            age = rng.uniform(
                *{
                    ClaimStatus.NEW: (10, 0.8 * WORKDAY),
                    ClaimStatus.ROUTED: (60, 0.85 * days * WORKDAY),
                    ClaimStatus.AWAITING_APPROVAL: (0.4 * WORKDAY, 0.9 * days * WORKDAY),
                    ClaimStatus.SETTLED: (0.5 * WORKDAY, 0.95 * days * WORKDAY),
                }[d.status]
            )
        d.t0 = _work_back(story.latest, age)

    # Which order, which lines.
    wanted = {
        "supervisor": lambda company: company in demo_rep or company in sup_companies,
        "rep": lambda company: company in demo_rep,
    }
    candidates: dict[int, list[tuple]] = {}
    for i, d in enumerate(drafts):
        count = 8 if d.status == ClaimStatus.AWAITING_APPROVAL else 1
        if d.force == "supervisor":
            count = 30
        found = ref.orders_before(rng, d.t0, wanted.get(d.force), count)
        if d.force == "supervisor" and demo_rep:
            found.sort(key=lambda o: o[1] not in demo_rep)  # the demo rep's own customers first
        candidates[i] = found
        ref.used.update(o[0] for o in found[:1])
    lines_of = ref.load_lines({o[0] for found in candidates.values() for o in found})
    kept = []
    rep_limit = limits.get(Role.REP) or ZERO
    for i, d in enumerate(drafts):
        awaiting = d.status == ClaimStatus.AWAITING_APPROVAL
        minimum = rep_limit if awaiting else ZERO
        maximum = limits.get(Role.SUPERVISOR) if awaiting else None
        claim_type = d.values["claim_type"]
        for order in candidates[i]:
            chosen = _choose_lines(rng, claim_type, lines_of.get(order[0], []), minimum, maximum)
            if chosen or claim_type == ClaimType.SERVICE:
                d.order, d.lines = order, chosen
                break
        if d.order is None:
            continue
        ref.used.add(d.order[0])
        kept.append(d)

    # The stories, in the order the claims were received (ids and numbers follow time).
    kept.sort(key=lambda d: d.t0)
    claim_id, line_id = next_id(Claim), next_id(ClaimLine)
    settlement_id, event_id, interaction_id = next_id(Settlement), next_id(ClaimEvent), next_id(Interaction)
    answers_field = Claim._meta.get_field("answers")
    claim_rows, line_rows, settlement_rows, event_rows, interaction_rows = [], [], [], [], []
    counts: dict[str, int] = defaultdict(int)
    for d in kept:
        order_id, company_id, delivered_at = d.order
        rep, team = ref.companies[company_id]
        claim_type = d.values["claim_type"]
        line_amounts = [(line, qty, _money(line.amount * qty / line.quantity)) for line, qty in d.lines]
        goods = _money(sum((a for _l, _q, a in line_amounts), ZERO))
        answers = ANSWERS[claim_type](rng)
        if claim_type == ClaimType.INVOICING and answers.get("error") == "Doublon":
            amount = goods  # the line billed twice
        elif claim_type in (ClaimType.INVOICING, ClaimType.PRICE):
            amount = _money(goods * Decimal(rng.choice(["0.08", "0.12", "0.2", "0.3"])))
        elif claim_type == ClaimType.LATE:
            amount = _money(0) if rng.random() < 0.5 else goods
        else:
            amount = goods
        requested = _weighted(rng, REQUESTED_BY_TYPE[claim_type])
        severity = _weighted(rng, SEVERITIES)
        if claim_type == ClaimType.QUALITY and d.lines:
            answers["storage"] = STORAGE.get(d.lines[0][0].family, "Réserve sèche")
        if claim_type == ClaimType.QUALITY and severity == Severity.CRITICAL:
            answers["health"] = "oui"
        elif severity == Severity.CRITICAL:
            severity = Severity.HIGH
        channel = _weighted(rng, CHANNELS)
        values = {
            **d.values,
            "company": company_id,
            "team": team,
            "order": order_id,
            "channel": channel,
            "severity": severity,
            "mood": _weighted(rng, MOODS),
            "description": _describe(rng, claim_type, d.lines, timezone.localtime(delivered_at).date()),
            "requested": requested,
            "request_note": rng.choice(REQUEST_NOTES.get(requested, ("",))) if rng.random() < 0.3 else "",
            "answers": clean_answers(claim_type, answers),
            "quantity": sum(qty for _line, qty in d.lines),
            "amount": amount,
            "created_by": rep,
            "status": ClaimStatus.NEW,
        }
        story.tell(d, values)
        pk = claim_id
        claim_id += 1
        number = f"R{d.t0.year}-{pk:06d}"
        last = max(e[0] for e in d.events)
        claim_rows.append(
            (
                pk, d.t0, last, number, company_id, values.get("contact"), team, order_id, channel, claim_type,
                values["cause"], severity, values["mood"], values["description"], requested, values["request_note"],
                answers_field.get_db_prep_save(values["answers"], connection), values["quantity"], amount,
                values.get("verdict", ""), values.get("verdict_note", ""), values.get("verdict_by"),
                values.get("verdict_at"), values["status"], values.get("service", ""), values.get("assignee"),
                values["due_at"], values.get("reminded_at"), values.get("escalated_at"), rep, values.get("settled_at"),
                values.get("customer_notified_at"), values.get("closed_at"), values.get("closed_by"),
                values.get("survey_sent_at"), values.get("satisfaction", ""), values.get("satisfaction_comment", ""),
                values.get("satisfaction_at"), f"ERP-REC-{pk:06d}" if channel == Channel.API else "",
            )
        )  # fmt: skip
        for line, qty, line_amount in line_amounts:
            line_rows.append((line_id, pk, line.pk, line.product_id, qty, line.unit_label, line_amount))
            line_id += 1
        for s in d.settlements:
            # Carried out by the time the claim closed (credit note issued, replacement delivered...).
            done = (
                s["status"] == SettlementStatus.APPROVED
                and s["kind"] != SettlementKind.REFUSAL
                and values.get("closed_at") is not None
            )
            settlement_rows.append(
                (
                    settlement_id, s["created_at"], s["decided_at"] or s["created_at"], pk, s["kind"], s["amount"],
                    s["note"], s["status"], s["proposed_by"], s["approver_role"], s["decided_by"], s["decided_at"],
                    s["decision_note"], s.get("reference", "").format(number=number),
                    values["closed_at"] if done else None, s["decided_by"] if done else None,
                    s.get("reference", "").format(number=number) if done else "",
                )
            )  # fmt: skip
            settlement_id += 1
        for time, kind, by, note, service, assignee, source in sorted(d.events, key=lambda e: e[0]):
            event_rows.append((event_id, time, time, pk, kind, by, note, service, assignee, source))
            event_id += 1
        for time, author, subject, notes in d.timeline:
            interaction_rows.append(
                (interaction_id, time, time, company_id, values.get("contact"), InteractionKind.CLAIM, time,
                 author, subject.format(number=number), notes, f"claims.claim:{pk}")
            )  # fmt: skip
            interaction_id += 1
        counts[values["status"]] += 1
        counts["overdue"] += values["status"] != ClaimStatus.CLOSED and values["due_at"] < now

    insert_rows(Claim, CLAIM_FIELDS, claim_rows)
    insert_rows(ClaimLine, LINE_FIELDS, line_rows)
    insert_rows(Settlement, SETTLEMENT_FIELDS, settlement_rows)
    insert_rows(ClaimEvent, EVENT_FIELDS, event_rows)
    insert_rows(Interaction, INTERACTION_FIELDS, interaction_rows)
    reset_sequences(Claim, ClaimLine, Settlement, ClaimEvent, Interaction)
    ctx.log(
        f"  claims: {len(claim_rows)} claims ({counts[ClaimStatus.CLOSED]} closed, {counts[ClaimStatus.NEW]} new, "
        f"{counts[ClaimStatus.ROUTED]} routed, {counts[ClaimStatus.AWAITING_APPROVAL]} awaiting approval, "
        f"{counts[ClaimStatus.SETTLED]} settled, {counts['overdue']} overdue), {len(line_rows)} lines, "
        f"{len(settlement_rows)} settlements, {len(event_rows)} events"
    )
    logistics = ref.service_people.get(BackOfficeService.LOGISTICS)
    if logistics and "logins" in ctx.shared:
        user = ref.users[logistics[0]]
        ctx.shared["logins"].append(
            f"  {user.username:12} - back office, logistics: claims to handle ({ref.names[user.pk]})"
        )
