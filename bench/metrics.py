"""The benchmark cases. Each capability adds its own: a name, what to run, its target."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.test import Client


@dataclass
class Case:
    run: Callable[[], object] | None = None
    target_p95_ms: float | None = None
    repeat: int | None = None
    custom: Callable[[], dict] | None = None  # for metrics that are not request latencies
    skip: str | None = None  # why the case cannot run here (printed, nothing recorded)


METRICS: dict[str, Callable[..., Case]] = {}


def metric(name: str):
    def register(factory: Callable[..., Case]) -> Callable[..., Case]:
        METRICS[name] = factory
        return factory

    return register


def vacuum() -> None:
    """Reclaim dead rows and refresh statistics (PostgreSQL; SQLite has nothing to do here)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
    return client


def get_ok(client: Client, url: str) -> Callable[[], object]:
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return run


@metric("login_page")
def login_page(size: str) -> Case:
    return Case(run=get_ok(client_for(None), "/connexion/"), target_p95_ms=50)


@metric("home_page")
def home_page(size: str) -> Case:
    return Case(run=get_ok(client_for("televendeur"), "/"), target_p95_ms=100)


@metric("home_page_supervisor")
def home_page_supervisor(size: str) -> Case:
    return Case(run=get_ok(client_for("superviseur"), "/"), target_p95_ms=100)


def _demo_rep_company(status: str = "customer"):
    from televente.customers.models import Company

    return (
        Company.objects.filter(rep__username="televendeur", status=status)
        .order_by("-last_contact_at")
        .values_list("pk", flat=True)
        .first()
    )


@metric("customer_file")
def customer_file(size: str) -> Case:
    return Case(run=get_ok(client_for("televendeur"), f"/clients/{_demo_rep_company()}/"), target_p95_ms=100)


@metric("portfolio_search")
def portfolio_search(size: str) -> Case:
    """A 3-letter prefix typed in the portfolio search: the htmx partial the page swaps in."""
    client = client_for("televendeur")
    prefixes = ["bou", "res", "pie", "lyo", "cha", "mar", "epi", "bra"]
    state = {"i": 0}

    def run():
        state["i"] += 1
        prefix = prefixes[state["i"] % len(prefixes)]
        response = client.get(
            "/clients/", {"q": prefix}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="portfolio-results"
        )
        assert response.status_code == 200
        return response

    return Case(run=run, target_p95_ms=50)


@metric("phone_lookup")
def phone_lookup(size: str) -> Case:
    """Telephony screen pop: GET /api/v1/companies?phone=... in a national format."""
    from televente.accounts.models import User
    from televente.accounts.services import api_token_create
    from televente.core.phones import format_national
    from televente.customers.models import Phone

    user = User.objects.get(username="televendeur")
    _token, raw = api_token_create(user=user, name="bench")
    phones = [
        format_national(p)
        for p in Phone.objects.filter(company__rep=user).values_list("e164", flat=True)[:50]
    ]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    state = {"i": 0}

    def run():
        state["i"] += 1
        response = client.get("/api/v1/companies", {"phone": phones[state["i"] % len(phones)]})
        assert response.status_code == 200 and response.json(), response.content
        return response

    return Case(run=run, target_p95_ms=20)


