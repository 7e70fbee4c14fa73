"""Demo customers: a French food wholesaler's portfolio, with habits, call windows and a history.

Built with bulk inserts (20,000 companies at `large` in well under a minute); the rules the
services enforce (search text, team from rep, valid SIRET and phones) are applied here too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from televente.core.demo import DemoContext
from televente.core.phones import to_e164
from televente.core.text import fold

from .choices import (
    BuyingMotive,
    CallFrequency,
    CompanyStatus,
    Engagement,
    InteractionKind,
    NextStepAction,
    Outcome,
    PaymentTerms,
    PhoneLabel,
)
from .models import CallWindow, Company, CompanyHabits, Contact, Interaction, Phone, Segment, Zone
from .reference import ensure_reference_data
from .search import COMPANY_INDEX, build_search_text
from .services import habits_assign_abc

# (postcode, city, zone code): real French places for believable addresses.
PLACES = [
    ("75001", "Paris", "idf-nord"),
    ("75011", "Paris", "idf-nord"),
    ("75018", "Paris", "idf-nord"),
    ("93200", "Saint-Denis", "idf-nord"),
    ("95100", "Argenteuil", "idf-nord"),
    ("92100", "Boulogne-Billancourt", "idf-sud"),
    ("94000", "Créteil", "idf-sud"),
    ("91000", "Évry-Courcouronnes", "idf-sud"),
    ("78000", "Versailles", "idf-sud"),
    ("69001", "Lyon", "rhone-alpes"),
    ("69100", "Villeurbanne", "rhone-alpes"),
    ("38000", "Grenoble", "rhone-alpes"),
    ("42000", "Saint-Étienne", "rhone-alpes"),
    ("73000", "Chambéry", "rhone-alpes"),
    ("59000", "Lille", "hauts-de-france"),
    ("59100", "Roubaix", "hauts-de-france"),
    ("62000", "Arras", "hauts-de-france"),
    ("80000", "Amiens", "hauts-de-france"),
    ("33000", "Bordeaux", "nouvelle-aquitaine"),
    ("64100", "Bayonne", "nouvelle-aquitaine"),
    ("87000", "Limoges", "nouvelle-aquitaine"),
    ("13001", "Marseille", "paca"),
    ("06000", "Nice", "paca"),
    ("83000", "Toulon", "paca"),
    ("84000", "Avignon", "paca"),
]
NAME_PATTERNS = {
    "restaurant": ["Restaurant {n}", "Le Bistrot de {f}", "La Table de {f}", "L'Auberge {n}", "Chez {f}"],
    "brasserie": ["Brasserie du {p}", "Le Café de la {q}", "Brasserie {n}", "Le Bar des Sports"],
    "restauration-rapide": ["Snack {n}", "Burger & Co {n}", "Pizza {f}", "Le Kiosque {n}"],
    "restauration-collective": [
        "Cantine scolaire de {c}",
        "Restaurant d'entreprise {n}",
        "EHPAD Les Tilleuls {c}",
        "Collège {n}",
    ],
    "hotel": ["Hôtel {n}", "Hôtel du {p}", "Le Relais {n}"],
    "traiteur": ["Traiteur {n}", "Les Saveurs de {f}", "Réceptions {n}"],
    "boulangerie": ["Boulangerie {n}", "Au Fournil de {f}", "La Mie {n}", "Pâtisserie {n}"],
    "epicerie": ["Épicerie {n}", "Épicerie fine {f}", "Proxi {c}", "Le Comptoir {n}"],
    "boucherie": ["Boucherie {n}", "Charcuterie {n}", "Maison {n}"],
    "primeur": ["Primeur {n}", "Les Halles de {f}", "Au Panier de {f}"],
}
PLACES_NAMES = ["Port", "Marché", "Centre", "Commerce", "Théâtre", "Pont"]
SQUARES = ["Gare", "Mairie", "Place", "Poste", "Halle"]
JOBS = [
    "Gérant",
    "Chef de cuisine",
    "Responsable achats",
    "Directeur",
    "Second de cuisine",
    "Boulanger",
    "Économe",
]
PRODUCTS = [
    "Crème fraîche 35 % 1 L",
    "Beurre doux 250 g",
    "Farine T55 25 kg",
    "Huile de tournesol 5 L",
    "Lait entier 1 L",
    "Œufs frais x30",
    "Mozzarella 1 kg",
    "Jambon cuit 5 kg",
    "Frites surgelées 2,5 kg",
    "Eau minérale 1,5 L x6",
    "Tomates pelées 4/4",
    "Sucre en poudre 5 kg",
    "Emmental râpé 1 kg",
    "Saumon fumé 1 kg",
    "Café grains 1 kg",
]
COMPETITORS = [
    "Metro",
    "Promocash",
    "Transgourmet",
    "Sysco France",
    "Pomona",
    "Episaveurs",
    "Davigel",
    "France Boissons",
]
NOTES = [
    "Préfère être appelé après le service de midi.",
    "Demande toujours le prix avant de commander.",
    "Très attentif aux DLC.",
    "Souhaite recevoir le catalogue des nouveautés.",
    "Compare avec les prix de Metro.",
    "Commande plus en saison (terrasse).",
    "Livraison par l'arrière-cour, sonner à l'interphone.",
]


def _siret(rng) -> str:
    siren = "".join(str(rng.randint(0, 9)) for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    nic = "".join(str(rng.randint(0, 9)) for _ in range(4))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _phone(rng, mobile: bool = False) -> str:
    while True:
        if mobile:
            raw = f"+33{rng.choice('67')}{rng.randint(10000000, 99999999)}"
        else:
            raw = f"+33{rng.choice('12345')}{rng.randint(10000000, 99999999)}"
        e164 = to_e164(raw)
        if e164:
            return e164


def seed(ctx: DemoContext) -> None:
    rng, fake = ctx.rng, ctx.faker
    count = ctx.pick(small=300, medium=3000, large=20000)
    reps = ctx.shared["reps"]
    ensure_reference_data(Segment, Zone)  # `seed_demo --flush` empties the data migrations' rows too
    segments = {s.code: s for s in Segment.objects.all()}
    zones = {z.code: z for z in Zone.objects.all()}
    now = timezone.now()
    today = ctx.today

    companies: list[Company] = []
    for index in range(count):
        code = rng.choices(list(NAME_PATTERNS), weights=[18, 12, 8, 8, 6, 6, 16, 12, 8, 6])[0]
        pattern = rng.choice(NAME_PATTERNS[code])
        postcode, city, zone = rng.choice(PLACES)
        last = fake.last_name()
        trade_name = pattern.format(
            n=last, f=fake.first_name(), p=rng.choice(PLACES_NAMES), q=rng.choice(SQUARES), c=city
        )
        legal_form = rng.choice(["SARL", "SAS", "EURL", "SASU"])
        status = rng.choices(
            [
                CompanyStatus.CUSTOMER,
                CompanyStatus.PROSPECT,
                CompanyStatus.SUSPECT,
                CompanyStatus.INACTIVE,
                CompanyStatus.LOST,
            ],
            weights=[70, 15, 5, 7, 3],
        )[0]
        rep = reps[index % len(reps)]
        is_customer = status in (CompanyStatus.CUSTOMER, CompanyStatus.INACTIVE)
        company = Company(
            legal_name=f"{legal_form} {last.upper()} {rng.choice(['RESTAURATION', 'ET FILS', 'DISTRIBUTION', 'GOURMAND', 'ET CIE'])}",
            trade_name=trade_name,
            siret=_siret(rng),
            address_line1=fake.street_address(),
            postcode=postcode,
            city=city,
            zone=zones.get(zone),
            segment=segments.get(code),
            seats=rng.choice([None, 20, 30, 40, 60, 80, 120])
            if code in ("restaurant", "brasserie", "hotel")
            else None,
            status=status,
            status_changed_at=now - dt.timedelta(days=rng.randint(10, 900)),
            engagement=(
                Engagement.LOYAL
                if is_customer
                else rng.choice(
                    [
                        Engagement.NOT_CONTACTED,
                        Engagement.CONTACTED,
                        Engagement.INTERESTED,
                        Engagement.OFFER_SENT,
                    ]
                )
            ),
            buying_motives=sorted(rng.sample(list(BuyingMotive.values), rng.randint(0, 2))),
            potential=Decimal(rng.choice([6000, 12000, 24000, 48000, 90000])),
            competitor=rng.choice(COMPETITORS) if rng.random() < 0.5 else "",
            rep=rep,
            team_id=rep.team_id,
            field_rep_id=rep.paired_field_rep_id,
            payment_terms=rng.choice(list(PaymentTerms.values)),
            credit_limit=Decimal(rng.choice([1500, 3000, 5000, 8000, 15000])) if is_customer else Decimal(0),
            outstanding=Decimal(rng.randint(0, 4000)) if is_customer else Decimal(0),
            delivery_weekdays=sorted(rng.sample(range(0, 5), rng.randint(1, 3))),
            call_frequency=rng.choices(
                [CallFrequency.WEEKLY, CallFrequency.EVERY_N_WEEKS, CallFrequency.MONTHLY],
                weights=[70, 20, 10],
            )[0],
            call_every_n_weeks=rng.choice([2, 3]) if rng.random() < 0.2 else 1,
            notes=rng.choice(NOTES) if rng.random() < 0.3 else "",
        )
        company.sort_name = fold(company.display_name)[:160]
        company.siren = company.siret[:9]
        companies.append(company)

    # A few deliberate duplicates for the duplicates screen: same SIRET, or same name in the same town.
    for original in companies[: max(3, count // 200)]:
        twin = Company(
            **{
                f.attname: getattr(original, f.attname)
                for f in Company._meta.concrete_fields
                if f.attname != "id"
            }
        )
        twin.trade_name = original.trade_name.upper() if rng.random() < 0.5 else original.trade_name + " "
        twin.status = CompanyStatus.PROSPECT
        twin.notes = "Fiche créée en double lors d'un import."
        companies.append(twin)

    Company.objects.bulk_create(companies, batch_size=1000)
    ctx.log(f"  customers: {len(companies)} companies")

    contacts, phones, windows, habits, interactions = [], [], [], [], []
    company_phones: dict[int, list[Phone]] = {}
    for company in companies:
        e164 = _phone(rng)
        phones.append(Phone(company=company, label=PhoneLabel.SWITCHBOARD, e164=e164))
        for n in range(rng.choice([1, 1, 2])):
            first, last = fake.first_name(), fake.last_name()
            contacts.append(
                Contact(
                    company=company,
                    first_name=first,
                    last_name=last,
                    job_title=rng.choice(JOBS),
                    is_decision_maker=n == 0,
                    is_order_contact=True,
                    email=f"{fold(first).replace(' ', '')}.{fold(last).replace(' ', '')}@example.fr",
                    best_time=rng.choice(["", "", "avant 11 h", "après 15 h"]),
                    opt_out_email=rng.random() < 0.05,
                )
            )
        for weekday in sorted(rng.sample(range(0, 5), rng.choice([1, 1, 2]))):
            start_h = rng.choice([8, 9, 10, 14, 15, 16])
            start_m = rng.choice([0, 30])
            length = rng.choice([30, 60, 90])
            start = dt.time(start_h, start_m)
            end_minutes = start_h * 60 + start_m + length
            windows.append(
                CallWindow(
                    company=company,
                    weekday=weekday,
                    start=start,
                    end=dt.time(end_minutes // 60, end_minutes % 60),
                )
            )
        if company.status in (CompanyStatus.CUSTOMER, CompanyStatus.INACTIVE, CompanyStatus.LOST):
            habits.append(_habits(company, rng, today))
    Contact.objects.bulk_create(contacts, batch_size=2000)
    for contact in contacts:
        if rng.random() < 0.5:
            phones.append(
                Phone(
                    company=contact.company,
                    contact=contact,
                    label=PhoneLabel.MOBILE,
                    e164=_phone(rng, mobile=True),
                )
            )
    Phone.objects.bulk_create(phones, batch_size=2000)
    CallWindow.objects.bulk_create(windows, batch_size=2000)
    CompanyHabits.objects.bulk_create(habits, batch_size=2000)
    counts = habits_assign_abc()
    ctx.log(f"  customers: {len(contacts)} contacts, {len(phones)} phones, ABC {counts}")

    for phone in phones:
        company_phones.setdefault(phone.company_id, []).append(phone)
    contacts_by_company: dict[int, list[Contact]] = {}
    for contact in contacts:
        contacts_by_company.setdefault(contact.company_id, []).append(contact)

    # The timeline: a few past contacts per company, the demo rep's portfolio a little richer.
    for company in companies:
        people = contacts_by_company.get(company.pk, [])
        if company.status == CompanyStatus.PROSPECT and rng.random() < 0.4:
            continue  # never contacted
        entries = rng.randint(1, 3) if company.rep.username != "televendeur" else rng.randint(3, 8)
        for k in range(entries):
            at = now - dt.timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 600))
            outcome = rng.choice(
                [
                    Outcome.REACHED_ORDER,
                    Outcome.REACHED_ORDER,
                    Outcome.REACHED_NO_ORDER,
                    Outcome.NOT_REACHED,
                    Outcome.INFORMATION,
                ]
            )
            interactions.append(
                Interaction(
                    company=company,
                    contact=people[0] if people else None,
                    kind=InteractionKind.CALL_OUT,
                    occurred_at=at,
                    author=company.rep,
                    outcome=outcome,
                    notes=rng.choice(NOTES) if rng.random() < 0.3 else "",
                    duration_seconds=rng.randint(60, 540) if outcome != Outcome.NOT_REACHED else None,
                    next_action=NextStepAction.CALLBACK if k == 0 and rng.random() < 0.15 else "",
                    next_action_at=at + dt.timedelta(days=7) if k == 0 else None,
                    next_action_owner=company.rep if k == 0 else None,
                    # A callback promised in the past was made: only future ones stay open.
                    next_action_done_at=at + dt.timedelta(days=7)
                    if k == 0 and at + dt.timedelta(days=7) < now
                    else None,
                )
            )
    Interaction.objects.bulk_create(interactions, batch_size=2000)
    _set_last_contact_and_search(companies, contacts_by_company, company_phones)

    # Old prospects for the CNIL purge review: created four years ago, last contact three and a half.
    old = [c.pk for c in companies if c.status == CompanyStatus.PROSPECT][:5]
    four_years = now - dt.timedelta(days=4 * 365)
    Company.objects.filter(pk__in=old).update(
        created_at=four_years, last_contact_at=now - dt.timedelta(days=1300)
    )
    Interaction.objects.filter(company_id__in=old).delete()
    ctx.shared["companies_count"] = len(companies)
    ctx.log(f"  customers: {len(interactions)} timeline entries")


def _habits(company: Company, rng, today: dt.date) -> CompanyHabits:
    cycle = rng.choice([7, 7, 7, 14, 14, 30])
    basket = Decimal(rng.randint(120, 1400))
    orders = max(1, round(365 / cycle * rng.uniform(0.6, 1.0)))
    lateness = (
        rng.choice([0.2, 0.5, 0.8, 1.0, 1.3, 2.5])
        if company.status == CompanyStatus.CUSTOMER
        else rng.uniform(3, 10)
    )
    usual_day = rng.randint(0, 4)
    last_order = today - dt.timedelta(days=int(cycle * lateness))
    last_order -= dt.timedelta(days=(last_order.weekday() - usual_day) % 7)  # on its usual order day
    revenue = (basket * orders).quantize(Decimal("1"))
    return CompanyHabits(
        company=company,
        order_cycle_days=cycle,
        usual_weekdays=[usual_day],
        average_basket=basket,
        orders_12m=orders if company.status == CompanyStatus.CUSTOMER else 0,
        revenue_12m=revenue if company.status == CompanyStatus.CUSTOMER else Decimal(0),
        revenue_prev_12m=(revenue * Decimal(str(round(rng.uniform(0.7, 1.3), 2)))).quantize(Decimal("1")),
        last_order_date=last_order,
        next_expected_order=last_order + dt.timedelta(days=int(cycle * 1.5)),
        top_products=rng.sample(PRODUCTS, 3),
    )


def _set_last_contact_and_search(companies, contacts_by_company, company_phones) -> None:
    from django.db.models import Max

    last = dict(
        Interaction.objects.filter(kind=InteractionKind.CALL_OUT)
        .values("company_id")
        .annotate(m=Max("occurred_at"))
        .values_list("company_id", "m")
    )
    for company in companies:
        company.last_contact_at = last.get(company.pk)
        company.search_text = build_search_text(
            company, contacts_by_company.get(company.pk, []), company_phones.get(company.pk, [])
        )
    Company.objects.bulk_update(companies, ["last_contact_at", "search_text"], batch_size=1000)
    COMPANY_INDEX.optimize()
