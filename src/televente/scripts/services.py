"""Writes of the scripts app: the script editor, the runner in the cockpit (answers saved into the
customer file in the same transaction), where calls stopped, and the objection library."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.permissions import is_signed_in, is_supervisor_or_admin
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold
from televente.customers.choices import BuyingMotive, Engagement, InteractionKind
from televente.customers.models import Company
from televente.customers.services import company_update, interaction_record

from .choices import AnswerType, ObjectionFamily, SavesTo
from .models import Objection, ObjectionAnswer, ObjectionUse, Script, ScriptBranch, ScriptRun, ScriptStep

log = logging.getLogger(__name__)

YES, NO = "oui", "non"
MAX_PATH = 200  # a script looping on its objections stays bounded


# Permissions ------------------------------------------------------------------------------------------------


def can_read_scripts(user) -> bool:
    """Reps follow the scripts; supervisors and admins write them."""
    return is_signed_in(user) and (user.is_superuser or user.role in (Role.REP, Role.SUPERVISOR, Role.ADMIN))


def can_edit_scripts(user) -> bool:
    return is_supervisor_or_admin(user)


def _check_edit(by) -> None:
    if not can_edit_scripts(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur modifient les scripts."))


# Answers: what a rep may type, and how it lands in the customer file ----------------------------------------


def yes_no(text: str) -> str | None:
    """'Oui', 'yes', 'o' -> 'oui'; the stored value does not depend on the language of the screen."""
    word = fold(text)
    if word in {"oui", "yes", "o", "y"}:
        return YES
    if word in {"non", "no", "n"}:
        return NO
    return None


def _label_map(choices) -> dict[str, str]:
    """Folded labels (in French and in the current language) and values -> value."""
    found = {}
    for value, label in choices:
        found[fold(value)] = value
        found[fold(str(label))] = value
        with translation.override("fr"):
            found[fold(str(label))] = value
    return found


def motive_value(text: str) -> str | None:
    return _label_map(BuyingMotive.choices).get(fold(text))


def engagement_value(text: str) -> str | None:
    return _label_map(Engagement.choices).get(fold(text))


def parse_number(text: str) -> Decimal | None:
    """A French number as reps type it: '12 500', '12 500,50', '12.500 €'."""
    raw = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def clean_answer(step: ScriptStep, answer: str) -> str:
    """The answer as stored; an empty answer is allowed (the customer did not say)."""
    answer = (answer or "").strip()
    if not answer or step.answer_type in (AnswerType.NONE,):
        return "" if step.answer_type == AnswerType.NONE else answer
    if step.answer_type == AnswerType.CHOICE:
        for choice in step.choices:
            if fold(choice) == fold(answer):
                return choice
        raise DomainError(_("Choisissez une des réponses proposées."), field="answer")
    if step.answer_type == AnswerType.YES_NO:
        value = yes_no(answer)
        if value is None:
            raise DomainError(_("Répondez par oui ou par non."), field="answer")
        return value
    if step.answer_type == AnswerType.NUMBER:
        value = parse_number(answer)
        if value is None or value < 0:
            raise DomainError(_("Indiquez un nombre positif, par exemple 12 500."), field="answer")
        return format(value.normalize(), "f")  # "12500", never "1.25E+4"
    return answer[:2000]


def _dated(existing: str, text: str) -> str:
    line = f"{timezone.localdate():%d/%m/%Y} : {text}"
    return f"{existing.rstrip()}\n{line}" if existing.strip() else line


def _file_data(company: Company, step: ScriptStep, answer: str) -> dict:
    """The customer file's change for an answer (needs and notes appended, never overwritten)."""
    target = step.saves_to
    if target == SavesTo.NEEDS:
        return {"needs": _dated(company.needs, answer)}
    if target == SavesTo.NOTES:
        return {"notes": _dated(company.notes, answer)}
    if target == SavesTo.COMPETITOR:
        return {"competitor": answer[:120]}
    if target == SavesTo.BUYING_MOTIVES:
        value = motive_value(answer)
        if value is None:
            raise DomainError(
                _("« %(answer)s » n'est pas un mobile d'achat SONCAS.") % {"answer": answer}, field="answer"
            )
        motives = list(company.buying_motives or [])
        return {} if value in motives else {"buying_motives": [*motives, value]}
    if target == SavesTo.POTENTIAL:
        value = parse_number(answer)
        if value is None or value < 0:
            raise DomainError(_("Indiquez un nombre positif, par exemple 12 500."), field="answer")
        return {"potential": value.quantize(Decimal("0.01"))}
    if target == SavesTo.ENGAGEMENT:
        value = engagement_value(answer)
        if value is None:
            raise DomainError(
                _("« %(answer)s » n'est pas une étape du cycle de vente.") % {"answer": answer},
                field="answer",
            )
        return {"engagement": value}
    return {}