@metric("import_50000_rows")
def import_50000_rows(size: str) -> Case:
    """Dry run then all-or-nothing import of a 50,000-row CSV, timed as the two background steps."""

    def measure() -> dict:
        import time

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import transaction

        from televente.accounts.models import User
        from televente.customers import imports
        from televente.customers.models import Company, ImportJob

        user = User.objects.get(username="superviseur")
        rep = User.objects.get(username="televendeur")
        lines = ["Raison sociale;Enseigne;Code postal;Ville;Téléphone;Typologie;Nom du contact;E-mail"]
        for n in range(50_000):
            lines.append(
                f"SARL Bench {n};Bench Resto {n};75{n % 20 + 1:03d};Paris;01 4{n % 10} {n % 90 + 10:02d} "
                f"{(n // 90) % 90 + 10:02d} {n % 77 + 10:02d};restaurant;Martin {n};bench{n}@example.fr"
            )
        data = ("\n".join(lines) + "\n").encode()
        # Everything runs in a transaction rolled back at the end: the bench database stays as it was.
        with transaction.atomic():
            job = imports.import_job_create(
                by=user, upload=SimpleUploadedFile("bench.csv", data), default_rep=rep
            )
            imports.import_job_set_mapping(job=job, by=user, mapping=job.mapping)
            job = ImportJob.objects.get(pk=job.pk)
            started = time.perf_counter()
            imports.validate(job)
            validated = time.perf_counter() - started
            job.refresh_from_db()
            before = Company.objects.count()
            imports.import_job_confirm(job=job, by=user, mode="valid_only", skip_duplicates=False)
            job.refresh_from_db()
            started = time.perf_counter()
            imports.run(job)
            imported = time.perf_counter() - started
            created = Company.objects.count() - before
            transaction.set_rollback(True)
        vacuum()  # the rolled-back rows leave dead tuples that would slow the next metrics on PostgreSQL
        return {
            "rows": 50_000,
            "dry_run_seconds": round(validated, 1),
            "import_seconds": round(imported, 1),
            "created": created,
            "error_rows": job.error_rows,
        }

    return Case(custom=measure)


@metric("product_search")
def product_search(size: str) -> Case:
    """The catalogue's htmx results for a word, with prices for a customer (20 rows)."""
    client = client_for("televendeur")
    company_id = _demo_rep_company()
    words = ["creme", "beurre", "farine", "eau", "frites", "jambon", "tomates", "cafe"]
    state = {"i": 0}

    def run():
        state["i"] += 1
        response = client.get(
            "/catalogue/",
            {"q": words[state["i"] % len(words)], "client": company_id},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="catalog-results",
        )
        assert response.status_code == 200
        return response

    return Case(run=run, target_p95_ms=30)


@metric("price_order_50_lines")
def price_order_50_lines(size: str) -> Case:
    """Price resolution plus promotions for a 50-line order of one customer (service level)."""
    from televente.catalog.models import Product
    from televente.catalog.pricing import (
        best_line_discount,
        promotion_applies_to,
        promotions_for,
        resolve_prices,
    )
    from televente.catalog.selectors import next_delivery_date
    from televente.customers.models import Company

    company = Company.objects.select_related("segment").get(pk=_demo_rep_company())
    products = list(Product.objects.order_by("pk")[:50])
    on = next_delivery_date()

    def run():
        prices = resolve_prices(company=company, items=[(p, 12) for p in products], on=on)
        promos = [r.promotion for r in promotions_for(company=company, on=on)]
        for product in products:
            fitting = [p for p in promos if promotion_applies_to(p, product)]
            best_line_discount(fitting, prices[product.pk].unit_price, 12)
        return prices

    return Case(run=run, target_p95_ms=20)


@metric("availability_check")
def availability_check(size: str) -> Case:
    """'Can I deliver Q of P on date D?' for one line."""
    from televente.catalog.availability import availability
    from televente.catalog.models import Product
    from televente.catalog.selectors import next_delivery_date

    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True)[:200])
    on = next_delivery_date()
    state = {"i": 0}

    def run():
        state["i"] += 1
        return availability(product_id=ids[state["i"] % len(ids)], quantity=24, on=on)

    return Case(run=run, target_p95_ms=5)


