"""Writes of quality and coaching: evaluations (supervisor, self-assessment, calibration), coaching
sessions and calibrations. Scores always come from `scoring.compute` (never recomputed here)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from televente.core.errors import DomainError, PermissionRefused
from televente.core.mail import mail_users
from televente.customers.choices import InteractionKind

from . import permissions, scoring
from .choices import (
    Answer,
    AnswerType,
    EvaluationKind,
    EvaluationSituation,
    EvaluationStatus,
    SessionKind,
    VersionStatus,
)
from .models import (
    Calibration,
    CoachingSession,
    Evaluation,
    EvaluationAnswer,
    GridItem,
    GridVersion,
)

CALL_KINDS = (InteractionKind.CALL_OUT, InteractionKind.CALL_IN)

# Seed 002, « mise en situation professionnelle » : au moins trois entretiens sur une heure de temps client.
CERTIFICATION_MIN_CALLS = 3
CERTIFICATION_MIN_MINUTES = 60

SESSION_SITUATION = {
    SessionKind.LIVE: EvaluationSituation.LIVE,
    SessionKind.ROLE_PLAY: EvaluationSituation.ROLE_PLAY,
    SessionKind.CERTIFICATION: EvaluationSituation.CERTIFICATION,
}

_ALREADY_CALIBRATED = gettext_noop(
    "Vous avez déjà noté cet appel avec cette grille lors d'un calibrage précédent."
)

VALID_VALUES = {
    AnswerType.YES_NO_NA: {Answer.YES, Answer.NO, Answer.NA},
    AnswerType.YES_NO: {Answer.YES, Answer.NO},
    AnswerType.SCALE: {Answer.S1, Answer.S2, Answer.S3, Answer.S4},
}


def _check_version(grid_version: GridVersion) -> None:
    if grid_version.status != VersionStatus.PUBLISHED or not grid_version.grid.is_active:
        raise DomainError(
            _("Cette grille n'est pas en service : choisissez une grille publiée."), field="grid_version"
        )


def _check_call(interaction) -> None:
    if interaction.kind not in CALL_KINDS:
        raise DomainError(_("Seul un appel téléphonique peut être évalué."), field="interaction")


# Evaluations ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(
    *,
    by,
    grid_version: GridVersion,
    rep=None,
    interaction=None,
    session: CoachingSession | None = None,
    kind: str = EvaluationKind.SUPERVISOR,
    situation: str | None = None,
) -> Evaluation:
    """Starts (or finds) an evaluation in draft. A supervisor evaluates the reps of the teams they
    lead, the admin anybody; a rep assesses themself (`kind="self"`). For a call, the rep is the
    call's author; the same evaluator evaluating the same call with the same grid gets the existing
    evaluation back."""
    _check_version(grid_version)
    if interaction is not None:
        _check_call(interaction)
        if interaction.author_id is None:
            raise DomainError(
                _("Cet appel n'a pas d'auteur : il ne peut pas être évalué."), field="interaction"
            )
        if rep is not None and rep.pk != interaction.author_id:
            raise DomainError(_("Cet appel a été passé par un autre télévendeur."), field="rep")
        rep = interaction.author
    if session is not None:
        if rep is not None and rep.pk != session.rep_id:
            raise DomainError(
                _("Cet appel n'a pas été passé par le télévendeur de la séance."), field="interaction"
            )
        rep = session.rep
        situation = SESSION_SITUATION.get(session.kind, situation)
    if rep is None:
        raise DomainError(_("Choisissez le télévendeur évalué."), field="rep")

    if kind == EvaluationKind.SELF:
        if by.pk != rep.pk:
            raise PermissionRefused(_("Une auto-évaluation se fait par le télévendeur lui-même."))
        if session is not None:
            raise DomainError(_("Une auto-évaluation ne se fait pas dans une séance."))
    elif kind == EvaluationKind.SUPERVISOR:
        if not permissions.can_evaluate_rep(by, rep):
            raise PermissionRefused(_("Vous n'évaluez que les télévendeurs des équipes que vous encadrez."))
        if session is not None and not permissions.can_evaluate_in_session(by, session):
            raise PermissionRefused(_("Seul l'évaluateur de la séance y ajoute des évaluations."))
    else:
        raise DomainError(_("Type d'évaluation inconnu."), field="kind")

    if situation is None:
        situation = EvaluationSituation.RECORDED
    if interaction is not None:
        existing = Evaluation.objects.filter(
            interaction=interaction, grid_version=grid_version, evaluator=by, kind=kind
        ).first()
        if existing is not None:
            if session is not None and existing.session_id != session.pk:
                if existing.status != EvaluationStatus.DRAFT or existing.session_id is not None:
                    raise DomainError(
                        _("Vous avez déjà évalué cet appel avec cette grille en dehors de cette séance."),
                        field="interaction",
                    )
                # A draft started from the calls list joins the session it is finished in.
                existing.session, existing.situation = session, situation
                existing.save(update_fields=["session", "situation", "updated_at"])
            return existing
    else:
        # Without a call, a double click must not leave two drafts: an untouched draft of the same
        # grid (own self-assessment, or in the same session) is taken up again.
        untouched = (
            Evaluation.objects.filter(
                interaction__isnull=True,
                grid_version=grid_version,
                evaluator=by,
                kind=kind,
                rep=rep,
                session=session,
                status=EvaluationStatus.DRAFT,
            )
            .filter(answers__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if untouched is not None:
            return untouched
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                grid_version=grid_version,
                kind=kind,
                situation=situation,
                rep=rep,
                evaluator=by,
                interaction=interaction,
                session=session,
            )
    except IntegrityError:  # two clicks at once
        return Evaluation.objects.get(
            interaction=interaction, grid_version=grid_version, evaluator=by, kind=kind
        )


def _items(evaluation: Evaluation) -> list[GridItem]:
    return list(
        GridItem.objects.filter(section__version_id=evaluation.grid_version_id).order_by(
            "section__position", "section_id", "position", "id"
        )
    )


def _rescore(evaluation: Evaluation, items: list[GridItem], values: dict[int, str]) -> scoring.Score:
    result = scoring.compute(
        [scoring.ItemAnswer(weight=i.weight, critical=i.critical, value=values.get(i.pk, "")) for i in items],
        evaluation.grid_version.pass_mark,
    )
    evaluation.score = result.score
    evaluation.critical_failed = result.critical_failed
    evaluation.passed = result.passed
    return result


@transaction.atomic
def evaluation_save(
    *,
    evaluation: Evaluation,
    by,
    answers: dict,
    overall_comment: str = "",
    agreed_actions: str = "",
    share: bool = False,
) -> Evaluation:
    """Saves the answers (`{item_id: (value, comment)}`) of a draft, recomputes its score and, with
    `share=True`, hands it to the rep (a self-assessment is then submitted to the supervisor)."""
    evaluation = Evaluation.objects.select_for_update().select_related("grid_version").get(pk=evaluation.pk)
    if evaluation.evaluator_id != by.pk:
        raise PermissionRefused(_("Seul l'auteur de l'évaluation peut la remplir."))
    if evaluation.status != EvaluationStatus.DRAFT:
        raise DomainError(_("Cette évaluation a déjà été transmise : elle ne se modifie plus."))
    if evaluation.calibration_id and evaluation.calibration.closed_at is not None:
        raise DomainError(_("Ce calibrage est clos : les notes ne se modifient plus."))

    items = _items(evaluation)
    by_id = {i.pk: i for i in items}
    cleaned: dict[int, tuple[str, str]] = {}
    for raw_id, pair in (answers or {}).items():
        item = by_id.get(int(raw_id))
        if item is None:
            raise DomainError(_("Un indicateur ne fait pas partie de cette grille."))
        value, comment = pair
        value, comment = (value or "").strip(), (comment or "").strip()
        if value and value not in VALID_VALUES[item.answer_type]:
            if item.answer_type == AnswerType.YES_NO and value == Answer.NA:
                msg = _("« %(item)s » : « Non applicable » n'est pas possible pour cet indicateur.")
            elif item.answer_type == AnswerType.SCALE:
                msg = _("« %(item)s » : répondez de 1 à 4.")
            else:
                msg = _("« %(item)s » : répondez Oui, Non ou Non applicable.")
            raise DomainError(msg % {"item": str(item)}, field=f"item_{item.pk}")
        if len(comment) > 500:
            raise DomainError(
                _("« %(item)s » : le commentaire dépasse 500 caractères.") % {"item": str(item)},
                field=f"comment_{item.pk}",
            )
        cleaned[item.pk] = (value, comment)

    # What the evaluation will hold once saved: the answers kept, overwritten by those posted.
    existing = {a.item_id: a for a in evaluation.answers.all()}
    values = {a.item_id: a.value for a in existing.values()}
    values.update({k: v[0] for k, v in cleaned.items()})
    if share:
        if evaluation.kind == EvaluationKind.CALIBRATION:
            raise DomainError(_("Une note de calibrage n'est pas transmise au télévendeur."))
        missing = [i for i in items if not values.get(i.pk)]
        if missing:
            raise DomainError(
                ngettext(
                    "Répondez à tous les indicateurs avant de transmettre (%(count)s indicateur sans réponse).",
                    "Répondez à tous les indicateurs avant de transmettre (%(count)s indicateurs sans réponse).",
                    len(missing),
                )
                % {"count": len(missing)},
                code="unanswered",
            )

    to_create, to_update = [], []
    for item_id, (value, comment) in cleaned.items():
        answer = existing.get(item_id)
        if answer is None:
            to_create.append(
                EvaluationAnswer(evaluation=evaluation, item_id=item_id, value=value, comment=comment)
            )
        elif (answer.value, answer.comment) != (value, comment):
            answer.value, answer.comment = value, comment
            to_update.append(answer)
    EvaluationAnswer.objects.bulk_create(to_create)
    EvaluationAnswer.objects.bulk_update(to_update, ["value", "comment"])

    _rescore(evaluation, items, values)
    evaluation.overall_comment = (overall_comment or "").strip()
    evaluation.agreed_actions = (agreed_actions or "").strip()
    evaluation.evaluated_on = timezone.localdate()
    fields = [
        "score",
        "critical_failed",
        "passed",
        "overall_comment",
        "agreed_actions",
        "evaluated_on",
        "updated_at",
    ]
    if share:
        evaluation.status = EvaluationStatus.SHARED
        evaluation.shared_at = timezone.now()
        fields += ["status", "shared_at"]
    evaluation.save(update_fields=fields)
    if share:
        transaction.on_commit(partial(_notify_shared, evaluation.pk))
    return evaluation


def _subject(msgid: str, **params):
    """A subject translated when `mail_users` renders it, i.e. in each recipient's language
    (`gettext_lazy(...) % params` would translate it at once, in the actor's language)."""
    return lazy(lambda: _(msgid) % params, str)()


def _notify_shared(pk: int) -> None:
    evaluation = Evaluation.objects.select_related("rep", "evaluator", "grid_version__grid").get(pk=pk)
    if evaluation.kind == EvaluationKind.SELF:
        team = getattr(evaluation.rep, "team", None)
        supervisor = getattr(team, "supervisor", None) if team else None
        recipients = [supervisor] if supervisor else []
        subject = _subject(gettext_noop("Auto-évaluation transmise par %(name)s"), name=str(evaluation.rep))
    else:
        recipients = [evaluation.rep]
        subject = gettext_lazy("Nouvelle évaluation de vos appels à prendre en compte")
    mail_users(
        recipients,
        subject,
        "quality/email/evaluation_shared.txt",
        {"evaluation": evaluation, "link": reverse("quality:evaluation", args=[evaluation.pk])},
    )


def _notify_acknowledged(pk: int) -> None:
    evaluation = Evaluation.objects.select_related("rep", "evaluator", "grid_version__grid").get(pk=pk)
    mail_users(
        [evaluation.evaluator],
        _subject(gettext_noop("Évaluation prise en compte par %(name)s"), name=str(evaluation.rep)),
        "quality/email/evaluation_acknowledged.txt",
        {"evaluation": evaluation, "link": reverse("quality:evaluation", args=[evaluation.pk])},
    )


@transaction.atomic
def evaluation_acknowledge(*, evaluation: Evaluation, by, comment: str = "") -> Evaluation:
    """The rep says they have read the evaluation, with their own comment if they wish."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.kind != EvaluationKind.SUPERVISOR or evaluation.rep_id != by.pk:
        raise PermissionRefused(_("Seul le télévendeur évalué prend en compte son évaluation."))
    if evaluation.status != EvaluationStatus.SHARED:
        raise DomainError(_("Cette évaluation n'attend pas votre prise en compte."))
    comment = (comment or "").strip()
    evaluation.status = EvaluationStatus.ACKNOWLEDGED
    evaluation.acknowledged_at = timezone.now()
    evaluation.rep_comment = comment
    evaluation.save(update_fields=["status", "acknowledged_at", "rep_comment", "updated_at"])
    transaction.on_commit(partial(_notify_acknowledged, evaluation.pk))
    return evaluation


@transaction.atomic
def evaluation_delete(*, evaluation: Evaluation, by) -> None:
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.evaluator_id != by.pk:
        raise PermissionRefused(_("Seul l'auteur de l'évaluation peut la supprimer."))
    if evaluation.status != EvaluationStatus.DRAFT:
        raise DomainError(_("Seul un brouillon se supprime ; une évaluation transmise est conservée."))
    if evaluation.calibration_id and evaluation.calibration.closed_at is not None:
        raise DomainError(_("Ce calibrage est clos : les notes ne se modifient plus."))
    evaluation.delete()


# Sessions -------------------------------------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    by,
    rep,
    kind: str,
    held_on: dt.date,
    customer_minutes: int = 0,
    block=None,
    scenario: str = "",
    notes: str = "",
) -> CoachingSession:
    if not permissions.can_evaluate_rep(by, rep):
        raise PermissionRefused(_("Vous n'organisez des séances que pour les télévendeurs de vos équipes."))
    if kind not in SessionKind.values:
        raise DomainError(_("Choisissez le type de séance."), field="kind")
    if held_on > timezone.localdate() + dt.timedelta(days=365):
        raise DomainError(_("La date de la séance est trop lointaine."), field="held_on")
    if customer_minutes is None or customer_minutes < 0:
        raise DomainError(_("Le temps client ne peut pas être négatif."), field="customer_minutes")
    if kind == SessionKind.ROLE_PLAY and not (scenario or "").strip():
        raise DomainError(_("Décrivez la situation du client joué pour un jeu de rôle."), field="scenario")
    return CoachingSession.objects.create(
        kind=kind,
        rep=rep,
        evaluator=by,
        held_on=held_on,
        customer_minutes=customer_minutes,
        block=block,
        scenario=(scenario or "").strip(),
        notes=(notes or "").strip(),
    )


FINISHED = (EvaluationStatus.SHARED, EvaluationStatus.ACKNOWLEDGED)


def session_requirements(session: CoachingSession, evaluations=None) -> dict:
    """Seed 002: a certification « mise en situation » needs at least three sales calls over one
    hour of customer time. Returns what is met; `applies` is False for other kinds of session.

    Only finished evaluations (handed to the rep) count as « entretiens » — a draft proves
    nothing yet — and a call evaluated with two grids is still one call."""
    if evaluations is None:
        evaluations = list(session.evaluations.all())
    calls: set = set()
    drafts = 0
    for e in evaluations:
        if e.kind == EvaluationKind.SUPERVISOR and e.status in FINISHED:
            calls.add(("call", e.interaction_id) if e.interaction_id else ("evaluation", e.pk))
        elif e.status == EvaluationStatus.DRAFT:
            drafts += 1
    count = len(calls)
    return {
        "applies": session.kind == SessionKind.CERTIFICATION,
        "calls": count,
        "drafts": drafts,
        "calls_needed": CERTIFICATION_MIN_CALLS,
        "calls_ok": count >= CERTIFICATION_MIN_CALLS,
        "minutes": session.customer_minutes,
        "minutes_needed": CERTIFICATION_MIN_MINUTES,
        "minutes_ok": session.customer_minutes >= CERTIFICATION_MIN_MINUTES,
        "met": count >= CERTIFICATION_MIN_CALLS and session.customer_minutes >= CERTIFICATION_MIN_MINUTES,
    }


# Calibration ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def calibration_start(*, by, interaction, grid_version: GridVersion, note: str = "") -> Calibration:
    """Opens a calibration on a call: several supervisors score it with the same grid version."""
    if not permissions.can_evaluate(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur calibrent."))
    _check_version(grid_version)
    _check_call(interaction)
    if interaction.author_id is None:
        raise DomainError(_("Cet appel n'a pas d'auteur : il ne peut pas être évalué."), field="interaction")
    open_one = Calibration.objects.filter(
        interaction=interaction, grid_version=grid_version, closed_at__isnull=True
    ).first()
    if open_one is not None:
        return open_one
    if Evaluation.objects.filter(
        interaction=interaction, grid_version=grid_version, evaluator=by, kind=EvaluationKind.CALIBRATION
    ).exists():
        raise DomainError(_(_ALREADY_CALIBRATED), field="grid_version")
    return Calibration.objects.create(
        interaction=interaction, grid_version=grid_version, created_by=by, note=(note or "").strip()[:300]
    )


@transaction.atomic
def calibration_score(*, calibration: Calibration, by) -> Evaluation:
    """The caller's own scoring of the calibrated call (any supervisor may join an open calibration)."""
    if not permissions.can_evaluate(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur calibrent."))
    calibration = Calibration.objects.select_for_update().select_related("interaction").get(pk=calibration.pk)
    existing = Evaluation.objects.filter(calibration=calibration, evaluator=by).first()
    if existing is not None:
        return existing
    if calibration.closed_at is not None:
        raise DomainError(_("Ce calibrage est clos."))
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                grid_version_id=calibration.grid_version_id,
                kind=EvaluationKind.CALIBRATION,
                situation=EvaluationSituation.RECORDED,
                rep_id=calibration.interaction.author_id,
                evaluator=by,
                interaction=calibration.interaction,
                calibration=calibration,
            )
    except IntegrityError:  # already scored this call with this grid in an earlier calibration
        raise DomainError(_(_ALREADY_CALIBRATED)) from None


@transaction.atomic
def calibration_close(*, calibration: Calibration, by) -> Calibration:
    calibration = Calibration.objects.select_for_update().get(pk=calibration.pk)
    if not permissions.can_close_calibration(by, calibration):
        raise PermissionRefused(_("Seul l'initiateur du calibrage ou l'administrateur le clôt."))
    if calibration.closed_at is not None:
        raise DomainError(_("Ce calibrage est déjà clos."))
    calibration.closed_at = timezone.now()
    calibration.save(update_fields=["closed_at", "updated_at"])
    return calibration
