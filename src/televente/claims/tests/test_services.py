"""The claim's life: intake, qualification, merit, routing, settlement within authority, the
customer informed, closing, satisfaction, deadlines; and who may do each step."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.claims import policy, selectors, services, sources, tasks
from televente.claims.choices import ClaimStatus, EventKind, SettlementStatus
from televente.claims.models import Claim, ClaimEvent
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import Interaction
from televente.customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

PARIS = timezone.get_current_timezone()


def settle(claim, by, kind="credit_note", amount="40.00", note="Avoir pour les cartons abîmés"):
    services.claim_verdict(claim=claim, by=by, verdict="founded", note="Réserve sur le bon de livraison")
    return services.settlement_propose(claim=claim, by=by, kind=kind, amount=amount, note=note)


def tell(claim, by, channel="email"):
    return services.claim_notify_customer(
        claim=claim,
        by=by,
        step="settlement",
        channel=channel,
        message="Voici notre réponse.",
        contact=claim.contact,
    )


# Intake --------------------------------------------------------------------------------------------------------------


def test_a_claim_is_logged_with_its_lines_deadline_and_timeline_entry(
    make_claim, delivered, world, run_tasks
):
    mail.outbox.clear()
    line = delivered.lines.order_by("position", "pk").first()
    claim = make_claim(service="logistics")
    assert claim.number == f"R{timezone.now().year}-{claim.pk:06d}"
    assert claim.status == ClaimStatus.ROUTED and claim.service == "logistics"
    assert claim.team == world.team_a
    [claimed] = claim.lines.all()
    assert claimed.order_line == line and claimed.quantity == 1
    assert claimed.amount == (line.amount / line.quantity).quantize(Decimal("0.01"))
    assert claim.amount == claimed.amount and claim.quantity == 1
    # damaged: 3 working days from receipt
    expected = policy.add_working_days(timezone.localtime(claim.created_at), 3)
    assert abs(claim.due_at - expected) < dt.timedelta(seconds=1)
    assert Interaction.objects.filter(company=claim.company, reference=f"claims.claim:{claim.pk}").exists()
    assert [e.kind for e in claim.events.all()] == [EventKind.CREATED, EventKind.ROUTED]
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.bo_logistics.email]]
    assert claim.number in mail.outbox[0].subject


def test_working_days_skip_the_weekend():
    friday = dt.datetime(2026, 11, 27, 16, 0, tzinfo=PARIS)
    assert policy.add_working_days(friday, 1) == dt.datetime(2026, 11, 30, 16, 0, tzinfo=PARIS)
    assert policy.add_working_days(friday, 3) == dt.datetime(2026, 12, 2, 16, 0, tzinfo=PARIS)
    saturday = dt.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS)
    assert policy.add_working_days(saturday, 1) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
    assert policy.add_working_days(dt.datetime(2026, 11, 30, 9, tzinfo=PARIS), -1) == dt.datetime(
        2026, 11, 27, 9, tzinfo=PARIS
    )


def test_intake_refuses_what_makes_no_sense(make_claim, delivered, company, world):
    line = delivered.lines.first()
    with pytest.raises(DomainError) as exc:
        make_claim(description="  ")
    assert exc.value.field == "description"
    with pytest.raises(DomainError) as exc:
        make_claim(lines=[(line.pk, line.quantity + 1)])
    assert exc.value.field == "lines"
    with pytest.raises(DomainError) as exc:
        make_claim(lines=[])  # damaged goods: which ones?
    assert exc.value.field == "lines"
    other = CompanyFactory(rep=world.rep_a, team=world.team_a)
    with pytest.raises(DomainError) as exc:
        services.claim_create(
            company=other, by=world.rep_a, claim_type="quality", description="x", order=delivered
        )
    assert exc.value.field == "order"
    with pytest.raises(PermissionRefused):
        make_claim(by=world.rep_b)  # another team's customer
    with pytest.raises(PermissionRefused):
        make_claim(by=world.field_a)
    assert not Claim.objects.exists()


def test_the_questionnaire_keeps_only_the_types_questions(company, world):
    claim = services.claim_create(
        company=company,
        by=world.rep_a,
        claim_type="quality",
        description="Goût de rance sur le beurre",
        answers={"lot": "L2311 DLC 12/12", "photo": "oui", "hack": "x" * 1000},
    )
    assert claim.answers == {"lot": "L2311 DLC 12/12", "photo": "yes"}
    assert claim.order is None and claim.status == ClaimStatus.NEW


# Merit and routing ---------------------------------------------------------------------------------------------------


def test_the_merit_panel_shows_the_order_incidents_and_previous_claims(make_claim, delivered, world):
    from televente.orders import incidents

    line = delivered.lines.order_by("position", "pk").first()
    incident = incidents.incident_open(order=delivered, by=world.rep_a, kind="damaged", line_ids=[line.pk])
    first = make_claim()
    second = make_claim(description="Encore un carton abîmé")
    merit = selectors.merit_history(second)
    assert merit.order == delivered
    assert [line.pk for line in merit.order_lines] == list(
        delivered.lines.order_by("position", "pk").values_list("pk", flat=True)
    )
    assert merit.claimed_line_ids == {line.pk}
    assert merit.incidents == [incident]
    assert merit.previous_claims == [first]
    assert [h.pk for h in merit.product_history] == [line.pk]
    assert merit.claims_12m == 2 and merit.orders_12m == 1


def test_merit_history_reads_in_a_bounded_number_of_queries(make_claim, django_assert_max_num_queries):
    claim = make_claim()
    with django_assert_max_num_queries(9):
        selectors.merit_history(claim)


def test_routing_is_traced_and_only_to_a_person_of_that_service(make_claim, world):
    claim = make_claim(service="logistics")
    quality = UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.QUALITY, username="bo_q")
    with pytest.raises(DomainError) as exc:
        services.claim_route(claim=claim, by=world.bo_logistics, service="logistics", assignee=quality)
    assert exc.value.field == "assignee"
    services.claim_route(
        claim=claim, by=world.bo_logistics, service="quality", assignee=quality, note="Analyse labo"
    )
    claim.refresh_from_db()
    assert claim.service == "quality" and claim.assignee == quality
    routed = claim.events.filter(kind=EventKind.ROUTED).last()
    assert "Logistique" in routed.note and "Qualité" in routed.note and "Analyse labo" in routed.note
    # logistics handed it over: it is no longer theirs
    assert not services.can_handle(claim, world.bo_logistics) or claim.created_by == world.bo_logistics
    assert services.can_handle(claim, quality)


# Settlement ----------------------------------------------------------------------------------------------------------


def test_a_settlement_needs_the_merit_check_first(make_claim, world):
    claim = make_claim(service="logistics")
    with pytest.raises(DomainError):
        services.settlement_propose(claim=claim, by=world.bo_logistics, kind="credit_note", amount="10")


def test_within_the_limit_the_settlement_is_granted_at_once(make_claim, world):
    claim = make_claim(service="logistics")
    settlement = settle(claim, world.bo_logistics, amount="400")  # back office: 500 €
    claim.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED and settlement.decided_by == world.bo_logistics
    assert settlement.reference == f"AV-{claim.number}"
    assert claim.status == ClaimStatus.SETTLED and claim.settled_at is not None


def test_above_the_limit_it_waits_for_the_teams_supervisor(make_claim, world, run_tasks):
    mail.outbox.clear()
    claim = make_claim(service="logistics")
    settlement = settle(claim, world.bo_logistics, amount="900")
    claim.refresh_from_db()
    assert settlement.status == SettlementStatus.AWAITING and settlement.approver_role == Role.SUPERVISOR
    assert claim.status == ClaimStatus.AWAITING_APPROVAL
    run_tasks()
    assert [world.sup_a.email] in [m.to for m in mail.outbox]
    assert list(selectors.approvals_for(world.sup_a)) == [settlement]
    assert not services.can_approve(settlement, world.sup_b)  # not their team
    with pytest.raises(PermissionRefused):
        services.settlement_decide(settlement=settlement, by=world.sup_b, approve=True)
    with pytest.raises(DomainError) as exc:
        services.settlement_decide(settlement=settlement, by=world.sup_a, approve=False)
    assert exc.value.field == "note"
    services.settlement_decide(settlement=settlement, by=world.sup_a, approve=True, note="Client A, on garde")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED
    mail.outbox.clear()
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.bo_logistics.email]]  # the proposer hears the decision


def test_beyond_the_supervisors_limit_only_the_admin_decides(make_claim, world):
    claim = make_claim(service="logistics")
    settlement = settle(claim, world.rep_a, amount="2500")
    assert settlement.approver_role == Role.ADMIN
    assert not services.can_approve(settlement, world.sup_a)
    assert list(selectors.approvals_for(world.sup_a)) == []
    services.settlement_decide(settlement=settlement, by=world.admin, approve=True)


def test_a_refused_settlement_sends_the_claim_back_to_its_service(make_claim, world):
    claim = make_claim(service="logistics")
    settlement = settle(claim, world.rep_a, amount="300")  # rep: 150 €
    services.settlement_decide(
        settlement=settlement, by=world.sup_a, approve=False, note="Trop cher, proposez un remplacement"
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ROUTED
    again = services.settlement_propose(claim=claim, by=world.rep_a, kind="replacement", amount="60")
    assert again.status == SettlementStatus.APPROVED
    assert services.current_settlement(claim) == again


def test_a_refusal_is_explained(make_claim, world):
    claim = make_claim()
    services.claim_verdict(
        claim=claim, by=world.rep_a, verdict="unfounded", note="Livré complet, signé sans réserve"
    )
    with pytest.raises(DomainError) as exc:
        services.settlement_propose(claim=claim, by=world.rep_a, kind="refusal")
    assert exc.value.field == "note"
    refusal = services.settlement_propose(
        claim=claim, by=world.rep_a, kind="refusal", amount="999", note="Bon signé sans réserve"
    )
    assert refusal.amount == 0 and refusal.status == SettlementStatus.APPROVED


# The customer, closing and satisfaction -----------------------------------------------------------------------------


def test_closing_needs_a_settlement_and_the_customer_told_after_it(make_claim, world, run_tasks):
    claim = make_claim(service="logistics")
    with pytest.raises(DomainError):
        services.claim_close(claim=claim, by=world.rep_a)
    services.claim_notify_customer(
        claim=claim,
        by=world.rep_a,
        step="received",
        channel="phone",
        message="C'est noté",
        contact=claim.contact,
    )
    settle(claim, world.rep_a)
    with pytest.raises(DomainError):  # told before the settlement, not about it
        services.claim_close(claim=claim, by=world.rep_a)
    mail.outbox.clear()
    tell(claim, world.rep_a)
    services.claim_close(claim=claim, by=world.rep_a, note="Avoir fait")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED and claim.survey_sent_at is not None
    run_tasks()
    to_customer = [m for m in mail.outbox if m.to[0].endswith("<chef@resto.fr>")]
    assert len(to_customer) == 2  # the settlement, then the satisfaction question
    assert "Voici notre réponse." in to_customer[0].body
    name, content, mimetype = to_customer[0].attachments[0]  # the settlement's letter
    assert mimetype == "application/pdf" and content[:4] == b"%PDF" and claim.number in name
    assert "/reclamations/satisfaction/" in to_customer[1].body


def test_a_contact_who_refuses_emails_is_called_and_asked_by_phone(make_claim, company, world):
    company.chef.opt_out_email = True
    company.chef.save()
    claim = make_claim()
    settle(claim, world.rep_a)
    with pytest.raises(DomainError) as exc:
        tell(claim, world.rep_a)
    assert exc.value.field == "contact"
    tell(claim, world.rep_a, channel="phone")
    services.claim_close(claim=claim, by=world.rep_a)
    claim.refresh_from_db()
    assert claim.survey_sent_at is None
    callback = Interaction.objects.get(company=company, next_action="callback")
    assert callback.next_action_owner == world.rep_a and claim.number in callback.next_action_note


def test_a_call_task_informs_later_and_the_satisfaction_answer_is_kept_once(make_claim, world):
    claim = make_claim()
    when = timezone.now() + dt.timedelta(days=1)
    services.claim_notify_customer(
        claim=claim, by=world.rep_a, step="progress", channel="call_task", message="Point", call_at=when
    )
    claim.refresh_from_db()
    assert claim.customer_notified_at is None  # a promise to call is not a notice
    assert Interaction.objects.filter(next_action="callback", next_action_at=when).exists()
    settle(claim, world.rep_a)
    tell(claim, world.rep_a)
    services.claim_close(claim=claim, by=world.rep_a)
    token = tasks.survey_token(claim.pk)
    assert tasks.survey_claim_id(token) == claim.pk and tasks.survey_claim_id(token + "x") is None
    services.claim_satisfaction_record(claim=claim, answer="satisfied", comment="Rapide, merci")
    with pytest.raises(DomainError):
        services.claim_satisfaction_record(claim=claim, answer="not_satisfied")
    claim.refresh_from_db()
    assert claim.satisfaction == "satisfied" and claim.satisfaction_comment == "Rapide, merci"


# Deadlines -----------------------------------------------------------------------------------------------------------


def test_the_deadline_reminds_then_escalates_once(make_claim, world, run_tasks):
    claim = make_claim(service="logistics")
    due = timezone.localtime(claim.due_at)
    run_tasks()
    mail.outbox.clear()
    assert services.claims_check_deadlines(now=due - dt.timedelta(days=10)) == {"reminded": 0, "escalated": 0}
    day_before = policy.add_working_days(due, -1) + dt.timedelta(minutes=1)
    assert services.claims_check_deadlines(now=day_before) == {"reminded": 1, "escalated": 0}
    assert services.claims_check_deadlines(now=day_before) == {"reminded": 0, "escalated": 0}
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.bo_logistics.email]]
    mail.outbox.clear()
    late = due + dt.timedelta(hours=1)
    assert services.claims_check_deadlines(now=late) == {"reminded": 0, "escalated": 1}
    assert services.claims_check_deadlines(now=late) == {"reminded": 0, "escalated": 0}
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.sup_a.email]]
    claim.refresh_from_db()
    assert claim.escalated_at == late
    assert list(Claim.objects.overdue(late)) == [claim]
    assert ClaimEvent.objects.filter(claim=claim, kind=EventKind.ESCALATED).count() == 1


def test_closed_claims_never_escalate(make_claim, world):
    claim = make_claim()
    settle(claim, world.rep_a)
    tell(claim, world.rep_a, channel="phone")
    services.claim_close(claim=claim, by=world.rep_a)
    assert services.claims_check_deadlines(now=claim.due_at + dt.timedelta(days=5))["escalated"] == 0


# Attachments ---------------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_attachments_are_checked_by_content_and_size(make_claim, world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    claim = make_claim()
    item = services.claim_attach(
        claim=claim, by=world.rep_a, upload=SimpleUploadedFile("carton.png", PNG, "image/png")
    )
    assert item.content_type == "image/png" and item.file.name.endswith(f"{claim.number}.png")
    with pytest.raises(DomainError):  # HTML named .jpg
        services.claim_attach(
            claim=claim,
            by=world.rep_a,
            upload=SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", "image/jpeg"),
        )
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (services.MAX_ATTACHMENT_BYTES), "application/pdf")
    with pytest.raises(DomainError):
        services.claim_attach(claim=claim, by=world.rep_a, upload=big)
    assert claim.attachments.count() == 1


# Around the claim ---------------------------------------------------------------------------------------------------


def test_claims_needing_news_or_a_satisfaction_call_feed_the_call_plan(make_claim, world):
    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    day = timezone.localdate() + dt.timedelta(days=1)
    found = list(sources.claim_calls(world.team_a, day, {world.rep_a.pk}))
    assert found == [
        (claim.company_id, "claim", f"Réclamation {claim.number} : donner des nouvelles au client")
    ]
    assert list(sources.claim_calls(world.team_b, day, {world.rep_b.pk})) == []
    services.claim_notify_customer(
        claim=claim, by=world.rep_a, step="progress", channel="phone", message="En cours"
    )
    assert list(sources.claim_calls(world.team_a, day, {world.rep_a.pk})) == []


def test_merging_two_files_moves_the_claims(make_claim, company, world):
    from televente.customers.services import company_merge

    claim = make_claim()
    kept = CompanyFactory(rep=world.rep_a, team=world.team_a)
    company_merge(kept=kept, removed=company, by=world.sup_a)
    claim.refresh_from_db()
    assert claim.company == kept


def test_the_deadline_command_reports_what_it_did(make_claim):
    from io import StringIO

    from django.core.management import call_command

    claim = make_claim()
    Claim.objects.filter(pk=claim.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    call_command("claims_check_deadlines", stdout=out)
    assert out.getvalue().strip() == "reminded=0 escalated=1"


def test_a_dissatisfied_customer_gets_the_claim_reopened_and_asked_again(make_claim, world, run_tasks):
    claim = make_claim(service="logistics")
    settle(claim, world.rep_a, amount="20")
    tell(claim, world.rep_a)
    services.claim_close(claim=claim, by=world.rep_a)
    services.claim_satisfaction_record(claim=claim, answer="not_satisfied", comment="Toujours pas remplacé")
    with pytest.raises(DomainError) as exc:
        services.claim_reopen(claim=claim, by=world.rep_a, note="")
    assert exc.value.field == "note"
    with pytest.raises(PermissionRefused):
        services.claim_reopen(claim=claim, by=world.rep_b, note="x")
    reopened = services.claim_reopen(claim=claim, by=world.rep_a, note="Le remplacement n'est pas arrivé")
    assert (
        reopened.status == ClaimStatus.ROUTED and reopened.closed_at is None and reopened.settled_at is None
    )
    assert reopened.due_at > timezone.now() and reopened.escalated_at is None
    with pytest.raises(DomainError):
        services.claim_reopen(claim=reopened, by=world.rep_a, note="encore")
    # a further settlement, the customer told, closed again: a new answer is welcome
    again = services.settlement_propose(claim=reopened, by=world.rep_a, kind="replacement", amount="20")
    assert again.status == SettlementStatus.APPROVED
    tell(reopened, world.rep_a)
    services.claim_close(claim=reopened, by=world.rep_a)
    services.claim_satisfaction_record(claim=reopened, answer="satisfied")
    reopened.refresh_from_db()
    assert reopened.satisfaction == "satisfied"
    kinds = list(reopened.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.SATISFACTION) == 2 and EventKind.REOPENED in kinds


def test_a_granted_settlement_is_carried_out_once_and_leaves_the_queue(make_claim, company, world):
    claim = make_claim(service="logistics")
    settlement = settle(claim, world.rep_a, kind="discount", amount="25")
    assert [c.pk for c in selectors.queue(user=world.rep_a, name="execute")] == [claim.pk]
    assert selectors.company_claims(company=company)["pending"] == [settlement]
    accounting = UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.ACCOUNTING, username="compta")
    assert services.can_carry_out(settlement, accounting)
    assert not services.can_carry_out(settlement, world.rep_b)
    done = services.settlement_mark_done(
        settlement=settlement, by=world.rep_a, note="Appliquée sur C2611-000002"
    )
    assert done.done_by == world.rep_a and done.done_note == "Appliquée sur C2611-000002"
    assert services.settlement_mark_done(settlement=done, by=accounting).done_by == world.rep_a
    assert selectors.queue(user=world.rep_a, name="execute") == []
    assert selectors.company_claims(company=company)["pending"] == []
    assert selectors.queue_counts(world.rep_a)["execute"] == 0