def _display(step: ScriptStep, answer: str) -> str:
    if step.answer_type == AnswerType.YES_NO:
        return _("Oui") if answer == YES else _("Non")
    if step.answer_type == AnswerType.NUMBER:
        from django.template.defaultfilters import floatformat

        value = parse_number(answer)
        return floatformat(value, "-2g") if value is not None else answer  # 12 500 as it was said
    return answer


# The script editor ------------------------------------------------------------------------------------------


@dataclass
class StepData:
    """One step as the editor sends it: branches and the next step name steps by their position,
    so that a new step can be the target of another one before either is saved."""

    position: int
    kind: str
    title: str
    text: str = ""
    question: str = ""
    answer_type: str = AnswerType.NONE
    choices: list[str] = field(default_factory=list)
    saves_to: str = ""
    next_position: int | None = None
    branches: list[tuple[str, int]] = field(default_factory=list)
    id: int | None = None


def step_problems(steps: list[StepData]) -> list[tuple[int, str, str]]:
    """(index of the step, field, message) for every rule a set of steps breaks."""
    problems: list[tuple[int, str, str]] = []
    positions = [s.position for s in steps]
    for i, step in enumerate(steps):
        if positions.count(step.position) > 1:
            problems.append((i, "position", _("Deux étapes ont le n° %(n)s.") % {"n": step.position}))
        if step.answer_type == AnswerType.CHOICE and not step.choices:
            problems.append((i, "choices", _("Indiquez les réponses proposées, une par ligne.")))
        if step.saves_to and step.answer_type == AnswerType.NONE:
            problems.append(
                (i, "saves_to", _("Une étape sans réponse ne peut rien enregistrer dans la fiche."))
            )
        if step.saves_to == SavesTo.POTENTIAL and step.answer_type != AnswerType.NUMBER:
            problems.append((i, "answer_type", _("Le potentiel se note avec une réponse de type nombre.")))
        if step.saves_to == SavesTo.BUYING_MOTIVES:
            bad = [c for c in step.choices if motive_value(c) is None]
            if step.answer_type != AnswerType.CHOICE or bad:
                problems.append(
                    (
                        i,
                        "choices",
                        _("Les mobiles d'achat se notent avec un choix parmi : %(list)s.")
                        % {"list": ", ".join(str(lbl) for _v, lbl in BuyingMotive.choices)},
                    )
                )
        if step.saves_to == SavesTo.ENGAGEMENT:
            bad = [c for c in step.choices if engagement_value(c) is None]
            if step.answer_type != AnswerType.CHOICE or bad:
                problems.append(
                    (
                        i,
                        "choices",
                        _("L'étape du cycle de vente se note avec un choix parmi : %(list)s.")
                        % {"list": ", ".join(str(lbl) for _v, lbl in Engagement.choices)},
                    )
                )
        if step.next_position is not None:
            if step.next_position == step.position:
                problems.append((i, "next_position", _("Une étape ne peut pas renvoyer à elle-même.")))
            elif step.next_position not in positions:
                problems.append(
                    (
                        i,
                        "next_position",
                        _("Il n'y a pas d'étape n° %(n)s dans ce script.") % {"n": step.next_position},
                    )
                )
        seen = set()
        for answer, target in step.branches:
            if step.answer_type == AnswerType.YES_NO:
                allowed = yes_no(answer) is not None
                key = yes_no(answer)
            elif step.answer_type == AnswerType.CHOICE:
                allowed = any(fold(c) == fold(answer) for c in step.choices)
                key = fold(answer)
            else:
                problems.append(
                    (i, "branches", _("Un embranchement demande une réponse à choix ou Oui / Non."))
                )
                break
            if not allowed:
                problems.append(
                    (
                        i,
                        "branches",
                        _("« %(answer)s » n'est pas une des réponses proposées de l'étape.")
                        % {"answer": answer},
                    )
                )
            elif key in seen:
                problems.append(
                    (
                        i,
                        "branches",
                        _("La réponse « %(answer)s » a deux embranchements.") % {"answer": answer},
                    )
                )
            seen.add(key)
            if target == step.position:
                problems.append((i, "branches", _("Une étape ne peut pas renvoyer à elle-même.")))
            elif target not in positions:
                problems.append(
                    (i, "branches", _("Il n'y a pas d'étape n° %(n)s dans ce script.") % {"n": target})
                )
    return problems