@metric("product_search_50000_products")
def product_search_50000_products(size: str) -> Case:
    """The same search with the catalogue grown to 50,000 articles (added, then rolled back)."""

    def measure() -> dict:
        import statistics
        import time

        from django.db import connection, transaction

        from televente.catalog.models import Product, SalesUnit
        from televente.catalog.search import build_search_text

        client = client_for("televendeur")
        company_id = _demo_rep_company()
        words = ["creme", "beurre", "farine", "eau", "frites", "jambon", "tomates", "cafe"]
        with transaction.atomic():
            models = list(Product.objects.select_related("category"))
            target = 50_000
            clones, n = [], 0
            while len(models) + len(clones) < target:
                source = models[n % len(models)]
                n += 1
                clone = Product(
                    code=f"X{n:06d}",
                    name=f"{source.name} variante {n // len(models) + 1}",
                    brand=source.brand,
                    category_id=source.category_id,
                    status=source.status,
                    base_unit=source.base_unit,
                    vat_rate=source.vat_rate,
                    base_price=source.base_price,
                    allergens=source.allergens,
                )
                clone.search_text = build_search_text(clone, source.category.name)
                clones.append(clone)
            Product.objects.bulk_create(clones, batch_size=2000)
            SalesUnit.objects.bulk_create(
                [
                    SalesUnit(product=p, code="UVC", label=p.base_unit, base_quantity=1, is_default=True)
                    for p in clones
                ],
                batch_size=2000,
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            count = Product.objects.count()
            timings = []
            for i in range(220):
                started = time.perf_counter()
                response = client.get(
                    "/catalogue/",
                    {"q": words[i % len(words)], "client": company_id},
                    HTTP_HX_REQUEST="true",
                    HTTP_HX_TARGET="catalog-results",
                )
                assert response.status_code == 200
                if i >= 20:  # the first ones warm up
                    timings.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
        vacuum()
        timings.sort()
        return {
            "products": count,
            "search_p50_ms": round(statistics.median(timings), 2),
            "search_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        }

    return Case(custom=measure)


# Orders (issue 5) -----------------------------------------------------------------------------------------------------


def _rep_customers(limit: int = 10) -> list[int]:
    """The demo rep's customers with the most habits first (the heaviest habitual baskets)."""
    from django.db.models import Count

    from televente.customers.models import Company

    return list(
        Company.objects.filter(rep__username="televendeur", status="customer")
        .annotate(habit_count=Count("product_habits"))
        .order_by("-habit_count", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _bench_draft(company_id: int, lines: int):
    """The demo rep's open draft for this customer with at least `lines` lines, made once through
    the services and found again by the next runs (`order_start` returns the open draft)."""
    from televente.accounts.models import User
    from televente.catalog.models import Product
    from televente.customers.models import Company
    from televente.orders import services

    rep = User.objects.get(username="televendeur")
    order = services.order_start(company=Company.objects.get(pk=company_id), by=rep)
    missing = lines - order.lines_count
    if missing > 0:
        taken = set(order.lines.values_list("product_id", flat=True))
        products = list(
            Product.objects.filter(status="active", units__isnull=False)
            .exclude(pk__in=taken)
            .distinct()
            .order_by("pk")[:missing]
        )
        ctx = services.PricingContext.for_order(order)
        for product in products:
            services.order_line_add(order=order, product=product, by=rep, version=order.version, ctx=ctx)
        order.refresh_from_db()
    return order


@metric("order_screen_open")
def order_screen_open(size: str) -> Case:
    """The order screen of a draft (10 lines) for the rep's customer with the largest habitual basket."""
    order = _bench_draft(_rep_customers(1)[0], 10)
    return Case(run=get_ok(client_for("televendeur"), f"/commandes/{order.pk}/"), target_p95_ms=150)


def _line_update_case(company_id: int, lines: int, target: float) -> Case:
    """Changing one line's quantity (the htmx POST and its out-of-band answer) on a big draft."""
    order = _bench_draft(company_id, lines)
    client = client_for("televendeur")
    picked = list(order.lines.select_related("unit").order_by("position")[:: max(1, lines // 20)])
    state = {"i": 0, "version": order.version}

    def run():
        state["i"] += 1
        line = picked[state["i"] % len(picked)]
        step = line.unit.multiple
        low = max(line.unit.min_quantity, step)
        quantity = low + step * ((state["i"] // len(picked)) % 2)
        response = client.post(
            f"/commandes/{order.pk}/lignes/{line.pk}/",
            {"quantity": quantity, "version": state["version"]},
            HTTP_HX_REQUEST="true",
        )
        if response.status_code != 200:
            raise AssertionError(response.content[:300])
        state["version"] += 1
        return response

    return Case(run=run, target_p95_ms=target)


@metric("order_line_update_200")
def order_line_update_200(size: str) -> Case:
    return _line_update_case(_rep_customers(3)[1], 200, 50)


@metric("order_line_update_1000")
def order_line_update_1000(size: str) -> Case:
    return _line_update_case(_rep_customers(3)[2], 1000, 100)


@metric("order_confirm_50_lines")
def order_confirm_50_lines(size: str) -> Case:
    """Confirming a 50-line draft through the screen's POST: checks, stock reserved by conditional
    updates, number, timeline, the email and PDF queued. 120 copies of one draft are confirmed in a
    transaction rolled back at the end (the queued tasks are inserted, then rolled back too)."""

    def measure() -> dict:
        import statistics
        import time

        from django.db import transaction
        from django.db.models import F

        from televente.catalog.models import Stock
        from televente.customers.models import Company
        from televente.orders.models import Order, OrderEvent, OrderLine

        client = client_for("televendeur")
        with transaction.atomic():
            model = _bench_draft(_rep_customers(4)[3], 50)
            # Its credit limit would stop the copies; the credit rule is timed all the same.
            Company.objects.filter(pk=model.company_id).update(credit_limit=0)
            lines = list(OrderLine.objects.filter(order=model))
            Stock.objects.filter(product__in=[ln.product_id for ln in lines]).update(
                on_hand=F("on_hand") + 1_000_000
            )
            drafts = []
            for _ in range(120):
                copy = Order.objects.get(pk=model.pk)
                copy.pk = None
                copy.save(force_insert=True)
                for line in lines:
                    line.pk, line.order = None, copy
                OrderLine.objects.bulk_create(lines)
                OrderEvent.objects.create(order=copy, status="draft")
                drafts.append(copy)
            timings = []
            for i, draft in enumerate(drafts):
                started = time.perf_counter()
                response = client.post(f"/commandes/{draft.pk}/confirmer/", {"version": draft.version})
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 302 or "/recapitulatif/" in response.get("Location", ""):
                    raise AssertionError(
                        f"confirmation refused: {response.status_code} {response.get('Location')}"
                    )
                if i >= 20:
                    timings.append(elapsed)
            confirmed = Order.objects.filter(pk__in=[d.pk for d in drafts], status="confirmed").count()
            transaction.set_rollback(True)
        vacuum()
        timings.sort()
        return {
            "lines": len(lines),
            "confirmed": confirmed,
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "target_p95_ms": 300,
        }

    return Case(custom=measure)


@metric("order_list")
def order_list(size: str) -> Case:
    """The rep's « Commandes » page: drafts, late orders, the last changed orders (page 1 of 50)."""
    return Case(run=get_ok(client_for("televendeur"), "/commandes/"), target_p95_ms=100)


def _next_weekday():
    import datetime as dt

    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@metric("plan_generate")
def plan_generate(size: str) -> Case:
    """Every team's plan for the next working day (50 reps and 20,100 companies at `large`): the
    candidates read, the per-rep CP-SAT solves, the plan stored; then checked by the independent
    validator read back from the database. In a transaction rolled back at the end."""

    def measure() -> dict:
        import datetime as dt
        import time

        from django.db import transaction

        from televente.accounts.models import Team
        from televente.calls.checks import plan_violations
        from televente.calls.models import CallPlan, PlanSettings
        from televente.calls.services import plan_build

        day = _next_weekday()
        totals = {
            "planned_calls": 0,
            "unplanned_calls": 0,
            "candidates": 0,
            "objective": 0,
            "bound": 0,
            "reps": 0,
        }
        violations: list[str] = []
        solver_ok = True
        with transaction.atomic():
            # The journey's day (shared/JOURNEYS.md): 8:00-18:00, lunch, a half-hour kept free at 10:30.
            PlanSettings.objects.update(
                day_start=dt.time(8), day_end=dt.time(18), breaks=[["12:30", "13:30"]], slack_periods=[["10:30", "11:00"]]
            )  # fmt: skip
            started = time.perf_counter()
            plans = []
            for team in Team.objects.order_by("pk"):
                CallPlan.objects.filter(team=team, date=day).delete()
                plan = CallPlan.objects.create(team=team, date=day)
                stats = plan_build(plan=plan, by=team.supervisor)
                plans.append(plan)
                solver_ok &= stats["hard_constraints_ok"]
                for key in totals:
                    totals[key] += stats[key]
            seconds = time.perf_counter() - started
            for plan in plans:
                violations += plan_violations(plan)
            transaction.set_rollback(True)
        vacuum()
        bound = totals["bound"]
        return {
            "seconds": round(seconds, 2),
            "reps": totals["reps"],
            "candidates": totals["candidates"],
            "planned_calls": totals["planned_calls"],
            "planned_per_rep": round(totals["planned_calls"] / max(1, totals["reps"]), 1),
            "unplanned_calls": totals["unplanned_calls"],
            "hard_constraints_ok": solver_ok and not violations,
            "violations": violations[:5],
            "gap_to_bound_pct": round(100 * (bound - totals["objective"]) / bound, 2) if bound else 0.0,
            "target_seconds": 30,
        }

    return Case(custom=measure)


def _todays_plan() -> None:
    """The demo team's published plan for today (the bench database may be older than today)."""
    from django.utils import timezone

    from televente.accounts.models import User
    from televente.calls.choices import PlanStatus
    from televente.calls.models import CallPlan
    from televente.calls.services import plan_build

    rep = User.objects.get(username="televendeur")
    plan, _ = CallPlan.objects.get_or_create(team=rep.team, date=timezone.localdate())
    if plan.status != PlanStatus.PUBLISHED:
        plan_build(plan=plan, by=rep.team.supervisor)
        CallPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.PUBLISHED)


@metric("cockpit_next_call")
def cockpit_next_call(size: str) -> Case:
    """The rep's cockpit: the next call of today's plan with its customer file, habits, habitual
    basket, incidents, promotions and last orders."""
    _todays_plan()
    return Case(run=get_ok(client_for("televendeur"), "/appels/"), target_p95_ms=150)


@metric("plan_board")
def plan_board(size: str) -> Case:
    """The supervisor's view of today's plan: the day's progress per rep, calls per rep, the unplanned."""
    from django.utils import timezone

    from televente.calls.models import CallPlan

    _todays_plan()
    plan = CallPlan.objects.get(team__supervisor__username="superviseur", date=timezone.localdate())
    return Case(run=get_ok(client_for("superviseur"), f"/appels/plans/{plan.pk}/"), target_p95_ms=300)


@metric("incoming_signal")
def incoming_signal(size: str) -> Case:
    """The poll every rep's page makes every 3 s for an incoming call (nothing ringing)."""
    client = client_for("televendeur")

    def run():
        response = client.get("/appels/entrant/signal/")
        if response.status_code != 204:  # nothing rings: nothing to swap
            raise AssertionError(f"the incoming-call poll answered {response.status_code}")
        return response

    return Case(run=run, target_p95_ms=20)


# Claims (issue 7) -----------------------------------------------------------------------------------------------------


@metric("claim_page")
def claim_page(size: str) -> Case:
    """The claim page as the supervisor of the claim's team: the claim, its lines, events and
    settlements, the action forms, and the merit panel (the order with its lines and events, its
    delivery incidents, the customer's previous claims, the last orders of the claimed products, the
    12-month figures). 40 of the demo team's claims with order lines, open and closed, in turn."""
    from televente.claims.models import Claim

    pks = list(
        Claim.objects.filter(
            team__supervisor__username="superviseur", order__isnull=False, lines__isnull=False
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pks:
        raise AssertionError("no demo claim with order lines: run seed_demo with the claims demo")
    sample = pks[:: max(1, len(pks) // 40)][:40]
    client = client_for("superviseur")
    state = {"i": 0}

    def run():
        state["i"] += 1
        url = f"/reclamations/{sample[state['i'] % len(sample)]}/"
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return Case(run=run, target_p95_ms=100)


# Messages, automation and collection (issue 8) ------------------------------------------------------------------------


@metric("collection_dashboard")
def collection_dashboard(size: str) -> Case:
    """The supervisor's collection dashboard: overdue by age bucket, promises, amounts recovered,
    plans, missed instalments, customers on hold and the customers to call, for their teams."""
    return Case(run=get_ok(client_for("superviseur"), "/recouvrement/"), target_p95_ms=300)


@metric("collection_panel")
def collection_panel(size: str) -> Case:
    """The « Impayés » card of an overdue customer of the demo rep (loaded by the customer file)."""
    from django.utils import timezone

    from televente.receivables.models import Invoice

    company_id = (
        Invoice.objects.filter(
            company__rep__username="televendeur", status="open", due_on__lt=timezone.localdate()
        )
        .values_list("company_id", flat=True)
        .first()
    )
    if company_id is None:
        raise AssertionError("no overdue customer for the demo rep: run seed_demo with the receivables demo")
    return Case(
        run=get_ok(client_for("televendeur"), f"/recouvrement/clients/{company_id}/carte/"), target_p95_ms=100
    )


@metric("collection_daily")
def collection_daily(size: str) -> Case:
    """The morning job on the whole dataset: promises and instalments whose date has passed, then the
    dunning ladder for every overdue customer (emails queued in the outbox, callbacks, letters,
    holds). In a transaction rolled back at the end."""

    def measure() -> dict:
        import time

        from django.db import transaction

        from televente.messaging.models import Message
        from televente.receivables.services import collection_daily as run_daily

        with transaction.atomic():
            before = Message.objects.count()
            started = time.perf_counter()
            result = run_daily()
            seconds = time.perf_counter() - started
            queued = Message.objects.count() - before
            transaction.set_rollback(True)
        vacuum()
        return {
            "seconds": round(seconds, 2),
            "dunning_steps": dict(result["dunning"]),
            "messages_queued": queued,
            "instalments": result["instalments"],
            "promises": result["promises"],
            "target_seconds": 120,
        }

    return Case(custom=measure)


@metric("automation_scan")
def automation_scan(size: str) -> Case:
    """One hourly scan with four periodic rules switched on over the whole dataset (customers late by
    7 days -> callback, inactive for 60 days -> callback, invoices overdue by 30 days -> notify the
    rep, orders late by 2 days -> notify the rep), at most 1,000 firings per rule. In a transaction
    rolled back at the end."""

    def measure() -> dict:
        import time

        from django.contrib.auth import get_user_model
        from django.db import transaction

        from televente.automation.models import AutomationRule
        from televente.automation.services import rules_scan

        admin = get_user_model().objects.filter(role="admin").first()
        rules = [
            ("customer_late", 7, "call_task", {}),
            ("account_inactive", 60, "call_task", {}),
            ("invoice_overdue", 30, "notify", {"notify_to": "rep"}),
            ("order_late", 2, "notify", {"notify_to": "rep"}),
        ]
        with transaction.atomic():
            for trigger, days, action, extra in rules:
                AutomationRule.objects.create(
                    name=f"bench {trigger}", trigger=trigger, days=days, action=action, is_active=True,
                    action_note="bench", created_by=admin, updated_by=admin, **extra,
                )  # fmt: skip
            started = time.perf_counter()
            counts = rules_scan()
            seconds = time.perf_counter() - started
            again = time.perf_counter()
            second = rules_scan()
            second_seconds = time.perf_counter() - again
            transaction.set_rollback(True)
        vacuum()
        return {
            "seconds": round(seconds, 2),
            "fired": counts["fired"],
            "failed": counts["failed"],
            "postponed": counts["postponed"],
            "second_scan_seconds": round(second_seconds, 2),
            "second_scan_fired": second["fired"],
            "target_seconds": 60,
        }

    return Case(custom=measure)


# Objectives and dashboards (issue 9) ----------------------------------------------------------------------------------


@metric("team_dashboard")
def team_dashboard(size: str) -> Case:
    """The supervisor's team dashboard for the current month (20 reps at `large`): each rep's figures
    against objectives from the daily rows, today's figures computed live, the team's daily trend."""
    return Case(run=get_ok(client_for("superviseur"), "/performance/equipe/"), target_p95_ms=300)


@metric("my_performance")
def my_performance(size: str) -> Case:
    """The rep's own performance for the current month: today live, the month against objectives,
    the team's rates beside."""
    return Case(run=get_ok(client_for("televendeur"), "/performance/"), target_p95_ms=150)


@metric("reporting_refresh_day")
def reporting_refresh_day(size: str) -> Case:
    """`stats.refresh_days` for yesterday (the last working day when yesterday is a weekend), every
    team: the rep-days recomputed from the plans, calls, orders, lines and lost sales of the day and
    stored (the periodic job's unit of work; idempotent, so it is simply run again). Also timed on
    the busiest day of the last two weeks (the demo's last days have few orders: its customers made
    late have stopped ordering)."""

    def measure() -> dict:
        import datetime as dt
        import time

        from django.db.models import Sum
        from django.utils import timezone

        from televente.reporting import stats
        from televente.reporting.models import RepDay

        def timed(day: dt.date) -> tuple[int, float]:
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                rows = stats.refresh_days(day_from=day, day_to=day)
                runs.append(time.perf_counter() - started)
            return rows, round(min(runs), 3)

        yesterday = timezone.localdate() - dt.timedelta(days=1)
        while yesterday.weekday() >= 5:
            yesterday -= dt.timedelta(days=1)
        busiest = (
            RepDay.objects.filter(date__gte=yesterday - dt.timedelta(days=14), date__lte=yesterday)
            .values("date")
            .annotate(n=Sum("orders"))
            .order_by("-n", "-date")
            .values_list("date", flat=True)
            .first()
        ) or yesterday
        rows, seconds = timed(yesterday)
        busy_rows, busy_seconds = timed(busiest)
        return {"day": yesterday.isoformat(), "rows": rows, "seconds": seconds,
                "busiest_day": busiest.isoformat(), "busiest_rows": busy_rows, "busiest_seconds": busy_seconds}  # fmt: skip

    return Case(custom=measure)


# Issue 10: campaigns, scripts, knowledge, competitors ------------------------------------------------


@metric("knowledge_search")
def knowledge_search(size: str) -> Case:
    """The rep presses k in the cockpit and types: ranked articles with their snippet (SQLite FTS5 or
    PostgreSQL full-text on folded words) and the catalogue's matching products with their sheet."""
    return Case(run=get_ok(client_for("televendeur"), "/savoir/recherche/?q=farine"), target_p95_ms=150)


@metric("cockpit_call_cards")
def cockpit_call_cards(size: str) -> Case:
    """The four cards the cockpit loads beside a call (campaign, script, knowledge and documents,
    competitors), each one request, for the next call of today's plan."""
    from django.utils import timezone

    from televente.calls.models import CallTask

    _todays_plan()
    task = (
        CallTask.objects.filter(rep__username="televendeur", plan__date=timezone.localdate())
        .order_by("planned_start")
        .first()
    )
    client = client_for("televendeur")
    urls = [
        f"/campagnes/client/{task.company_id}/?appel={task.pk}",
        f"/scripts/panneau/{task.company_id}/?appel={task.pk}",
        f"/savoir/client/{task.company_id}/?appel={task.pk}",
        f"/veille/client/{task.company_id}/?appel={task.pk}",
    ]
    runs = [get_ok(client, url) for url in urls]

    def run():
        for one in runs:
            one()

    return Case(run=run, target_p95_ms=250)


@metric("campaign_preview")
def campaign_preview(size: str) -> Case:
    """The builder's live preview of a target: the team's inactive accounts, counted, with the
    exclusions (phone refused, no number) and the split by rep."""
    return Case(
        run=get_ok(client_for("superviseur"), "/campagnes/apercu/?status=inactive&channel=phone"),
        target_p95_ms=300,
    )


@metric("campaign_results")
def campaign_results(size: str) -> Case:
    """A campaign's results: targets, calls, reach, attributed orders and revenue, offer uptake, by rep."""
    from televente.campaigns.models import Campaign

    campaign = (
        Campaign.objects.filter(status="closed").order_by("-ends_on").first() or Campaign.objects.first()
    )
    return Case(run=get_ok(client_for("superviseur"), f"/campagnes/{campaign.pk}/"), target_p95_ms=300)


@metric("competitor_report")
def competitor_report(size: str) -> Case:
    """The competitor report of the last 90 days: by competitor, by product against our price, by zone."""
    return Case(run=get_ok(client_for("superviseur"), "/veille/concurrence/"), target_p95_ms=300)


def _demo_evaluation():
    from televente.quality.models import Evaluation

    return Evaluation.objects.official().filter(rep__username="televendeur").order_by("-evaluated_on").first()


@metric("quality_evaluation")
def quality_evaluation(size: str) -> Case:
    """An evaluation of a demo rep's call as its supervisor: answers by section, the call with its
    recording and what the call produced (order, promotions, substitutes, claim, campaign)."""
    evaluation = _demo_evaluation()
    return Case(
        run=get_ok(client_for("superviseur"), f"/qualite/evaluations/{evaluation.pk}/"), target_p95_ms=150
    )


@metric("quality_calls_to_evaluate")
def quality_calls_to_evaluate(size: str) -> Case:
    """The supervisor's calls to evaluate (last 30 days of the teams' calls, recording, already evaluated)."""
    return Case(run=get_ok(client_for("superviseur"), "/qualite/appels/"), target_p95_ms=300)


@metric("quality_profile")
def quality_profile(size: str) -> Case:
    """The demo rep's competency profile as the supervisor: trend per competency over 6 months, points to
    work on, self-assessment gaps, latest evaluations, training actions."""
    from televente.accounts.models import User

    rep = User.objects.get(username="televendeur")
    return Case(run=get_ok(client_for("superviseur"), f"/qualite/profil/{rep.pk}/"), target_p95_ms=300)


@metric("quality_team")
def quality_team(size: str) -> Case:
    """The supervisor's team of reps: evaluations over 90 days, scores, critical failures, certification."""
    return Case(run=get_ok(client_for("superviseur"), "/qualite/equipe/"), target_p95_ms=300)


# Recommendations (issue 12) -------------------------------------------------------------------------------------------

# The shared real data sets, next to the repository (never copied into it).
SHARED_DATA = Path(
    os.environ.get("SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data")
)


def _recommend_eval(data_set: str, orders: Path, split: str, *options: str) -> Case:
    """`manage.py recommend_eval` on a real data set: its JSON (recall, precision and NDCG@10 of the
    method and of the two baselines, complement hits, substitutes' share, training and query time,
    counts) recorded as it is, with the data set and the split."""
    if not orders.exists():
        return Case(skip=f"{orders} is absent (no ../shared/data on this machine)")

    def measure() -> dict:
        import io
        import json

        from django.core.management import call_command

        out = io.StringIO()
        call_command(
            "recommend_eval",
            "--orders",
            str(orders),
            "--split",
            split,
            *options,
            stdout=out,
            stderr=io.StringIO(),
        )
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        return {"data_set": data_set, "split": split, **result}

    return Case(custom=measure)


@metric("recommend_eval_uci")
def recommend_eval_uci(size: str) -> Case:
    """Online Retail II (UCI, 2009-2010 invoice lines of a UK wholesaler), trained before 2010-10-01."""
    return _recommend_eval(
        "uci-online-retail",
        SHARED_DATA / "uci-online-retail" / "online_retail_ii_2009_2010.parquet",
        "2010-10-01",
    )


@metric("recommend_eval_cj")
def recommend_eval_cj(size: str) -> Case:
    """The Complete Journey (84.51°, a year of grocery baskets with a product hierarchy), trained
    before 2017-10-21; measures the substitutes too."""
    return _recommend_eval(
        "completejourney", SHARED_DATA / "completejourney", "2017-10-21", "--format", "completejourney"
    )


@metric("recommend_train")
def recommend_train(size: str) -> Case:
    """The nightly training on the bench database (what the on-demand button runs): history read,
    the three models fitted, the score tables replaced."""

    def measure() -> dict:
        from televente.recommend import training

        run = training.train(trigger="on_demand")
        vacuum()  # the replaced score tables leave dead rows behind on PostgreSQL
        return {
            "seconds": round(run.seconds, 1),
            "lines": run.lines,
            "orders": run.orders,
            "customers": run.customers,
            "products": run.products,
            "basket_rows": run.basket_rows,
            "complement_rows": run.complement_rows,
            "substitute_rows": run.substitute_rows,
        }

    return Case(custom=measure)


@metric("recommend_order_panel")
def recommend_order_panel(size: str) -> Case:
    """The suggestion calls of the order screen on a 10-line draft, served from the trained tables:
    habitual basket (40), complements of the basket (8), substitutes of one of its articles."""
    from televente.recommend.models import BasketScore

    if not BasketScore.objects.exists():
        from televente.recommend import training

        training.train(trigger="on_demand")  # once: the bench database has no model yet
    from televente.recommend.selectors import trained_suggestions as provider

    order = _bench_draft(_rep_customers(1)[0], 10)
    in_order = set(order.lines.values_list("product_id", flat=True))
    products = sorted(in_order)
    state = {"i": 0}

    def run():
        state["i"] += 1
        habits = provider.habitual(order, in_order, 40)
        complements = provider.complements(order, in_order, {h.product_id for h in habits}, 8)
        substitutes = provider.substitutes(products[state["i"] % len(products)])
        return habits, complements, substitutes

    return Case(run=run, target_p95_ms=50)
