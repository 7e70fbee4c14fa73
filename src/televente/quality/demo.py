"""Demo data of quality and coaching, for the first demo team (supervisor `superviseur`):

- about four months of official evaluations of the demo rep `televendeur` and one or two team
  mates, on their real demo calls (outbound calls with a duration), with the shipped grids of
  Compétences 1, 2 and 6: Compétence 1 improves month after month, Compétence 2 stays weaker;
  scores through `scoring.compute`; the older ones acknowledged with a comment of the rep;
- one self-assessment of `televendeur` (more optimistic than the supervisor on Compétence 2);
- an open calibration between `superviseur` and the second supervisor on one call;
- training actions, planned and done;
- certification: blocks 1 and 2 validated (block 1 expires within 90 days, to show the reminder),
  block 3 in preparation with a certification session of three evaluated calls as evidence.

The demo bypasses the services, applying the same rules (expiry = validation + 5 years, scores
computed by `scoring.compute`, one evaluation per call and evaluator).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from televente.accounts.models import Team, User
from televente.core.demo import DemoContext
from televente.customers.choices import InteractionKind
from televente.customers.models import Interaction

from .certification import add_years, expiry_for
from .choices import (
    CertificationStatus,
    EvaluationKind,
    EvaluationSituation,
    EvaluationStatus,
    EvidenceKind,
    SessionKind,
    TrainingStatus,
)
from .models import (
    Calibration,
    CertificationBlock,
    CertificationEvidence,
    CertificationRecord,
    CoachingSession,
    Evaluation,
    EvaluationAnswer,
    Grid,
    TrainingAction,
)
from .scoring import ItemAnswer, compute
from .shipped import ensure_shipped

GRIDS = ("cqp-televente-c1", "cqp-televente-c2", "cqp-televente-c6")
SPAN_DAYS = 120

REP_COMMENTS = [
    "D'accord, je vais reformuler la commande à chaque fin d'appel.",
    "Merci, je prépare mieux la fiche client avant d'appeler.",
    "Je n'avais pas vu que je coupais la parole, j'y fais attention.",
    "OK pour proposer systématiquement la promotion du mois.",
]
OVERALL = [
    "Appel bien mené, ton agréable ; la découverte des besoins reste courte.",
    "Bonne prise de commande ; pense à proposer le produit de substitution plus tôt.",
    "Client rassuré ; la reformulation finale manquait.",
    "Argumentation solide sur la promotion ; attention aux silences.",
]
ACTIONS = [
    "Reformuler la commande complète avant de raccrocher.",
    "Poser trois questions ouvertes de découverte à chaque appel.",
    "Annoncer la promotion du mois dès le début de l'argumentaire.",
]


def _yes_probability(code: str, progress: float, offset: float) -> float:
    """How likely an indicator is met: Compétence 1 improves, Compétence 2 stays weaker."""
    if code.endswith("c1"):
        return min(0.97, 0.4 + 0.55 * progress + offset)
    if code.endswith("c2"):
        return min(0.95, 0.55 + 0.05 * progress + offset)
    return min(0.97, 0.82 + offset)


def _answers(ctx: DemoContext, version, p_yes: float, *, critical_ok: bool = True):
    """About one indicator in 16 not applicable; of the others, a share `p_yes` (rounded) met, the
    ones drawn at random: the score follows the story without jumping around."""
    items = [item for section in version.sections.all() for item in section.items.all()]
    scored = [item for item in items if not item.critical and ctx.rng.random() >= 0.06]
    met = {item.pk for item in ctx.rng.sample(scored, round(p_yes * len(scored)))}
    rows = []
    for item in items:
        if item.critical:
            value = "yes" if critical_ok else "no"
        elif item.pk in met:
            value = "yes"
        else:
            value = "no" if any(item.pk == s.pk for s in scored) else "na"
        rows.append((item, value))
    return rows


def _make(ctx, *, version, rep, evaluator, day, answers, kind=EvaluationKind.SUPERVISOR, **fields):
    score = compute(
        [ItemAnswer(item.weight, item.critical, value) for item, value in answers], version.pass_mark
    )
    evaluation = Evaluation.objects.create(
        grid_version=version,
        kind=kind,
        rep=rep,
        evaluator=evaluator,
        evaluated_on=day,
        score=score.score,
        critical_failed=score.critical_failed,
        passed=score.passed,
        **fields,
    )
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(evaluation=evaluation, item=item, value=value) for item, value in answers
    )
    return evaluation


def _calls(rep, since):
    return list(
        Interaction.objects.filter(
            author=rep,
            kind=InteractionKind.CALL_OUT,
            duration_seconds__gt=0,
            occurred_at__gte=since,
            occurred_at__lte=timezone.now(),
        )
        .order_by("occurred_at", "pk")
        .only("pk", "occurred_at")
    )


def _spread(calls, n, since):
    """Up to `n` calls spread over time: the first call after each of n evenly spaced dates."""
    if len(calls) <= n:
        return list(calls)
    span = (timezone.now() - since) / n
    picked, used = [], set()
    for k in range(n):
        at = since + span * k
        call = next((c for c in calls if c.occurred_at >= at and c.pk not in used), None)
        if call is None:
            call = next((c for c in reversed(calls) if c.pk not in used), None)
        if call is not None:
            used.add(call.pk)
            picked.append(call)
    return sorted(picked, key=lambda c: c.occurred_at)


def seed(ctx: DemoContext) -> None:
    ensure_shipped()
    supervisor = User.objects.filter(username="superviseur").first()
    team = Team.objects.filter(supervisor=supervisor).order_by("pk").first() if supervisor else None
    if team is None:
        return
    second = User.objects.filter(role="supervisor").exclude(pk=supervisor.pk).order_by("pk").first()
    demo_rep = User.objects.filter(username="televendeur").first()
    others = list(User.objects.filter(team=team, role="rep").exclude(username="televendeur").order_by("pk"))
    reps = ([demo_rep] if demo_rep else []) + others[: ctx.pick(1, 2, 2)]
    if not reps:
        return
    versions = {}
    for code in GRIDS:
        grid = Grid.objects.get(code=code)
        version = grid.current_version
        versions[code] = type(version).objects.prefetch_related("sections__items").get(pk=version.pk)
    now = timezone.now()
    today = ctx.today
    since = now - dt.timedelta(days=SPAN_DAYS)
    # The demo rep gets about one evaluation per competency and month, so the trend reads well.
    per_demo_rep, per_rep = ctx.pick(15, 18, 18), ctx.pick(9, 12, 12)
    created = 0
    used_calls: dict[int, list] = {}
    for r_index, rep in enumerate(reps):
        count = per_demo_rep if rep == demo_rep else per_rep
        calls = _calls(rep, since)
        picked = _spread(calls, count, since)
        used_calls[rep.pk] = picked
        offset = (-0.05, 0.05, 0.0)[r_index % 3]
        for k in range(count):
            call = picked[k] if k < len(picked) else None
            day = (
                timezone.localdate(call.occurred_at)
                if call
                else today - dt.timedelta(days=int(SPAN_DAYS * (count - k) / count))
            )
            progress = 1 - (today - day).days / SPAN_DAYS
            code = GRIDS[k % len(GRIDS)]
            version = versions[code]
            # One critical failure (grid C1) some two or three months ago: in the 90-day figures.
            critical_ok = not (rep == demo_rep and k == 6)
            answers = _answers(
                ctx, version, _yes_probability(code, progress, offset), critical_ok=critical_ok
            )
            recent = (today - day).days < 21
            # Reps acknowledge within days: only some of the last three weeks' evaluations still wait.
            acknowledged = not recent or ctx.rng.random() < 0.5
            shared_at = min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0))))
            _make(
                ctx,
                version=version,
                rep=rep,
                evaluator=supervisor,
                day=day,
                answers=answers,
                situation=EvaluationSituation.RECORDED if call else EvaluationSituation.LIVE,
                interaction=call,
                status=EvaluationStatus.ACKNOWLEDGED if acknowledged else EvaluationStatus.SHARED,
                overall_comment=ctx.rng.choice(OVERALL),
                agreed_actions=ctx.rng.choice(ACTIONS) if ctx.rng.random() < 0.5 else "",
                shared_at=shared_at,
                acknowledged_at=shared_at + dt.timedelta(days=1) if acknowledged else None,
                rep_comment=ctx.rng.choice(REP_COMMENTS) if acknowledged and ctx.rng.random() < 0.6 else "",
            )
            created += 1
    if demo_rep is None:
        ctx.log(f"  quality: {created} evaluations")
        return

    # Self-assessment (seed 004, 4.2): more optimistic than the supervisor on Compétence 2.
    for code, p in (("cqp-televente-c1", 0.85), ("cqp-televente-c2", 0.95)):
        _make(
            ctx,
            version=versions[code],
            rep=demo_rep,
            evaluator=demo_rep,
            day=today - dt.timedelta(days=12),
            answers=_answers(ctx, versions[code], p),
            kind=EvaluationKind.SELF,
            situation=EvaluationSituation.LIVE,
            status=EvaluationStatus.SHARED,
            shared_at=now - dt.timedelta(days=12),
            overall_comment="Je me sens à l'aise pour argumenter, moins pour conclure la commande.",
        )

    # An open calibration on a call of the demo rep not evaluated yet.
    evaluated = {c.pk for c in used_calls.get(demo_rep.pk, [])}
    spare = [c for c in _calls(demo_rep, since) if c.pk not in evaluated]
    if second is not None and spare:
        call = spare[-1]
        version = versions["cqp-televente-c1"]
        calibration = Calibration.objects.create(
            interaction=call,
            grid_version=version,
            created_by=supervisor,
            note="Notez chacun l'appel sans vous concerter ; nous comparerons jeudi.",
        )
        day = timezone.localdate(call.occurred_at)
        for who, p in ((supervisor, 0.8), (second, 0.55)):
            _make(
                ctx,
                version=version,
                rep=demo_rep,
                evaluator=who,
                day=max(day, today - dt.timedelta(days=3)),
                answers=_answers(ctx, version, p),
                kind=EvaluationKind.CALIBRATION,
                situation=EvaluationSituation.RECORDED,
                interaction=call,
                calibration=calibration,
                status=EvaluationStatus.DRAFT,  # a calibration score is never shared (services)
            )
        spare = spare[:-1]

    # Training actions.
    c2 = versions["cqp-televente-c2"].sections.all()[0].competency
    c1 = versions["cqp-televente-c1"].sections.all()[0].competency
    last_c2 = (
        Evaluation.objects.filter(rep=demo_rep, grid_version=versions["cqp-televente-c2"], kind="supervisor")
        .order_by("-evaluated_on")
        .first()
    )
    actions = [
        TrainingAction(
            rep=demo_rep,
            competency=c1,
            title="Atelier « Prendre une commande sans erreur »",
            description="Demi-journée avec la plateforme ; jeu de rôle sur la reformulation finale.",
            planned_on=today - dt.timedelta(days=70),
            status=TrainingStatus.DONE,
            done_on=today - dt.timedelta(days=68),
            result="Reformulation systématique acquise ; à vérifier sur les prochaines écoutes.",
            created_by=supervisor,
        ),
        TrainingAction(
            rep=demo_rep,
            competency=c2,
            evaluation=last_c2,
            title="Découverte des besoins : questions ouvertes",
            description="Double écoute avec Sophie puis fiche réflexe des 5 questions de découverte.",
            planned_on=today + dt.timedelta(days=10),
            created_by=supervisor,
        ),
    ]
    if len(reps) > 1:
        actions.append(
            TrainingAction(
                rep=reps[1],
                competency=c2,
                title="Argumenter sur la promotion du mois",
                planned_on=today + dt.timedelta(days=20),
                created_by=supervisor,
            )
        )
    TrainingAction.objects.bulk_create(actions)

    # Certification: blocks 1-2 validated (block 1 expires within 90 days), block 3 in preparation.
    blocks = {b.number: b for b in CertificationBlock.objects.filter(certification="RNCP 32391")}
    if len(blocks) >= 3:
        b1_on = add_years(today + dt.timedelta(days=60), -blocks[1].validity_years)
        records = []
        for number, validated_on in ((1, b1_on), (2, today - dt.timedelta(days=700))):
            records.append(
                CertificationRecord(
                    rep=demo_rep,
                    block=blocks[number],
                    status=CertificationStatus.VALIDATED,
                    validated_on=validated_on,
                    expires_on=expiry_for(blocks[number], validated_on),
                    jury="Jury paritaire CQP – OPCO Commerce",
                    certificate_number=f"CQP-32391-{number}-{demo_rep.pk:04d}",
                    updated_by=supervisor,
                )
            )
        records.append(
            CertificationRecord(
                rep=demo_rep,
                block=blocks[3],
                status=CertificationStatus.IN_PROGRESS,
                notes="Passage devant le jury prévu le trimestre prochain.",
                updated_by=supervisor,
            )
        )
        CertificationRecord.objects.bulk_create(records)
        block3 = records[-1]
        session = CoachingSession.objects.create(
            kind=SessionKind.CERTIFICATION,
            rep=demo_rep,
            evaluator=supervisor,
            held_on=today - dt.timedelta(days=20),
            customer_minutes=65,
            block=blocks[3],
            notes="Trois appels de vente, 65 minutes de temps client.",
        )
        session_evals = []
        session_progress = 1 - (today - session.held_on).days / SPAN_DAYS
        for k in range(3):
            code = ("cqp-televente-c1", "cqp-televente-c2", "cqp-televente-c1")[k]
            call = spare[k] if k < len(spare) else None
            session_evals.append(
                _make(
                    ctx,
                    version=versions[code],
                    rep=demo_rep,
                    evaluator=supervisor,
                    day=session.held_on,
                    answers=_answers(ctx, versions[code], _yes_probability(code, session_progress, 0.05)),
                    situation=EvaluationSituation.CERTIFICATION,
                    interaction=call,
                    session=session,
                    status=EvaluationStatus.SHARED,
                    shared_at=now - dt.timedelta(days=20),
                    overall_comment="Mise en situation de certification, bloc 3.",
                )
            )
        CertificationEvidence.objects.bulk_create(
            [
                CertificationEvidence(
                    record=block3,
                    kind=EvidenceKind.SITUATION,
                    dated=session.held_on,
                    title="Mise en situation : trois appels de vente (65 min)",
                    session=session,
                    added_by=supervisor,
                ),
                CertificationEvidence(
                    record=block3,
                    kind=EvidenceKind.EVALUATION,
                    dated=session.held_on,
                    title="Évaluation d'appel – Compétence 1",
                    evaluation=session_evals[0],
                    added_by=supervisor,
                ),
                CertificationEvidence(
                    record=block3,
                    kind=EvidenceKind.PROFESSIONAL_FILE,
                    dated=today - dt.timedelta(days=35),
                    title="Dossier professionnel (première version)",
                    added_by=supervisor,
                ),
            ]
        )
    ctx.log(f"  quality: {created} evaluations, 1 calibration, {len(actions)} training actions")