@transaction.atomic
def script_save(
    *,
    by,
    name: str,
    steps: list[StepData],
    script: Script | None = None,
    description: str = "",
    reasons: list[str] | None = None,
) -> Script:
    """Creates or rewrites a script with its steps and branches. Steps keep their ids when they are
    kept (the runs point to them); the branches are rewritten."""
    from televente.calls.choices import CallReason

    _check_edit(by)
    if not (name or "").strip():
        raise DomainError(_("Donnez un nom au script."), field="name")
    if not steps:
        raise DomainError(_("Un script a au moins une étape."))
    reasons = [r for r in (reasons or []) if r in CallReason.values]
    problems = step_problems(steps)
    if problems:
        index, _field, message = problems[0]
        raise DomainError(
            _("Étape n° %(n)s : %(message)s") % {"n": steps[index].position, "message": message}
        )
    if script is None:
        script = Script.objects.create(
            name=name.strip(), description=description, reasons=reasons, created_by=by
        )
    else:
        script = Script.objects.select_for_update().get(pk=script.pk)
        script.name, script.description, script.reasons = name.strip(), description, reasons
        script.save()
    existing = {s.pk: s for s in script.steps.all()}
    kept_ids = {s.id for s in steps if s.id in existing}
    ScriptStep.objects.filter(script=script).exclude(pk__in=kept_ids).delete()
    # Free the positions first: two kept steps may swap their numbers.
    top = (ScriptStep.objects.filter(script=script).aggregate(m=Max("position"))["m"] or 0) + 1000
    for offset, pk in enumerate(sorted(kept_ids)):
        ScriptStep.objects.filter(pk=pk).update(position=top + offset)
    by_position: dict[int, ScriptStep] = {}
    for data in sorted(steps, key=lambda s: s.position):
        step = existing.get(data.id) if data.id in kept_ids else ScriptStep(script=script)
        step.position, step.kind, step.title = data.position, data.kind, data.title.strip()
        step.text, step.question, step.answer_type = data.text, data.question.strip(), data.answer_type
        step.choices = (
            [c.strip() for c in data.choices if c.strip()] if data.answer_type == AnswerType.CHOICE else []
        )
        step.saves_to = data.saves_to
        step.next_step = None
        try:
            step.full_clean(exclude=["script", "next_step"])
        except ValidationError as exc:  # services answer with a DomainError, never a 500
            raise DomainError(
                _("Étape n° %(n)s : %(message)s")
                % {"n": data.position, "message": " ".join(m for ms in exc.message_dict.values() for m in ms)}
            ) from exc
        step.save()
        by_position[step.position] = step
    ScriptBranch.objects.filter(step__script=script).delete()
    for data in steps:
        step = by_position[data.position]
        if data.next_position is not None:
            step.next_step = by_position[data.next_position]
            step.save(update_fields=["next_step", "updated_at"])
        for answer, target in data.branches:
            stored = (
                yes_no(answer)
                if step.answer_type == AnswerType.YES_NO
                else next(c for c in step.choices if fold(c) == fold(answer))
            )
            ScriptBranch.objects.create(step=step, answer=stored, goes_to=by_position[target])
    return script


@transaction.atomic
def script_copy(*, script: Script, by) -> Script:
    """A copy to adapt (a campaign's variant), inactive until it is ready."""
    _check_edit(by)
    steps = list(script.steps.prefetch_related("branches__goes_to").select_related("next_step"))
    data = [
        StepData(
            position=s.position, kind=s.kind, title=s.title, text=s.text, question=s.question,
            answer_type=s.answer_type, choices=list(s.choices), saves_to=s.saves_to,
            next_position=s.next_step.position if s.next_step else None,
            branches=[(b.answer, b.goes_to.position) for b in s.branches.all()],
        )
        for s in steps
    ]  # fmt: skip
    copy = script_save(
        by=by,
        name=(_("Copie de %(name)s") % {"name": script.name})[:120],
        description=script.description,
        reasons=list(script.reasons),
        steps=data,
    )
    copy.is_active = False
    copy.save(update_fields=["is_active", "updated_at"])
    return copy


