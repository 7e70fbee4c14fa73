"""Demo receivables: the invoices of the orders delivered over the last four months (one invoice
per order, the order's amount including VAT, due by the customer's payment terms), paid for most of
them; about 8 % of the customers stopped paying at some point, so their overdue debt spreads over
the age buckets of the collection dashboard. For those: the dunning steps of their segment's ladder
already done (an order hold at the last one), a few promises (kept, broken, pending) and a few
payment plans with one missed instalment. Each customer's outstanding amount is then set from its
open invoices through `customers.services.company_outstanding_set`.

Written with `executemany` (`core/bulk.py`) and ids given here, as the orders and claims demos do:
`invoices_sync` costs several queries per invoice, and the large demo has about 180,000 invoices.
The rules the services apply are applied here: invoice status and paid amount from the payments,
one dunning event per step and debt (key), the invoices' dunning level, a plan's instalments adding
up to its debt, the hold reason as the ladder writes it, the texts of the timeline entries.

The demo rep (`televendeur`) has overdue customers of their own, one with a payment plan whose
second instalment was missed, one with a pending promise.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.db.models import DecimalField, ExpressionWrapper, F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import User
from televente.core.bulk import insert_rows, next_id, reset_sequences
from televente.core.demo import DemoContext
from televente.customers.choices import InteractionKind, Outcome, PaymentTerms
from televente.customers.models import Company, Interaction
from televente.customers.services import company_outstanding_set
from televente.orders.choices import OrderStatus
from televente.orders.models import Order

from .choices import (
    AGE_BUCKETS,
    DunningAction,
    InstalmentStatus,
    InvoiceKind,
    InvoiceStatus,
    PlanStatus,
    PromiseStatus,
)
from .models import (
    DunningEvent,
    DunningLadder,
    Instalment,
    Invoice,
    Payment,
    PaymentPlan,
    PaymentPromise,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
HISTORY_DAYS = 123  # four months of invoices
OVERDUE_SHARE = 0.08
# How long ago each late customer stopped paying, by the dashboard's age buckets (weights).
AGE_WEIGHTS = (40, 26, 16, 18)
METHODS = (("virement", 62), ("chèque", 16), ("LCR", 12), ("carte", 10))

INVOICE_FIELDS = (
    "id", "created_at", "updated_at", "number", "company", "order", "kind", "issued_on", "due_on", "amount",
    "paid_amount", "status", "disputed", "dunning_level", "synced_at",
)  # fmt: skip
PAYMENT_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "reference",
    "company",
    "invoice",
    "paid_on",
    "amount",
    "method",
)
EVENT_FIELDS = (
    "id", "created_at", "updated_at", "company", "step", "level", "action", "amount_due", "note", "by", "key",
)  # fmt: skip
PROMISE_FIELDS = (
    "id", "created_at", "updated_at", "company", "amount", "promised_on", "status", "baseline_paid", "note",
    "checked_at", "recorded_by",
)  # fmt: skip
PLAN_FIELDS = (
    "id", "created_at", "updated_at", "number", "company", "total", "status", "baseline_paid", "note",
    "agreed_at", "created_by",
)  # fmt: skip
INSTALMENT_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "plan",
    "position",
    "due_on",
    "amount",
    "status",
    "missed_at",
)
INTERACTION_FIELDS = (
    "id", "created_at", "updated_at", "company", "kind", "occurred_at", "author", "outcome", "subject", "notes",
    "reference",
)  # fmt: skip


def _weighted(rng, pairs):
    total = sum(w for _v, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _due(issued: dt.date, terms: str) -> dt.date:
    if terms == PaymentTerms.CASH:
        return issued
    if terms == PaymentTerms.DAYS_45_EOM:
        day = issued + dt.timedelta(days=45)
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if terms == PaymentTerms.DAYS_60:
        return issued + dt.timedelta(days=60)
    return issued + dt.timedelta(days=30)  # 30 days, direct debit at 30 days


@cache
def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _fr(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")


def _ensure_default_ladder() -> None:
    """The default ladder, again when `seed_demo --flush` emptied the tables."""
    from .signals import install_default_ladder

    install_default_ladder()


def seed(ctx: DemoContext) -> None:
    with translation.override("fr"):
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    since = _at(today - dt.timedelta(days=HISTORY_DAYS), 0)
    terms_of, rep_of, segment_of = {}, {}, {}
    for pk, terms, rep_id, segment_id in Company.objects.filter(rep__isnull=False).values_list(
        "pk", "payment_terms", "rep_id", "segment_id"
    ):
        terms_of[pk], rep_of[pk], segment_of[pk] = terms, rep_id, segment_id
    # The order's amount including VAT, and its delivery day (the history's delivery date), read
    # without converting 270,000 date-times at `large`.
    ttc = ExpressionWrapper(
        F("total_lines") - F("order_discount") + F("total_vat") - F("order_discount_vat"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    orders = list(
        Order.objects.filter(
            status=OrderStatus.DELIVERED, delivered_at__gte=since, company__rep__isnull=False
        )
        .annotate(ttc=ttc, day=Coalesce("delivery_date", TruncDate("delivered_at")))
        .order_by("delivered_at", "pk")
        .values_list("pk", "company_id", "day", "ttc")
    )
    if not orders:
        return
    users = {u.pk: u for u in User.objects.filter(is_active=True)}
    demo_rep = next((u.pk for u in users.values() if u.username == "televendeur"), None)

    # The invoices, oldest first (numbers follow time).
    invoice_id, payment_id = next_id(Invoice), next_id(Payment)
    invoices: dict[int, list[list]] = defaultdict(list)  # company -> rows (mutable, in INVOICE_FIELDS order)
    for order_id, company_id, issued, amount in orders:
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
        if amount <= 0:
            continue
        due = _due(issued, terms_of[company_id])
        synced = _at(issued, 20)
        invoices[company_id].append(
            [invoice_id, synced, synced, f"FA{issued:%y%m}-{invoice_id:07d}", company_id, order_id,
             InvoiceKind.INVOICE, issued, due, amount, ZERO, InvoiceStatus.OPEN, False, 0, synced]
        )  # fmt: skip
        invoice_id += 1

    # Who stopped paying, and since when: each late customer is drawn for an age bucket among the
    # customers whose invoices go back that far; every invoice of theirs due since then is unpaid.
    reachable = {c: (today - min(r[8] for r in rows)).days for c, rows in sorted(invoices.items())}
    reachable = {c: age for c, age in reachable.items() if age > 0}
    buckets = list(range(len(AGE_BUCKETS)))
    pools = {b: [c for c, age in reachable.items() if age >= AGE_BUCKETS[b][0]] for b in buckets}
    unpaid_since: dict[int, dt.date] = {}

    def stop_paying(company_id: int, bucket: int) -> None:
        low, high = AGE_BUCKETS[bucket]
        age = rng.randint(low, min(high or HISTORY_DAYS, reachable[company_id]))
        past_due = sorted(r[8] for r in invoices[company_id] if r[8] < today)
        # The oldest unpaid invoice is at most `age` days late; at least one is late.
        unpaid_since[company_id] = ([d for d in past_due if (today - d).days <= age] or past_due[-1:])[0]

    mine = [c for c in reachable if rep_of[c] == demo_rep]
    for company_id in mine[:: max(1, len(mine) // 4)][:4]:  # the demo rep has some to call
        feasible = [(b, AGE_WEIGHTS[b]) for b in buckets if reachable[company_id] >= AGE_BUCKETS[b][0]]
        stop_paying(company_id, _weighted(rng, feasible))
    late_count = max(3, round(len(invoices) * OVERDUE_SHARE))
    weights = list(zip(buckets, AGE_WEIGHTS, strict=True))
    for _try in range(late_count * 20):
        if len(unpaid_since) >= late_count:
            break
        bucket = _weighted(rng, weights)
        if pools[bucket]:
            company_id = rng.choice(pools[bucket])
            if company_id not in unpaid_since:
                stop_paying(company_id, bucket)

    payment_rows, by_company_paid = [], defaultdict(list)  # company -> [(paid_on, amount)]
    overdue_of: dict[int, list[list]] = {}
    for company_id in sorted(invoices):
        rows = invoices[company_id]
        terms = terms_of[company_id]
        unpaid_from = unpaid_since.get(company_id)
        for row in rows:
            due, amount = row[8], row[9]
            if unpaid_from is not None and due >= unpaid_from:
                continue  # open, late or not yet due
            if due >= today and rng.random() < 0.75:
                continue  # not due yet: most are still open
            if terms == PaymentTerms.DIRECT_DEBIT:
                paid_on = due
            else:
                paid_on = due + dt.timedelta(days=rng.choice([-12, -6, -3, -1, 0, 0, 1, 2, 4, 7, 11]))
            paid_on = min(max(paid_on, row[7]), today)
            method = "prélèvement" if terms == PaymentTerms.DIRECT_DEBIT else _weighted(rng, METHODS)
            payment_rows.append(
                (payment_id, _at(paid_on, 18), _at(paid_on, 18), f"REG-{payment_id:08d}", company_id, row[0],
                 paid_on, amount, method)
            )  # fmt: skip
            by_company_paid[company_id].append((paid_on, amount))
            payment_id += 1
            row[10], row[11] = amount, InvoiceStatus.PAID
        if unpaid_from is not None:
            overdue_of[company_id] = [r for r in rows if r[11] == InvoiceStatus.OPEN and r[8] < today]
            # A part payment on the oldest one, now and then.
            oldest = overdue_of[company_id][0]
            if rng.random() < 0.2 and oldest[9] > 50:
                part = (oldest[9] * Decimal(rng.choice(["0.3", "0.5"]))).quantize(CENT)
                paid_on = min(oldest[8] + dt.timedelta(days=rng.randint(3, 20)), today)
                payment_rows.append(
                    (payment_id, _at(paid_on, 18), _at(paid_on, 18), f"REG-{payment_id:08d}", company_id,
                     oldest[0], paid_on, part, "virement")
                )  # fmt: skip
                by_company_paid[company_id].append((paid_on, part))
                payment_id += 1
                oldest[10] = part

    def paid_before(company_id: int, day: dt.date) -> Decimal:
        return sum((a for d, a in by_company_paid[company_id] if d < day), ZERO)

    # The dunning ladder's steps already done for each late customer, then promises and plans.
    _ensure_default_ladder()
    ladders = {
        ladder.segment_id: sorted(ladder.steps.all(), key=lambda s: s.level)
        for ladder in DunningLadder.objects.filter(is_active=True).prefetch_related("steps")
    }
    event_id, promise_id, plan_id = next_id(DunningEvent), next_id(PaymentPromise), next_id(PaymentPlan)
    instalment_id, interaction_id = next_id(Instalment), next_id(Interaction)
    event_rows, event_links, promise_rows, plan_rows, plan_links, instalment_rows = [], [], [], [], [], []
    interaction_rows, holds = [], {}

    def note(company_id: int, when: dt.datetime, kind: str, subject: str, reference: str, outcome: str = ""):
        nonlocal interaction_id
        author = rep_of[company_id]
        interaction_rows.append(
            (
                interaction_id,
                when,
                when,
                company_id,
                kind,
                when,
                author,
                outcome,
                subject[:200],
                "",
                reference,
            )
        )
        interaction_id += 1

    late_ids = sorted(overdue_of)
    # Plans were negotiated with customers late for 45 days at least: one instalment paid since,
    # the next one missed.
    long_late = [c for c in late_ids if (today - overdue_of[c][0][8]).days >= 45]
    plan_for = set(rng.sample(long_late, min(max(2, len(late_ids) // 25), len(long_late))))
    mine_late = sorted((c for c in long_late if rep_of[c] == demo_rep), key=lambda c: overdue_of[c][0][8])
    if mine_late:
        plan_for.add(mine_late[0])
    counts: dict[str, int] = defaultdict(int)
    for company_id in late_ids:
        late_rows = overdue_of[company_id]
        oldest = late_rows[0]
        days = (today - oldest[8]).days
        due_amount = sum((r[9] - r[10] for r in late_rows), ZERO)
        steps = ladders.get(segment_of[company_id]) or ladders.get(None) or []
        reached = [s for s in steps if s.days_after_due <= days and due_amount >= s.min_amount]
        planned_on = None
        if company_id in plan_for:
            planned_on = max(oldest[8] + dt.timedelta(days=5), today - dt.timedelta(days=rng.randint(37, 55)))
        for step in reached:
            when = _at(oldest[8] + dt.timedelta(days=step.days_after_due), 6, 30)
            if planned_on is not None and when.date() > planned_on:
                break  # the ladder leaves the invoices of a current plan alone
            concerned = [r for r in late_rows if r[8] < when.date()]
            amount = sum((r[9] - r[10] for r in concerned), ZERO)
            event_rows.append(
                (event_id, when, when, company_id, step.pk, step.level, step.action, amount, "", None,
                 f"{company_id}:{step.level}:{oldest[3]}"[:120])
            )  # fmt: skip
            event_links.extend((event_id, r[0]) for r in concerned)
            for r in concerned:
                r[13] = max(r[13], step.level)
            event_id += 1
            counts[step.action] += 1
            if step.action == DunningAction.CALL:
                note(
                    company_id,
                    when,
                    InteractionKind.SYSTEM,
                    _("Relance niveau %(level)s : appeler pour %(amount)s € échus")
                    % {"level": step.level, "amount": amount},
                    f"receivables.company:{company_id}",
                )
            elif step.action == DunningAction.HOLD:
                reason = _("%(amount)s € échus depuis le %(date)s") % {
                    "amount": amount,
                    "date": oldest[8].strftime("%d/%m/%Y"),
                }
                holds[company_id] = reason
                note(
                    company_id,
                    when,
                    InteractionKind.SYSTEM,
                    _("Commandes bloquées : %(reason)s") % {"reason": reason},
                    "",
                )

        rep = rep_of[company_id]
        if planned_on is not None:
            # Negotiated about 40 days ago: three monthly instalments, the first paid, the second
            # missed, the third to come.
            created_day = planned_on
            covered = [r for r in late_rows if r[8] < created_day]
            total = sum((r[9] - r[10] for r in covered), ZERO)
            if total <= 0:
                continue
            created = _at(created_day, 10, 15)
            first = created_day + dt.timedelta(days=5)
            dues = [first + dt.timedelta(days=30 * i) for i in range(3)]
            part = (total / 3).quantize(CENT, rounding=ROUND_HALF_UP)
            amounts = [part, part, total - 2 * part]
            number = f"ECH{created_day:%y}-{plan_id:05d}"
            plan_rows.append(
                (plan_id, created, created, number, company_id, total, PlanStatus.ACTIVE,
                 paid_before(company_id, created_day + dt.timedelta(days=1)), "", created + dt.timedelta(days=2), rep)
            )  # fmt: skip
            plan_links.extend((plan_id, r[0]) for r in covered)
            for position, (due, amount) in enumerate(zip(dues, amounts, strict=True), start=1):
                if due < today and position == 1:
                    status, missed = InstalmentStatus.PAID, None
                    left = amount  # paid by transfer, allocated to the oldest invoices
                    for r in covered:
                        part = min(left, r[9] - r[10])
                        if part <= 0:
                            continue
                        payment_rows.append(
                            (payment_id, _at(due, 18), _at(due, 18), f"REG-{payment_id:08d}", company_id, r[0],
                             due, part, "virement")
                        )  # fmt: skip
                        by_company_paid[company_id].append((due, part))
                        payment_id += 1
                        r[10] += part
                        left -= part
                elif due < today:
                    status, missed = InstalmentStatus.MISSED, _at(due + dt.timedelta(days=1), 6, 30)
                    note(
                        company_id,
                        missed,
                        InteractionKind.SYSTEM,
                        _("Échéance %(i)s de l'échéancier %(number)s impayée : %(amount)s € dus le %(date)s")
                        % {
                            "i": position,
                            "number": number,
                            "amount": amount,
                            "date": due.strftime("%d/%m/%Y"),
                        },
                        f"receivables.plan:{plan_id}",
                    )
                else:
                    status, missed = InstalmentStatus.PENDING, None
                instalment_rows.append(
                    (
                        instalment_id,
                        created,
                        missed or created,
                        plan_id,
                        position,
                        due,
                        amount,
                        status,
                        missed,
                    )
                )
                instalment_id += 1
            note(
                company_id,
                created,
                InteractionKind.CALL_OUT,
                _("Échéancier %(number)s : %(n)s échéances, %(total)s €")
                % {"number": number, "n": 3, "total": total},
                f"receivables.plan:{plan_id}",
                Outcome.INFORMATION,
            )
            plan_id += 1
            counts["plans"] += 1
            continue

        # Promises: pending for some, broken for others (said the day after their date).
        draw = rng.random()
        # The first late customer of another rep always gets one (broken): at `small` the draws alone
        # left some days without any broken promise to show.
        first_other = rep != demo_rep and not counts.get("broken_promises")
        if draw < 0.18 or (rep == demo_rep and draw < 0.6) or first_other:
            status = PromiseStatus.PENDING if draw < 0.09 or rep == demo_rep else PromiseStatus.BROKEN
            if rep != demo_rep and not counts.get("broken_promises"):
                status = PromiseStatus.BROKEN  # at least one, whatever the draws at `small`
            if status == PromiseStatus.BROKEN:
                counts["broken_promises"] = counts.get("broken_promises", 0) + 1
            promised = today + dt.timedelta(days=rng.randint(2, 15))
            if status == PromiseStatus.BROKEN:
                promised = today - dt.timedelta(days=rng.randint(2, 25))
            recorded = _at(promised - dt.timedelta(days=rng.randint(3, 10)), 11, 5)
            amount = (due_amount * Decimal(rng.choice(["0.5", "1", "1"]))).quantize(CENT)
            checked = _at(promised + dt.timedelta(days=1), 6, 30) if status == PromiseStatus.BROKEN else None
            promise_rows.append(
                (promise_id, recorded, checked or recorded, company_id, amount, promised, status,
                 paid_before(company_id, recorded.date()), "", checked, rep)
            )  # fmt: skip
            note(
                company_id,
                recorded,
                InteractionKind.CALL_OUT,
                _("Promesse de paiement : %(amount)s € le %(date)s")
                % {"amount": amount, "date": promised.strftime("%d/%m/%Y")},
                f"receivables.promise:{promise_id}",
                Outcome.INFORMATION,
            )
            if status == PromiseStatus.BROKEN:
                note(
                    company_id,
                    checked,
                    InteractionKind.SYSTEM,
                    _("Promesse non tenue : %(amount)s € attendus le %(date)s")
                    % {"amount": amount, "date": promised.strftime("%d/%m/%Y")},
                    f"receivables.promise:{promise_id}",
                )
            promise_id += 1
            counts[f"promise_{status}"] += 1

    # Kept promises: customers who paid late in the last month had promised it on the phone.
    due_of = {r[0]: r[8] for rows in invoices.values() for r in rows}
    kept = []
    for row in payment_rows:
        company_id, invoice_pk, paid_on, amount = row[4], row[5], row[6], row[7]
        if company_id in overdue_of or paid_on < today - dt.timedelta(days=30):
            continue
        if due_of.get(invoice_pk) and paid_on > due_of[invoice_pk] + dt.timedelta(days=3):
            kept.append((company_id, paid_on, amount))
    for company_id, paid_on, amount in rng.sample(kept, min(len(kept), max(3, len(late_ids) // 6))):
        recorded = _at(paid_on - dt.timedelta(days=rng.randint(2, 6)), 10, 40)
        checked = _at(paid_on, 18, 30)
        promise_rows.append(
            (promise_id, recorded, checked, company_id, amount, paid_on, PromiseStatus.KEPT,
             paid_before(company_id, recorded.date()), "", checked, rep_of[company_id])
        )  # fmt: skip
        note(
            company_id,
            recorded,
            InteractionKind.CALL_OUT,
            _("Promesse de paiement : %(amount)s € le %(date)s")
            % {"amount": amount, "date": paid_on.strftime("%d/%m/%Y")},
            f"receivables.promise:{promise_id}",
            Outcome.INFORMATION,
        )
        promise_id += 1
        counts["promise_kept"] += 1

    # The rows as the services would leave them: status from the payments.
    invoice_rows = []
    for rows in invoices.values():
        for row in rows:
            if row[10] >= row[9]:
                row[11] = InvoiceStatus.PAID
            invoice_rows.append(tuple(row))
    invoice_rows.sort()
    insert_rows(Invoice, INVOICE_FIELDS, invoice_rows)
    insert_rows(Payment, PAYMENT_FIELDS, payment_rows)
    insert_rows(DunningEvent, EVENT_FIELDS, event_rows)
    insert_rows(DunningEvent.invoices.through, ("dunningevent", "invoice"), event_links)
    insert_rows(PaymentPromise, PROMISE_FIELDS, promise_rows)
    insert_rows(PaymentPlan, PLAN_FIELDS, plan_rows)
    insert_rows(PaymentPlan.invoices.through, ("paymentplan", "invoice"), plan_links)
    insert_rows(Instalment, INSTALMENT_FIELDS, instalment_rows)
    insert_rows(Interaction, INTERACTION_FIELDS, interaction_rows)
    reset_sequences(
        Invoice,
        Payment,
        DunningEvent,
        DunningEvent.invoices.through,
        PaymentPromise,
        PaymentPlan,
        PaymentPlan.invoices.through,
        Instalment,
        Interaction,
    )
    for company_id, reason in holds.items():
        Company.objects.filter(pk=company_id).update(orders_on_hold=True, hold_reason=reason[:200])

    # Each customer's outstanding amount from its open invoices, through the customers' service; the
    # placeholder amounts the customers demo gave the others are reset in one query (at `large`,
    # 20,000 single updates took 15 s on PostgreSQL, half of them to write a zero).
    outstanding = defaultdict(lambda: ZERO)
    for row in invoice_rows:
        if row[11] == InvoiceStatus.OPEN:
            outstanding[row[4]] += row[9] - row[10]
    company_outstanding_set(amounts=dict(sorted(outstanding.items())))
    Company.objects.exclude(outstanding=ZERO).exclude(
        pk__in=Invoice.objects.filter(status=InvoiceStatus.OPEN).values("company_id")
    ).update(outstanding=ZERO)

    overdue_total = sum(
        (r[9] - r[10] for r in invoice_rows if r[11] == InvoiceStatus.OPEN and r[8] < today), ZERO
    )
    ctx.log(
        f"  receivables: {len(invoice_rows)} invoices, {len(payment_rows)} payments, {len(late_ids)} customers "
        f"late ({_fr(overdue_total)} € overdue), {len(event_rows)} dunning steps ({dict(counts)}), "
        f"{len(holds)} on hold, {len(promise_rows)} promises, {len(plan_rows)} plans"
    )
    accounting = next(
        (
            u
            for u in sorted(users.values(), key=lambda u: u.pk)
            if u.role == Role.BACK_OFFICE and u.service == BackOfficeService.ACCOUNTING
        ),
        None,
    )
    if accounting is not None and "logins" in ctx.shared:
        ctx.shared["logins"].append(
            f"  {accounting.username:12} - back office, accounting: invoice import and collection dashboard "
            f"({accounting.get_full_name()})"
        )
