"""Demo market data: what customers said about fictional competitors over the last 90 days, an
open satisfaction survey with its answers (phone and email) and two improvement actions, and a
market survey in preparation. Written with bulk inserts (a few hundred rows), after the calls and
orders demos."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone, translation

from televente.accounts.models import User
from televente.catalog.models import Product
from televente.core.demo import DemoContext
from televente.customers.models import Company, Contact

from .choices import (
    ActionStatus,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
    Satisfaction,
    SurveyKind,
    SurveyStatus,
)
from .models import (
    Competitor,
    CompetitorObservation,
    ImprovementAction,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

SATISFACTION_SURVEY_TITLE = "Satisfaction clients 2026"  # the campaigns demo runs a campaign on it
MARKET_SURVEY_TITLE = "Intérêt pour une gamme bio"

# name, weight, price factor against our base price (below 1: cheaper), days since first seen
COMPETITORS = [
    ("Distri-Frais Ouest", 30, 0.94, 400),
    ("Boulange Pro Services", 22, 0.97, 380),
    ("Cash Alimentaire du Centre", 18, 0.90, 300),
    ("Grossistes du Val de Seine", 14, 1.02, 500),
    ("Les Halles de Loire", 9, 0.92, 25),  # appeared this quarter: the report shows it "nouveau"
    ("Saveurs du Terroir Distribution", 7, 1.05, 200),
]
PRODUCT_LABELS = ["premier prix", "marque distributeur", "gamme pro", "import", "promo du mois"]
TERMS = [
    "franco 250 € HT",
    "livraison J+1 avant 7 h",
    "paiement à 45 jours",
    "franco 400 € HT, 2 livraisons par semaine",
    "remise de 3 % au volume",
    "paiement comptant, prix cassés",
    "",
    "",
]
NOTES = [
    "Le client trouve leurs livraisons souvent en retard.",
    "Commercial très présent sur le terrain.",
    "Prix d'appel sur quelques références seulement.",
    "Le client hésite à changer, satisfait de la qualité.",
    "Ruptures fréquentes sur la farine.",
    "",
    "",
    "",
]

CRITERIA = [  # label, mean score out of 10
    ("Délais de livraison", 6.2),
    ("Qualité des produits", 8.4),
    ("Accueil téléphonique", 8.7),
    ("Prix", 6.0),
]
ORDER_WAYS = ["Par téléphone avec mon télévendeur", "Sur le site web", "Auprès du commercial", "Par e-mail"]
SUGGESTIONS = [
    "Livrer plus tôt le samedi matin.",
    "Prévenir quand un article est en rupture avant la livraison.",
    "Un catalogue papier de saison serait pratique.",
    "Très contents de notre télévendeuse, toujours à l'écoute.",
    "Les prix de la crèmerie ont beaucoup augmenté.",
    "Un créneau de livraison plus précis.",
    "",
    "",
    "",
]


def seed(ctx: DemoContext) -> None:
    with translation.override("fr"):
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=["televendeur", "superviseur", "admin"])}
    rep = users.get("televendeur")
    supervisor = users.get("superviseur") or users.get("admin")
    companies = list(
        Company.objects.filter(status="customer", rep__isnull=False)
        .order_by("pk")
        .values_list("pk", "rep_id", "team_id")[: ctx.pick(300, 3000, 20000)]
    )
    if not companies or rep is None:
        return
    mine = [c for c in companies if c[2] == rep.team_id] or companies
    products = list(
        Product.objects.filter(status="active", base_price__gt=0)
        .order_by("pk")
        .values_list("pk", "base_price", "base_unit")[:400]
    )
    rng.shuffle(products)
    products = products[:30]

    # Competitors and observations -------------------------------------------------------------------------------
    competitors = []
    for name, _weight, _factor, age in COMPETITORS:
        competitor, _created = Competitor.objects.get_or_create(name=name, defaults={"created_by": rep})
        Competitor.objects.filter(pk=competitor.pk).update(created_at=now - dt.timedelta(days=age))
        competitors.append(competitor)
    weights = [c[1] for c in COMPETITORS]
    total = ctx.pick(60, 200, 1500)
    rows = []
    for _i in range(total):
        index = rng.choices(range(len(COMPETITORS)), weights=weights)[0]
        age = COMPETITORS[index][3]
        company_id, rep_id, _team = rng.choice(mine if rng.random() < 0.6 else companies)
        at = now - dt.timedelta(days=rng.uniform(0, min(89, age)), minutes=rng.randint(0, 600))
        observation = CompetitorObservation(
            company_id=company_id,
            competitor=competitors[index],
            satisfaction=rng.choice(
                ["", Satisfaction.SATISFIED, Satisfaction.NEUTRAL, Satisfaction.DISSATISFIED]
            ),
            terms=rng.choice(TERMS),
            notes=rng.choice(NOTES),
            observed_at=at,
            recorded_by_id=rep_id,
        )
        if products and rng.random() < 0.8:
            product_id, base_price, base_unit = rng.choice(products)
            factor = COMPETITORS[index][2] * rng.uniform(0.93, 1.07)
            observation.product_id = product_id
            observation.product_label = rng.choice(PRODUCT_LABELS)
            if rng.random() < 0.85:
                observation.price = (Decimal(base_price) * Decimal(str(round(factor, 3)))).quantize(
                    Decimal("0.01")
                )
                observation.price_unit = base_unit
            elif rng.random() < 0.5:
                observation.price = (Decimal(base_price) * 6 * Decimal(str(round(factor, 3)))).quantize(
                    Decimal("0.01")
                )
                observation.price_unit = "carton de 6"
        rows.append(observation)
    CompetitorObservation.objects.bulk_create(rows, batch_size=500)

    # The satisfaction survey ----------------------------------------------------------------------------------------
    survey, created = Survey.objects.get_or_create(
        title=SATISFACTION_SURVEY_TITLE,
        defaults={
            "kind": SurveyKind.SATISFACTION,
            "status": SurveyStatus.OPEN,
            "created_by": supervisor,
            "introduction": (
                "Bonjour, nous menons notre enquête annuelle de satisfaction. Elle prend deux minutes "
                "et nous aide à mieux vous servir. Vos réponses restent confidentielles."
            ),
            "thanks": "Merci pour vos réponses ! Nous vous tiendrons informé des actions que nous en tirons.",
        },
    )
    if created:
        questions = [
            ("Sur une échelle de 0 à 10, recommanderiez-vous notre société à un confrère ?", QuestionKind.SCALE,
             [], QuestionRole.NPS, ""),
            ("Globalement, de 0 à 10, êtes-vous satisfait de nos services ?", QuestionKind.SCALE, [],
             QuestionRole.CSAT, ""),
            *[(f"De 0 à 10, comment notez-vous : {label.lower()} ?", QuestionKind.SCALE, [],
               QuestionRole.CRITERION, label) for label, _mean in CRITERIA],
            ("Comment préférez-vous passer vos commandes ?", QuestionKind.CHOICE, ORDER_WAYS, QuestionRole.PLAIN, ""),
            ("Que devrions-nous améliorer en priorité ?", QuestionKind.TEXT, [], QuestionRole.PLAIN, ""),
        ]  # fmt: skip
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                survey=survey, position=i, text=text, kind=kind, choices=choices, role=role,
                criterion=criterion, required=kind != QuestionKind.TEXT,
            )
            for i, (text, kind, choices, role, criterion) in enumerate(questions, start=1)
        )  # fmt: skip
        _responses(ctx, survey, companies, mine, now)
        ImprovementAction.objects.bulk_create(
            [
                ImprovementAction(
                    survey=survey,
                    title="Tournée du samedi avancée à 6 h 30",
                    description="Les boulangeries et restaurants reçoivent avant le coup de feu du matin.",
                    criterion="Délais de livraison",
                    owner=supervisor,
                    due_on=ctx.today + dt.timedelta(days=30),
                ),
                ImprovementAction(
                    survey=survey,
                    title="Appel du télévendeur dès qu'un article commandé est en rupture",
                    description="Avec une proposition de produit de remplacement.",
                    criterion="Délais de livraison",
                    owner=supervisor,
                    status=ActionStatus.DONE,
                    due_on=ctx.today - dt.timedelta(days=5),
                ),
            ]
        )

    # The market survey, in preparation ------------------------------------------------------------------------------
    market, created = Survey.objects.get_or_create(
        title=MARKET_SURVEY_TITLE,
        defaults={
            "kind": SurveyKind.MARKET,
            "status": SurveyStatus.DRAFT,
            "created_by": supervisor,
            "introduction": "Nous réfléchissons à une gamme de produits bio. Trois questions pour connaître vos besoins.",
            "thanks": "Merci, nous vous présenterons la gamme dès son lancement.",
        },
    )
    if created:
        SurveyQuestion.objects.bulk_create(
            [
                SurveyQuestion(survey=market, position=1, text="Proposez-vous déjà des produits bio à vos clients ?",
                               kind=QuestionKind.CHOICE, choices=["Oui, beaucoup", "Quelques-uns", "Non"]),
                SurveyQuestion(survey=market, position=2,
                               text="De 0 à 10, quel est votre intérêt pour une gamme bio chez nous ?",
                               kind=QuestionKind.SCALE),
                SurveyQuestion(survey=market, position=3, text="Quels produits bio vous manquent aujourd'hui ?",
                               kind=QuestionKind.TEXT, required=False),
            ]
        )  # fmt: skip
    ctx.log(f"  market: {len(rows)} competitor observations, surveys « {SATISFACTION_SURVEY_TITLE} »")


def _score(rng, mean: float) -> int:
    return max(0, min(10, round(rng.gauss(mean, 1.6))))


def _responses(ctx: DemoContext, survey: Survey, companies, mine, now) -> None:
    rng = ctx.rng
    count = ctx.pick(15, 40, 120)
    picked = rng.sample(mine, min(len(mine), count // 2)) + rng.sample(companies, min(len(companies), count))
    seen, chosen = set(), []
    for c in picked:
        if c[0] not in seen:
            seen.add(c[0])
            chosen.append(c)
        if len(chosen) == count:
            break
    contacts = {}
    for pk, company_id, email, opt_out in Contact.objects.filter(
        company_id__in=[c[0] for c in chosen], is_active=True
    ).values_list("pk", "company_id", "email", "opt_out_email"):
        contacts.setdefault(company_id, (pk, email, opt_out))
    questions = list(survey.questions.order_by("position"))
    answers = []
    for company_id, rep_id, _team in chosen:
        contact = contacts.get(company_id)
        by_email = bool(contact and contact[1] and not contact[2]) and rng.random() < 0.45
        at = now - dt.timedelta(days=rng.uniform(0, 60))
        invitation = None
        if by_email:
            invitation = SurveyInvitation.objects.create(
                survey=survey,
                company_id=company_id,
                contact_id=contact[0],
                invited_by_id=rep_id,
                used_at=at,
            )
        response = SurveyResponse.objects.create(
            survey=survey,
            company_id=company_id,
            contact_id=contact[0] if contact else None,
            channel=ResponseChannel.EMAIL if by_email else ResponseChannel.PHONE,
            invitation=invitation,
            recorded_by_id=None if by_email else rep_id,
            submitted_at=at,
        )
        nps = rng.choices(range(11), weights=[1, 1, 1, 2, 2, 3, 5, 8, 14, 16, 14])[0]
        for q in questions:
            if q.role == QuestionRole.NPS:
                answers.append(SurveyAnswer(response=response, question=q, score=nps))
            elif q.role == QuestionRole.CSAT:
                answers.append(SurveyAnswer(response=response, question=q, score=_score(rng, 6.5 + nps / 8)))
            elif q.role == QuestionRole.CRITERION:
                mean = dict(CRITERIA)[q.criterion]
                answers.append(SurveyAnswer(response=response, question=q, score=_score(rng, mean)))
            elif q.kind == QuestionKind.CHOICE:
                way = rng.choices(q.choices, weights=[6, 2, 2, 1])[0]
                answers.append(SurveyAnswer(response=response, question=q, choice=way))
            else:
                text = rng.choice(SUGGESTIONS)
                if text:
                    answers.append(SurveyAnswer(response=response, question=q, text=text))
    SurveyAnswer.objects.bulk_create(answers, batch_size=500)