@transaction.atomic
def script_set_active(*, script: Script, by, active: bool) -> Script:
    _check_edit(by)
    script.is_active = active
    script.save(update_fields=["is_active", "updated_at"])
    return script


# The runner -------------------------------------------------------------------------------------------------


def next_step_after(step: ScriptStep, answer: str, steps: list[ScriptStep]) -> ScriptStep | None:
    """The branch for this answer, else the explicit next step, else the next by position."""
    by_pk = {s.pk: s for s in steps}
    if answer:
        for branch in step.branches.all():
            matches = (
                branch.answer == answer
                if step.answer_type == AnswerType.YES_NO
                else fold(branch.answer) == fold(answer)
            )
            if matches and branch.goes_to_id in by_pk:
                return by_pk[branch.goes_to_id]
    if step.next_step_id and step.next_step_id in by_pk:
        return by_pk[step.next_step_id]
    return next((s for s in steps if s.position > step.position), None)


def _check_company(company: Company, by) -> None:
    if not Company.objects.visible_to(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas suivre de script pour ce client."))


def _script_steps(script: Script) -> list[ScriptStep]:
    return list(script.steps.prefetch_related("branches").order_by("position"))


@transaction.atomic
def run_answer(
    *,
    script: Script,
    company: Company,
    by,
    step: ScriptStep,
    answer: str = "",
    task=None,
    run: ScriptRun | None = None,
) -> ScriptRun:
    """Records the answer of the step on screen, saves it into the customer file when the step says
    so, and moves to the step the answer leads to; past the last step the run is finished."""
    if not can_read_scripts(by):
        raise PermissionRefused(_("Vous ne pouvez pas suivre de script."))
    _check_company(company, by)
    if step.script_id != script.pk:
        raise DomainError(_("Cette étape n'appartient pas au script."))
    if task is not None and task.company_id != company.pk:
        raise DomainError(_("Cet appel concerne une autre fiche."))
    steps = _script_steps(script)
    step = next(s for s in steps if s.pk == step.pk)
    answer = clean_answer(step, answer)
    if run is None and task is not None:
        # One run per call and script: a double click on the first step must not fail on the
        # unique constraint (the second request finds the run the first one created).
        run, _new = ScriptRun.objects.get_or_create(
            script=script,
            task=task,
            defaults={"company": company, "rep": by, "current_step": step, "path": [step.pk]},
        )
    if run is None:
        run = ScriptRun.objects.create(
            script=script, company=company, task=task, rep=by, current_step=step, path=[step.pk]
        )
    else:
        run = ScriptRun.objects.select_for_update().get(pk=run.pk)
        if (
            run.script_id != script.pk
            or run.company_id != company.pk
            or run.task_id != (task.pk if task is not None else None)
        ):
            raise DomainError(_("Ce déroulé concerne un autre script ou une autre fiche."))
    key = str(step.pk)
    previous = run.answers.get(key)
    if answer or previous is not None:
        run.answers[key] = answer
    if answer and answer != previous and step.saves_to:
        fresh = Company.objects.select_for_update().get(pk=company.pk)
        data = _file_data(fresh, step, answer)
        if data:
            company_update(company=fresh, by=by, data=data)
    following = next_step_after(step, answer, steps)
    path = [pk for pk in run.path if pk in {s.pk for s in steps}]
    if not path or path[-1] != step.pk:
        path.append(step.pk)
    if following is None:
        run.current_step = step
        run.finished_at = run.finished_at or timezone.now()
    else:
        path.append(following.pk)
        run.current_step = following
        run.finished_at = None
    run.path = path[-MAX_PATH:]
    run.save()
    if run.finished_at is not None:
        run_summarise(run=run, steps=steps)
    return run


@transaction.atomic
def run_back(*, run: ScriptRun, by) -> ScriptRun:
    """Back along the path actually followed (a branch taken is not undone by position)."""
    run = ScriptRun.objects.select_for_update().get(pk=run.pk)
    if run.rep_id != by.pk and not can_edit_scripts(by) and run.task_id is None:
        raise PermissionRefused(_("Ce déroulé est celui d'un autre télévendeur."))
    path = list(run.path)
    if run.finished_at is not None:
        run.finished_at = None  # back on the last step, the end is not reached any more
    elif len(path) > 1:
        path.pop()
    if path:
        run.current_step_id = path[-1]
    run.path = path
    run.save()
    return run


def run_summarise(*, run: ScriptRun, steps: list[ScriptStep] | None = None) -> None:
    """One timeline entry with the answers of the run, once; nothing when nothing was answered."""
    if run.summarised_at is not None:
        return
    steps = steps if steps is not None else _script_steps(run.script)
    lines = [
        f"{s.question or s.title} : {_display(s, run.answers[str(s.pk)])}"
        for s in steps
        if run.answers.get(str(s.pk))
    ]
    if not lines:
        return
    interaction_record(
        company=run.company,
        kind=InteractionKind.NOTE,
        by=run.rep,
        subject=_("Script « %(name)s » : réponses de découverte") % {"name": run.script.name},
        notes="\n".join(lines),
        reference=f"scripts.script:{run.script_id}",
        touch_contact=False,
    )
    run.summarised_at = timezone.now()
    ScriptRun.objects.filter(pk=run.pk).update(summarised_at=run.summarised_at)


@transaction.atomic
def runs_call_completed(*, task_id: int, outcome: str) -> int:
    """The call ended: its runs keep the step where it stopped and learn the outcome; the answers go
    on the timeline if the run did not reach its end."""
    runs = list(
        ScriptRun.objects.select_for_update(of=("self",))
        .select_related("script", "company", "rep")
        .filter(task_id=task_id)
    )
    now = timezone.now()
    for run in runs:
        run.outcome = outcome or ""
        run.completed_at = now
        run.save(update_fields=["outcome", "completed_at", "updated_at"])
        run_summarise(run=run)
    return len(runs)


def on_business_event(sender, *, company_id=None, reference="", key="", data=None, **kwargs) -> None:
    """Receiver of `business_event`: stamps the runs of a completed call. Never breaks the call."""
    if sender != "call.completed":
        return
    data = data or {}
    task_id = data.get("task_id")
    if not task_id:
        return
    try:
        runs_call_completed(task_id=int(task_id), outcome=str(data.get("outcome") or ""))
    except Exception:  # the call is recorded already; a failure here must not undo or hide it
        log.exception("scripts: stamping the runs of call %s failed", task_id)


# Objections -------------------------------------------------------------------------------------------------


def objection_search_text(objection: Objection) -> str:
    family = ""
    if objection.family in ObjectionFamily.values:
        with translation.override("fr"):
            family = str(ObjectionFamily(objection.family).label)
    return fold(" ".join([objection.text, objection.keywords, family]))


@transaction.atomic
def objection_save(*, form, formset, by) -> Objection:
    """The objection and its answers from the library's form (validated by the caller)."""
    _check_edit(by)
    objection = form.save(commit=False)
    objection.search_text = objection_search_text(objection)
    objection.save()
    formset.instance = objection
    formset.save()
    if not objection.answers.exists():
        raise DomainError(_("Proposez au moins une réponse à l'objection."))
    return objection


@transaction.atomic
def objection_create(*, by, text: str, family: str, answers: list[str], keywords: str = "") -> Objection:
    """Plain-value creation (the demo and tests)."""
    _check_edit(by)
    if family not in ObjectionFamily.values:
        raise DomainError(_("Famille inconnue."), field="family")
    objection = Objection(text=text.strip(), family=family, keywords=keywords)
    objection.search_text = objection_search_text(objection)
    objection.full_clean()
    objection.save()
    for position, answer in enumerate(answers, start=1):
        ObjectionAnswer.objects.create(objection=objection, text=answer, position=position)
    return objection


@transaction.atomic
def objection_answer_use(*, answer: ObjectionAnswer, company: Company, by, task=None) -> ObjectionUse:
    """The rep used this answer in the call; the call's outcome will say whether it led to an order."""
    if not can_read_scripts(by):
        raise PermissionRefused(_("Vous ne pouvez pas suivre de script."))
    _check_company(company, by)
    if task is not None and task.company_id != company.pk:
        raise DomainError(_("Cet appel concerne une autre fiche."))
    if not answer.is_active or not answer.objection.is_active:
        raise DomainError(_("Cette réponse n'est plus proposée."))
    if task is not None:
        already = ObjectionUse.objects.filter(answer=answer, task=task).first()
        if already is not None:
            return already  # a double click counts once per call
    return ObjectionUse.objects.create(answer=answer, company=company, task=task, rep=by)
