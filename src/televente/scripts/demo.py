"""Demo scripts and objections: four interview guides (order taking, reactivation of an inactive
account, prospecting, new products), fifteen objections with two or three answers each, the answers'
use in the calls of the last weeks (some answers lead to orders far more often than others) and runs
of the reactivation script stopping at various steps, so that the results screens have something to
show. The names are constants for the campaigns demo."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.calls.choices import CallOutcome, CallReason, TaskStatus
from televente.calls.models import CallTask
from televente.core.demo import DemoContext

from . import services
from .choices import AnswerType, ObjectionFamily, SavesTo, StepKind
from .models import Objection, ObjectionAnswer, ObjectionUse, Script, ScriptRun
from .services import StepData

ORDER_SCRIPT = "Prise de commande"
REACTIVATION_SCRIPT = "Relance d'un compte inactif"
PROSPECT_SCRIPT = "Prospection : découverte"
NEW_PRODUCTS_SCRIPT = "Annonce de nouveautés"

SONCAS = ["Sécurité", "Orgueil", "Nouveauté", "Confort", "Argent", "Sympathie", "Environnement"]


def S(
    position,
    kind,
    title,
    text="",
    question="",
    answer_type=AnswerType.NONE,
    choices=(),
    saves_to="",
    next_position=None,
    branches=(),
):
    return StepData(
        position=position, kind=kind, title=title, text=text, question=question, answer_type=answer_type,
        choices=list(choices), saves_to=saves_to, next_position=next_position, branches=list(branches),
    )  # fmt: skip


GREETING = S(
    1, StepKind.GREETING, "Accueil",
    "Bonjour [interlocuteur], ici [votre prénom] de [société]. Je ne vous dérange pas en plein service ?",
)  # fmt: skip

SCRIPTS = {
    ORDER_SCRIPT: {
        "description": "L'appel habituel : reprendre la commande, proposer les offres du moment.",
        "reasons": [CallReason.CALL_DAY, CallReason.LATE, CallReason.RETRY, CallReason.CALLBACK],
        "steps": [
            GREETING,
            S(
                2,
                StepKind.IDENTIFICATION,
                "Vérifier l'interlocuteur",
                question="Je suis bien avec la personne qui passe les commandes ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 7)],
            ),
            S(
                3,
                StepKind.HOOK,
                "Accroche",
                (
                    "C'est votre jour de commande : je vous relis votre commande habituelle et je "
                    "vous donne les offres de la semaine."
                ),
            ),
            S(
                4,
                StepKind.PRESENTATION,
                "Commande habituelle et offres",
                (
                    "Relisez la commande habituelle (touche c pour ouvrir la commande). Proposez "
                    "l'offre du moment et un produit complémentaire."
                ),
            ),
            S(
                5,
                StepKind.DISCOVERY,
                "Besoin particulier",
                question=(
                    "Avez-vous un besoin particulier dans les prochaines semaines (événement, "
                    "nouvelle carte) ?"
                ),
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.NEEDS,
            ),
            S(
                6,
                StepKind.CLOSING,
                "Récapitulatif",
                "Récapitulez : produits, quantités, date de livraison et montant. Faites confirmer.",
            ),
            S(
                7,
                StepKind.LEAVE_TAKING,
                "Prise de congé",
                "Merci, bonne journée ! Je vous rappelle comme d'habitude la semaine prochaine.",
            ),
        ],
    },
    REACTIVATION_SCRIPT: {
        ("description"): (
            "Faire revenir un client qui ne commande plus : comprendre pourquoi, proposer l'offre de reprise."
        ),
        "reasons": [CallReason.INACTIVE, CallReason.CAMPAIGN],
        "steps": [
            GREETING,
            S(
                2,
                StepKind.IDENTIFICATION,
                "Vérifier l'interlocuteur",
                question="Je suis bien avec la personne qui s'occupe des achats ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 12)],
            ),
            S(
                3,
                StepKind.HOOK,
                "Accroche",
                (
                    "Nous n'avons pas eu le plaisir de vous livrer depuis quelques semaines : je "
                    "voulais prendre de vos nouvelles et vous réserver notre offre de reprise."
                ),
            ),
            S(
                4,
                StepKind.DISCOVERY,
                "Fournisseur actuel",
                question="Où vous approvisionnez-vous aujourd'hui ?",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.COMPETITOR,
            ),
            S(
                5,
                StepKind.DISCOVERY,
                "Besoins",
                question="De quoi avez-vous besoin en ce moment (produits, quantités, livraisons) ?",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.NEEDS,
            ),
            S(
                6,
                StepKind.DISCOVERY,
                "Ce qui compte pour le client",
                question="Qu'est-ce qui compte le plus pour vous ?",
                answer_type=AnswerType.CHOICE,
                choices=SONCAS,
                saves_to=SavesTo.BUYING_MOTIVES,
            ),
            S(
                7,
                StepKind.DISCOVERY,
                "Potentiel",
                question="Combien dépensez-vous à peu près par an en matières premières (€ HT) ?",
                answer_type=AnswerType.NUMBER,
                saves_to=SavesTo.POTENTIAL,
            ),
            S(
                8,
                StepKind.DISCOVERY,
                "Satisfaction",
                question="Êtes-vous satisfait de votre fournisseur actuel ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 9), ("Oui", 10)],
            ),
            S(
                9,
                StepKind.PRESENTATION,
                "Présentation de l'offre de reprise",
                (
                    "Reprenez ce qui ne va pas chez son fournisseur et répondez-y : livraison le "
                    "lendemain, franco bas, produits de la commande habituelle à prix de reprise "
                    "pendant un mois."
                ),
                next_position=11,
            ),
            S(
                10,
                StepKind.OBJECTIONS,
                "Traitement des objections",
                (
                    "Il est satisfait : ne critiquez pas son fournisseur. Proposez un essai sur un "
                    "produit où nous sommes meilleurs. Cherchez l'objection (touche o)."
                ),
                question="Le client accepte-t-il un essai ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 12)],
            ),
            S(
                11,
                StepKind.CLOSING,
                "Conclusion",
                "Proposez de passer la première commande maintenant (touche c).",
                question="Où en est le client ?",
                answer_type=AnswerType.CHOICE,
                choices=["Intéressé", "Offre envoyée", "En négociation", "Première commande"],
                saves_to=SavesTo.ENGAGEMENT,
            ),
            S(
                12,
                StepKind.LEAVE_TAKING,
                "Prise de congé",
                "Merci de votre temps. Je vous envoie notre catalogue et je vous rappelle dans quinze jours.",
            ),
        ],
    },
    PROSPECT_SCRIPT: {
        ("description"): (
            "Premier appel à un prospect : qualifier (décideur, fournisseur, besoins, "
            "potentiel) et obtenir un rendez-vous ou une offre."
        ),
        "reasons": [CallReason.PROSPECT],
        "steps": [
            S(
                1,
                StepKind.GREETING,
                "Accueil",
                (
                    "Bonjour, [votre prénom], de [société], grossiste alimentaire de la région. Je souhaiterais "
                    "parler au responsable des achats."
                ),
            ),
            S(
                2,
                StepKind.IDENTIFICATION,
                "Trouver le décideur",
                question="Est-ce vous qui choisissez vos fournisseurs ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 3), ("Oui", 4)],
            ),
            S(
                3,
                StepKind.IDENTIFICATION,
                "Nom du décideur",
                question="Qui dois-je demander, et quand le joindre ?",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.NOTES,
                next_position=11,
            ),
            S(
                4,
                StepKind.HOOK,
                "Accroche",
                (
                    "Nous livrons déjà plusieurs établissements de votre quartier, le lendemain de la "
                    "commande : je voulais voir si nous pouvions vous être utiles."
                ),
            ),
            S(
                5,
                StepKind.DISCOVERY,
                "Fournisseur actuel",
                question="Avec quel fournisseur travaillez-vous aujourd'hui ?",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.COMPETITOR,
            ),
            S(
                6,
                StepKind.DISCOVERY,
                "Besoins",
                question="Quels produits achetez-vous le plus ? Qu'est-ce qui vous manque ?",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.NEEDS,
            ),
            S(
                7,
                StepKind.DISCOVERY,
                "Ce qui compte pour le client",
                question="Qu'est-ce qui compte le plus dans le choix d'un fournisseur ?",
                answer_type=AnswerType.CHOICE,
                choices=SONCAS,
                saves_to=SavesTo.BUYING_MOTIVES,
            ),
            S(
                8,
                StepKind.DISCOVERY,
                "Potentiel",
                question="Quel volume d'achats par an, à peu près (€ HT) ?",
                answer_type=AnswerType.NUMBER,
                saves_to=SavesTo.POTENTIAL,
            ),
            S(
                9,
                StepKind.PRESENTATION,
                "Présentation",
                (
                    "Présentez ce qui répond à ses mobiles d'achat : sécurité (traçabilité, chaîne du "
                    "froid), argent (prix, franco), confort (livraison le lendemain, un seul "
                    "interlocuteur)."
                ),
            ),
            S(
                10,
                StepKind.CLOSING,
                "Conclusion",
                question="Où en est le prospect ?",
                answer_type=AnswerType.CHOICE,
                choices=["Contacté", "Intéressé", "Offre envoyée"],
                saves_to=SavesTo.ENGAGEMENT,
            ),
            S(
                11,
                StepKind.LEAVE_TAKING,
                "Prise de congé",
                "Merci, je vous envoie notre catalogue par e-mail.",
            ),
        ],
    },
    NEW_PRODUCTS_SCRIPT: {
        "description": "Annoncer les nouveautés du catalogue et en faire goûter.",
        "reasons": [],
        "steps": [
            GREETING,
            S(
                2,
                StepKind.HOOK,
                "Accroche",
                (
                    "Nous venons de référencer de nouveaux produits qui plaisent beaucoup à des "
                    "établissements comme le vôtre."
                ),
            ),
            S(
                3,
                StepKind.PRESENTATION,
                "Les nouveautés",
                (
                    "Présentez deux nouveautés adaptées à son activité, avec leur fiche technique "
                    "(allergènes, conservation)."
                ),
            ),
            S(
                4,
                StepKind.DISCOVERY,
                "Intérêt",
                question="Voulez-vous les essayer dans votre prochaine commande ?",
                answer_type=AnswerType.YES_NO,
                branches=[("Non", 5), ("Oui", 6)],
            ),
            S(
                5,
                StepKind.OBJECTIONS,
                "Objections",
                "Demandez ce qui le retient ; cherchez l'objection (touche o). Proposez un échantillon.",
                question="Remarque du client",
                answer_type=AnswerType.TEXT,
                saves_to=SavesTo.NOTES,
            ),
            S(6, StepKind.CLOSING, "Conclusion", "Ajoutez les nouveautés à la commande (touche c)."),
            S(7, StepKind.LEAVE_TAKING, "Prise de congé", "Merci, bonne journée !"),
        ],
    },
}

# (objection, family, keywords, [(answer, share of the calls it was used in that ended with an order)])
OBJECTIONS = [
    (
        "C'est trop cher",
        ObjectionFamily.PRICE,
        "cher prix tarif coûte budget",
        [
            (
                (
                    "Trop cher par rapport à quoi ? Comparons au prix à la portion : notre beurre AOP "
                    "donne 12 % de rendement en plus au feuilletage."
                ),
                0.58,
            ),
            (
                (
                    "Je comprends. Si je vous trouve un produit équivalent moins cher dans notre "
                    "gamme, vous l'essayez ?"
                ),
                0.41,
            ),
            ("Nos prix sont les mêmes pour tout le monde.", 0.12),
        ],
    ),
    (
        "Votre concurrent est moins cher",
        ObjectionFamily.PRICE,
        "concurrent moins cher prix promo",
        [
            ("Sur quels produits ? Je regarde tout de suite ce que je peux faire sur ces références.", 0.52),
            ("Son prix comprend-il la livraison et le franco ? Comparons le coût livré.", 0.44),
        ],
    ),
    (
        "J'ai déjà un fournisseur",
        ObjectionFamily.COMPETITOR,
        "fournisseur déjà habitude grossiste",
        [
            (
                (
                    "C'est bien normal. Et si votre fournisseur est en rupture un samedi, qui vous "
                    "dépanne ? Gardez-nous en second fournisseur."
                ),
                0.47,
            ),
            ("Qu'est-ce qui vous plaît le plus chez lui ? Et qu'aimeriez-vous qu'il fasse mieux ?", 0.39),
            ("Nous sommes meilleurs que lui.", 0.08),
        ],
    ),
    (
        "Je suis satisfait de mon fournisseur",
        ObjectionFamily.COMPETITOR,
        "satisfait content fournisseur",
        [
            (
                (
                    "Tant mieux ! Je vous propose simplement de comparer sur un produit : la crème 35 "
                    "%, livrée demain."
                ),
                0.42,
            ),
            ("Je ne vous demande pas de changer, seulement de nous tester sur une commande.", 0.33),
        ],
    ),
    (
        "Je n'ai pas le temps",
        ObjectionFamily.TIMING,
        "temps occupé service rush",
        [
            (
                "Je comprends, vous êtes en plein service. À quelle heure puis-je vous rappeler 3 minutes ?",
                0.36,
            ),
            (
                (
                    "Une seule question alors, et je vous laisse : avez-vous besoin de quelque chose "
                    "pour demain ?"
                ),
                0.49,
            ),
        ],
    ),
    (
        "Rappelez-moi plus tard",
        ObjectionFamily.TIMING,
        "rappeler plus tard après demain",
        [
            ("Volontiers : demain 10 h ou jeudi 15 h, qu'est-ce qui vous arrange le mieux ?", 0.40),
            (
                (
                    "Bien sûr. Je vous envoie l'offre par e-mail pour que vous l'ayez sous les yeux "
                    "quand je rappelle."
                ),
                0.30,
            ),
        ],
    ),
    (
        "Ce n'est pas moi qui décide",
        ObjectionFamily.DECISION,
        "décide patron gérant chef",
        [
            ("Qui prend la décision, et quand puis-je le joindre ?", 0.31),
            (
                (
                    "Pouvez-vous me dire ce qui compte pour lui ? Je prépare une proposition que vous "
                    "lui montrerez."
                ),
                0.27,
            ),
        ],
    ),
    (
        "Votre franco est trop haut",
        ObjectionFamily.PRICE,
        "franco minimum commande livraison frais de port",
        [
            (
                (
                    "En regroupant vos deux commandes de la semaine en une, vous dépassez le franco "
                    "et vous gagnez une réception."
                ),
                0.55,
            ),
            ("Ajoutez vos produits d'entretien à la commande : ils comptent pour le franco.", 0.46),
        ],
    ),
    (
        "Vos délais de livraison sont trop longs",
        ObjectionFamily.TRUST,
        "délai livraison lent retard",
        [
            ("Commandé avant 16 h, livré le lendemain matin avant 7 h : c'est ce qu'il vous faut ?", 0.50),
            ("Je note vos jours et heures de réception pour caler la tournée.", 0.37),
        ],
    ),
    (
        "J'ai eu un problème de qualité la dernière fois",
        ObjectionFamily.TRUST,
        "qualité problème abîmé mauvais",
        [
            (
                (
                    "Je suis désolé. Racontez-moi : je vérifie ce qui s'est passé et je vous propose "
                    "un geste sur la prochaine commande."
                ),
                0.45,
            ),
            (
                (
                    "Depuis, nous contrôlons chaque lot à la réception. Je vous offre un échantillon "
                    "pour que vous jugiez."
                ),
                0.38,
            ),
        ],
    ),
    (
        "Je n'en ai pas besoin",
        ObjectionFamily.NEED,
        "besoin pas besoin stock",
        [
            ("Aujourd'hui non, mais pour les fêtes ? Je vous réserve les quantités.", 0.34),
            ("Qu'avez-vous en stock en ce moment ? Je vous propose seulement ce qui va manquer.", 0.29),
        ],
    ),
    (
        "J'ai encore du stock",
        ObjectionFamily.NEED,
        "stock plein encore",
        [
            ("Parfait, combien de jours de stock ? Je vous rappelle la veille de votre rupture.", 0.40),
            ("Et pour les produits frais, il vous faut quelque chose pour ce week-end ?", 0.44),
        ],
    ),
    (
        "Envoyez-moi une documentation",
        ObjectionFamily.OTHER,
        "documentation catalogue mail brochure",
        [
            ("Avec plaisir. Pour vous envoyer la bonne, quels produits vous intéressent en premier ?", 0.28),
            ("Je vous l'envoie maintenant et je vous rappelle jeudi pour en parler : d'accord ?", 0.35),
        ],
    ),
    (
        "Je ne connais pas votre société",
        ObjectionFamily.TRUST,
        "connais pas confiance nouveau",
        [
            (
                (
                    "Nous livrons 40 boulangeries et restaurants de votre secteur depuis 20 ans ; je "
                    "peux vous donner des références."
                ),
                0.43,
            ),
            ("Commencez par une petite commande sans engagement : vous jugerez sur pièces.", 0.39),
        ],
    ),
    (
        "Vos conditions de paiement ne me conviennent pas",
        ObjectionFamily.PRICE,
        "paiement délai 30 jours prélèvement",
        [
            ("Un prélèvement à 30 jours vous irait-il ? Je le demande à mon responsable.", 0.37),
            ("Nos conditions sont fixes.", 0.10),
        ],
    ),
]


def build_script(name: str, *, by) -> Script:
    """Installs one of the demo scripts (used by the tests too)."""
    spec = SCRIPTS[name]
    existing = Script.objects.filter(name=name).first()
    return services.script_save(
        by=by, script=existing, name=name, description=spec["description"], reasons=list(spec["reasons"]),
        steps=[StepData(**vars(s)) for s in spec["steps"]],
    )  # fmt: skip


def build_objections(*, by) -> list[Objection]:
    found = []
    for text, family, keywords, answers in OBJECTIONS:
        objection = Objection.objects.filter(text=text).first()
        if objection is None:
            objection = services.objection_create(
                by=by, text=text, family=family, keywords=keywords, answers=[a for a, _rate in answers]
            )
        found.append(objection)
    return found


def seed(ctx: DemoContext) -> None:
    author = (
        User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
        or User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    )
    if author is None:
        return
    scripts = {name: build_script(name, by=author) for name in SCRIPTS}
    objections = build_objections(by=author)
    ctx.shared["scripts"] = {name: s.pk for name, s in scripts.items()}
    _uses(ctx, objections)
    _runs(ctx, scripts[REACTIVATION_SCRIPT])
    ctx.log(f"  scripts: {len(scripts)} scripts, {len(objections)} objections")


def _reached_tasks(ctx: DemoContext, days: int) -> tuple[list[tuple], list[tuple]]:
    since = timezone.now() - dt.timedelta(days=days)
    rows = list(
        CallTask.objects.filter(
            status=TaskStatus.DONE,
            ended_at__gte=since,
            outcome__in=[CallOutcome.REACHED_ORDER, CallOutcome.REACHED_NO_ORDER],
            rep__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "company_id", "rep_id", "ended_at", "outcome")[: ctx.pick(4000, 20000, 60000)]
    )
    ordered = [r for r in rows if r[4] == CallOutcome.REACHED_ORDER]
    other = [r for r in rows if r[4] != CallOutcome.REACHED_ORDER]
    return ordered, other


def _uses(ctx: DemoContext, objections: list[Objection]) -> None:
    """Each answer used in past calls; how often those calls ended in an order follows its rate."""
    if ObjectionUse.objects.exists():
        return
    ordered, other = _reached_tasks(ctx, 80)
    if not ordered or not other:
        return
    rng = ctx.rng
    rates = {text: [rate for _a, rate in answers] for text, _f, _k, answers in OBJECTIONS}
    answers = list(ObjectionAnswer.objects.filter(objection__in=objections).select_related("objection"))
    by_objection: dict[int, list[ObjectionAnswer]] = {}
    for a in answers:
        by_objection.setdefault(a.objection_id, []).append(a)
    uses = []
    for _n in range(ctx.pick(400, 2000, 8000)):
        objection = rng.choice(objections)
        candidates = sorted(by_objection.get(objection.pk, []), key=lambda a: a.position)
        if not candidates:
            continue
        answer = rng.choice(candidates)
        rate_list = rates.get(objection.text, [])
        rate = rate_list[answer.position - 1] if answer.position - 1 < len(rate_list) else 0.3
        task = rng.choice(ordered if rng.random() < rate else other)
        uses.append(
            ObjectionUse(
                answer=answer, company_id=task[1], task_id=task[0], rep_id=task[2],
                used_at=task[3] - dt.timedelta(minutes=rng.randint(1, 4)),
            )
        )  # fmt: skip
    ObjectionUse.objects.bulk_create(uses, batch_size=2000)


def _runs(ctx: DemoContext, script: Script) -> None:
    """Runs of the reactivation script in calls of the last weeks: many stop at the satisfaction
    question or at the objections, which the results screen shows."""
    if ScriptRun.objects.filter(script=script).exists():
        return
    ordered, other = _reached_tasks(ctx, 30)
    tasks = ordered[: ctx.pick(30, 150, 600)] + other[: ctx.pick(60, 300, 1200)]
    if not tasks:
        return
    steps = {s.position: s for s in script.steps.all()}
    # Where the calls without an order stopped (position, weight); calls with an order went to the end.
    stops = [(2, 10), (3, 8), (4, 12), (8, 25), (10, 35), (12, 10)]
    rng = ctx.rng
    runs = []
    for task_id, company_id, rep_id, ended_at, outcome in tasks:
        if outcome == CallOutcome.REACHED_ORDER:
            position, finished = 12, ended_at
        else:
            position = rng.choices([p for p, _w in stops], weights=[w for _p, w in stops])[0]
            finished = ended_at if position == 12 else None
        step = steps.get(position)
        runs.append(
            ScriptRun(
                script=script, company_id=company_id, task_id=task_id, rep_id=rep_id, current_step=step,
                path=[s.pk for p, s in sorted(steps.items()) if p <= position], finished_at=finished,
                outcome=outcome, completed_at=ended_at, summarised_at=ended_at,
            )
        )  # fmt: skip
    ScriptRun.objects.bulk_create(runs, batch_size=1000)
