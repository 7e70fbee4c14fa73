"""The editor's rules, the runner (branches, answers into the customer file, the summary on the
timeline), the choosers, the runs stamped by "call.completed", and the objections' statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.calls.choices import CallOutcome, CallReason, TaskStatus
from televente.calls.models import CallTask
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import business_event
from televente.customers.choices import InteractionKind
from televente.customers.models import Interaction
from televente.scripts import demo, selectors, services
from televente.scripts.choices import AnswerType, SavesTo, StepKind
from televente.scripts.models import ObjectionUse, Script, ScriptRun
from televente.scripts.selection import register_chooser, script_for, unregister_chooser
from televente.scripts.services import StepData

from .conftest import make_call

pytestmark = pytest.mark.django_db


def step(position, **kw):
    return StepData(
        position=position, kind=kw.pop("kind", StepKind.DISCOVERY), title=f"Étape {position}", **kw
    )


def by_position(script: Script, position: int):
    return script.steps.get(position=position)


# The editor -------------------------------------------------------------------------------------------------


def test_a_script_is_saved_with_its_branches_and_next_steps(world):
    script = services.script_save(
        by=world.sup_a, name="Essai", reasons=["inactive", "bogus"],
        steps=[
            step(1, question="Satisfait ?", answer_type=AnswerType.YES_NO, branches=[("Non", 3), ("oui", 2)]),
            step(2, next_position=4),
            step(3),
            step(4),
        ],
    )  # fmt: skip
    assert script.reasons == ["inactive"]
    first = by_position(script, 1)
    assert {(b.answer, b.goes_to.position) for b in first.branches.all()} == {("non", 3), ("oui", 2)}
    assert by_position(script, 2).next_step == by_position(script, 4)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([step(1), step(1)], "Deux étapes ont le n° 1"),
        ([step(1, next_position=1)], "ne peut pas renvoyer à elle-même"),
        ([step(1, next_position=7)], "pas d'étape n° 7"),
        (
            [step(1, answer_type=AnswerType.CHOICE, choices=["A", "B"], branches=[("C", 2)]), step(2)],
            "n'est pas une des réponses proposées",
        ),
        (
            [step(1, answer_type=AnswerType.YES_NO, branches=[("Peut-être", 2)]), step(2)],
            "n'est pas une des réponses proposées",
        ),
        ([step(1, answer_type=AnswerType.YES_NO, branches=[("Non", 1)])], "ne peut pas renvoyer à elle-même"),
        (
            [step(1, answer_type=AnswerType.TEXT, branches=[("x", 2)]), step(2)],
            "réponse à choix ou Oui / Non",
        ),
        (
            [step(1, answer_type=AnswerType.CHOICE, choices=["Rapide"], saves_to=SavesTo.BUYING_MOTIVES)],
            "mobiles d'achat",
        ),
        ([step(1, answer_type=AnswerType.TEXT, saves_to=SavesTo.POTENTIAL)], "nombre"),
    ],
)
def test_the_editor_refuses_broken_scripts(world, steps, message):
    with pytest.raises(DomainError, match=message):
        services.script_save(by=world.sup_a, name="Cassé", steps=steps)
    assert not Script.objects.exists()


def test_a_rep_cannot_edit_scripts(world):
    with pytest.raises(PermissionRefused):
        services.script_save(by=world.rep_a, name="Non", steps=[step(1)])


def test_editing_keeps_the_steps_and_may_swap_their_positions(world, reactivation):
    steps = list(reactivation.steps.order_by("position"))
    data = [StepData(id=s.pk, position=s.position, kind=s.kind, title=s.title) for s in steps]
    data[0].position, data[1].position = 2, 1
    services.script_save(by=world.sup_a, script=reactivation, name=reactivation.name, steps=data)
    assert reactivation.steps.get(pk=steps[0].pk).position == 2
    assert reactivation.steps.count() == len(steps)


def test_a_copy_is_inactive_with_the_same_branches(world, reactivation):
    copy = services.script_copy(script=reactivation, by=world.sup_a)
    assert copy.name == "Copie de Relance d'un compte inactif" and not copy.is_active
    satisfied = copy.steps.get(position=8)
    assert {(b.answer, b.goes_to.position) for b in satisfied.branches.all()} == {("non", 9), ("oui", 10)}
    assert satisfied.branches.first().goes_to.script_id == copy.pk


# Selection --------------------------------------------------------------------------------------------------


def test_the_script_of_a_call_follows_its_reason_then_the_choosers(world, bakery, call, reactivation):
    order = demo.build_script(demo.ORDER_SCRIPT, by=world.sup_a)
    assert script_for(task=call, company=bakery, user=world.rep_a) == reactivation
    call.reason, call.reasons = CallReason.CLAIM, [CallReason.CLAIM, CallReason.LATE]
    assert script_for(task=call, company=bakery, user=world.rep_a) == order
    call.reasons = [CallReason.CLAIM]
    assert script_for(task=call, company=bakery, user=world.rep_a) is None

    def campaign(*, task, company, user):
        return order if task is not None and task.pk == call.pk else None

    register_chooser(campaign)
    try:
        call.reason = CallReason.INACTIVE
        assert script_for(task=call, company=bakery, user=world.rep_a) == order
    finally:
        unregister_chooser(campaign)


# The runner -------------------------------------------------------------------------------------------------


def answer(run_args, position, value=""):
    script = run_args["script"]
    return services.run_answer(**run_args, step=by_position(script, position), answer=value)


@pytest.fixture
def run_args(world, bakery, call, reactivation):
    return {"script": reactivation, "company": bakery, "task": call, "by": world.rep_a}


def test_the_answers_follow_the_branches_and_land_in_the_customer_file(run_args, bakery):
    run = answer(run_args, 1)
    assert run.current_step.position == 2
    run = answer(run_args, 2, "oui")
    run = answer(run_args, 3)
    run = answer(run_args, 4, "Pomona")
    run = answer(run_args, 5, "Farine bio T65, 200 kg par semaine")
    run = answer(run_args, 6, "argent")
    run = answer(run_args, 7, "12 500")
    run = answer(run_args, 8, "Non")
    assert run.current_step.position == 9  # Non -> the presentation
    run = answer(run_args, 9)
    assert run.current_step.position == 11  # the presentation's explicit next step skips the objections
    run = answer(run_args, 11, "Intéressé")
    bakery.refresh_from_db()
    assert bakery.competitor == "Pomona"
    assert bakery.needs.startswith("Farine T55\n") and bakery.needs.endswith(
        ": Farine bio T65, 200 kg par semaine"
    )
    assert f"{timezone.localdate():%d/%m/%Y}" in bakery.needs
    assert bakery.buying_motives == ["argent"]
    assert bakery.potential == Decimal("12500.00")
    assert bakery.engagement == "interested"
    assert run.answers[str(by_position(run_args["script"], 8).pk)] == "non"
    assert run.answers[str(by_position(run_args["script"], 7).pk)] == "12500"
    assert ScriptRun.objects.count() == 1
    # Satisfied customers go to the objections instead.
    assert run.current_step.position == 12
    for _back in range(3):  # 12 -> 11 -> 9 -> 8: back along the branch taken, not by position
        run = services.run_back(run=run, by=run_args["by"])
    assert run.current_step.position == 8
    assert answer(run_args, 8, "oui").current_step.position == 10


def test_reaching_the_end_finishes_and_writes_one_summary(run_args, bakery):
    for position, value in [(1, ""), (2, "non")]:
        run = answer(run_args, position, value)
    assert run.current_step.position == 12
    run = answer(run_args, 12)
    assert run.finished_at is not None
    notes = Interaction.objects.filter(company=bakery, kind=InteractionKind.NOTE)
    assert notes.count() == 1
    assert "Non" in notes.get().notes and "Relance d'un compte inactif" in notes.get().subject
    answer(run_args, 12)  # again: still one entry
    assert notes.count() == 1


def test_a_motive_twice_is_added_once_and_bad_answers_are_refused(run_args, bakery):
    answer(run_args, 6, "Argent")
    run = answer(run_args, 6, "Sécurité")
    answer(run_args, 6, "securite")
    bakery.refresh_from_db()
    assert bakery.buying_motives == ["argent", "securite"]
    with pytest.raises(DomainError, match="nombre"):
        answer({**run_args, "run": run}, 7, "beaucoup")
    with pytest.raises(DomainError, match="réponses proposées"):
        answer({**run_args, "run": run}, 6, "Le prix")
    with pytest.raises(DomainError, match="oui ou par non"):
        answer({**run_args, "run": run}, 8, "bof")


def test_notes_are_appended(world, bakery):
    script = services.script_save(
        by=world.sup_a, name="Notes",
        steps=[step(1, question="Remarque", answer_type=AnswerType.TEXT, saves_to=SavesTo.NOTES), step(2)],
    )  # fmt: skip
    bakery.notes = "Livrer par la cour"
    bakery.save()
    services.run_answer(
        script=script, company=bakery, by=world.rep_a, step=by_position(script, 1), answer="Fermé le lundi"
    )
    bakery.refresh_from_db()
    assert bakery.notes.startswith("Livrer par la cour\n") and bakery.notes.endswith("Fermé le lundi")


def test_a_number_in_french_format(world):
    assert services.parse_number("12 500") == Decimal("12500")
    assert services.parse_number("12\u202f500,50 €") == Decimal("12500.50")
    assert services.parse_number("12.500") == Decimal("12500")
    assert services.parse_number("douze") is None


def test_the_completed_call_stamps_the_run_and_summarises_it(run_args, bakery, call, world):
    answer(run_args, 1)
    answer(run_args, 2, "oui")
    answer(run_args, 3)
    answer(run_args, 4, "Transgourmet")
    CallTask.objects.filter(pk=call.pk).update(status=TaskStatus.DONE, outcome=CallOutcome.REACHED_NO_ORDER)
    business_event.send(
        sender="call.completed", company_id=bakery.pk, reference=f"calls.calltask:{call.pk}", key="k",
        data={"task_id": call.pk, "outcome": CallOutcome.REACHED_NO_ORDER, "rep_id": world.rep_a.pk},
    )  # fmt: skip
    run = ScriptRun.objects.get()
    assert run.outcome == CallOutcome.REACHED_NO_ORDER and run.completed_at is not None
    assert run.current_step.position == 5 and run.finished_at is None  # where the call stopped
    note = Interaction.objects.get(company=bakery, kind=InteractionKind.NOTE)
    assert "Où vous approvisionnez-vous aujourd'hui ? : Transgourmet" in note.notes
    results = selectors.script_results(user=world.sup_a, script=run_args["script"])
    assert results["total"] == 1
    stopped = {row["step"].position: row["stopped"] for row in results["funnel"]}
    assert stopped[5] == 1
    assert results["outcomes"][0]["count"] == 1


def test_a_call_completed_without_answers_writes_nothing(run_args, bakery, call, world):
    answer(run_args, 1)
    services.runs_call_completed(task_id=call.pk, outcome=CallOutcome.NOT_REACHED)
    assert not Interaction.objects.filter(company=bakery, kind=InteractionKind.NOTE).exists()


# Objections -------------------------------------------------------------------------------------------------


def test_objection_search_ignores_accents_and_ranks_answers_by_success(world, bakery, call):
    objection = services.objection_create(
        by=world.sup_a, text="Votre franco est trop élevé", family="price", keywords="minimum",
        answers=["Regroupez vos commandes", "C'est comme ça"],
    )  # fmt: skip
    good, bad = objection.answers.order_by("position")
    for i in range(4):
        company_call = (
            call if i == 0 else make_call(world, bakery, day=timezone.localdate() - dt.timedelta(days=i))
        )
        outcome = CallOutcome.REACHED_ORDER if i < 3 else CallOutcome.REACHED_NO_ORDER
        CallTask.objects.filter(pk=company_call.pk).update(outcome=outcome)
        services.objection_answer_use(
            answer=bad if i else good, company=bakery, task=company_call, by=world.rep_a
        )
    # the good answer: 1 of 1; the bad one: 2 of 3 -> (1+1)/(1+2)=0.67 vs (2+1)/(3+2)=0.6
    rows = selectors.objection_search(user=world.rep_a, query="ELEVE Franco")
    assert [r.objection for r in rows] == [objection]
    assert [(s.answer, s.used, s.orders) for s in rows[0].answers] == [(good, 1, 1), (bad, 3, 2)]
    assert selectors.objection_search(user=world.rep_a, query="prix")[0].objection == objection  # the family
    assert selectors.objection_search(user=world.rep_a, query="livraison") == []
    # Used twice in the same call counts once; old uses fall out of the statistics.
    services.objection_answer_use(answer=good, company=bakery, task=call, by=world.rep_a)
    assert ObjectionUse.objects.filter(answer=good).count() == 1
    ObjectionUse.objects.filter(answer=bad).update(used_at=timezone.now() - dt.timedelta(days=120))
    row = selectors.objection_library(user=world.rep_a)[0]
    assert {s.answer: s.used for s in row.answers} == {good: 1, bad: 0}


def test_a_rep_cannot_create_objections(world):
    with pytest.raises(PermissionRefused):
        services.objection_create(by=world.rep_a, text="Non", family="price", answers=["x"])


# Query counts -----------------------------------------------------------------------------------------------


def test_reads_have_bounded_queries(world, bakery, call, reactivation, django_assert_max_num_queries):
    demo.build_objections(by=world.sup_a)
    answer({"script": reactivation, "company": bakery, "task": call, "by": world.rep_a}, 1)
    with django_assert_max_num_queries(6):
        runner = selectors.runner(user=world.rep_a, company=bakery, task=call)
    assert runner.step.position == 2
    with django_assert_max_num_queries(3):
        rows = selectors.objection_search(user=world.rep_a, query="cher")
    assert rows
    with django_assert_max_num_queries(4):
        selectors.script_results(user=world.sup_a, script=reactivation)
    with django_assert_max_num_queries(3):
        assert len(selectors.objection_library(user=world.sup_a)) == len(demo.OBJECTIONS)


def test_the_demo_installs_its_scripts_objections_and_history(world, bakery, call, reactivation):
    from televente.core.demo import make_context

    CallTask.objects.filter(pk=call.pk).update(
        status=TaskStatus.DONE, outcome=CallOutcome.REACHED_ORDER, ended_at=timezone.now()
    )
    other = make_call(world, bakery, day=timezone.localdate() - dt.timedelta(days=1))
    CallTask.objects.filter(pk=other.pk).update(
        status=TaskStatus.DONE, outcome=CallOutcome.REACHED_NO_ORDER, ended_at=timezone.now()
    )
    demo.seed(make_context(size="small", today=timezone.localdate(), log=lambda _m: None))
    assert set(Script.objects.values_list("name", flat=True)) == set(demo.SCRIPTS)
    assert ObjectionUse.objects.count() > 100
    assert ScriptRun.objects.filter(script__name=demo.REACTIVATION_SCRIPT).count() == 2
    demo.seed(
        make_context(size="small", today=timezone.localdate(), log=lambda _m: None)
    )  # again: no duplicates
    assert Script.objects.count() == len(demo.SCRIPTS)


def test_the_runner_puts_the_calls_names_in_place_of_the_placeholders(world, bakery, call, settings):
    settings.COMPANY_NAME = "Grossiste Durand"
    world.rep_a.first_name = "Léa"
    world.rep_a.save()
    contact = bakery.contacts.get()
    contact.civility, contact.last_name = "Mme", "Martin"
    contact.save()
    call.contact = contact
    call.save()
    script = Script.objects.create(name="Accueil personnalisé", reasons=[CallReason.INACTIVE])
    script.steps.create(
        position=1,
        kind=StepKind.GREETING,
        title="Accueil",
        text="Bonjour [interlocuteur], ici [votre prénom] de [société]. [inconnu] reste tel quel.",
        question="[client] commande-t-il toujours chez nous ?",
    )
    r = selectors.runner(user=world.rep_a, company=bakery, task=call)
    assert r.said == "Bonjour Mme Martin, ici Léa de Grossiste Durand. [inconnu] reste tel quel."
    assert r.asked == "Boulangerie Dupain commande-t-il toujours chez nous ?"
