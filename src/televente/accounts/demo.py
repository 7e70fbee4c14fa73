"""Demo people: the five demo logins, their teams, and more reps and field reps by size."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.hashers import make_password

from televente.core.demo import DemoContext

from . import services
from .choices import BackOfficeService, Role

DEMO_PASSWORD = "demo"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum() or c == "-")


def seed(ctx: DemoContext) -> None:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    fake = ctx.faker
    used: set[str] = set()

    def person(
        role: Role, *, username: str | None = None, first: str | None = None, last: str | None = None, **kw
    ):
        first = first or fake.first_name()
        last = last or fake.last_name()
        if username is None:
            base = f"{_slug(first)}.{_slug(last)}"
            username, n = base, 2
            while username in used:
                username, n = f"{base}{n}", n + 1
        used.add(username)
        return services.user_create(
            username=username,
            password=None,
            password_hash=password_hash,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@grossiste-demo.fr",
            **kw,
        )

    # Team sizes: the first team is the demo users' own; large has 50 reps (the call-plan benchmark).
    team_sizes = ctx.pick(small=[4, 3], medium=[8, 8, 6], large=[20, 15, 15])
    regions = ["Paris Nord", "Paris Sud", "Lyon", "Lille", "Bordeaux", "Marseille"]

    supervisor = person(Role.SUPERVISOR, username="superviseur", first="Sophie", last="Martin")
    admin = person(Role.ADMIN, username="admin", first="Alain", last="Dupuis")
    teams, reps, field_reps, supervisors = [], [], [], [supervisor]
    for index, size in enumerate(team_sizes):
        lead = supervisor if index == 0 else person(Role.SUPERVISOR)
        if index:
            supervisors.append(lead)
        team = services.team_create(name=f"Équipe {regions[index % len(regions)]}", supervisor=lead)
        teams.append(team)
        # One field rep for every two or three reps, as in a typical wholesaler.
        team_field_reps = []
        for f in range(max(1, size // 3)):
            if index == 0 and f == 0:
                team_field_reps.append(
                    person(Role.FIELD_REP, username="itinerant", first="Marc", last="Leroy", team=team)
                )
            else:
                team_field_reps.append(person(Role.FIELD_REP, team=team))
        for r in range(size):
            paired = team_field_reps[r % len(team_field_reps)]
            if index == 0 and r == 0:
                rep = person(
                    Role.REP,
                    username="televendeur",
                    first="Léa",
                    last="Bernard",
                    team=team,
                    paired_field_rep=paired,
                )
            else:
                rep = person(Role.REP, team=team, paired_field_rep=paired)
            reps.append(rep)
        field_reps.extend(team_field_reps)

    back_office = [
        person(
            Role.BACK_OFFICE,
            username="adv",
            first="Karim",
            last="Benali",
            service=BackOfficeService.SALES_ADMIN,
        )
    ]
    back_office.append(
        person(
            Role.BACK_OFFICE,
            username="achats",
            first="Claire",
            last="Moreau",
            service=BackOfficeService.PURCHASING,
        )
    )  # the product manager: catalogue, prices, promotions
    for service in (BackOfficeService.LOGISTICS, BackOfficeService.QUALITY, BackOfficeService.ACCOUNTING):
        back_office.append(person(Role.BACK_OFFICE, service=service))

    ctx.shared.update(
        teams=teams,
        reps=reps,
        field_reps=field_reps,
        supervisors=supervisors,
        back_office=back_office,
        admin=admin,
    )
    ctx.shared["logins"] = [
        "Demo logins (password: demo):",
        "  televendeur  - telesales rep (Léa Bernard)",
        "  superviseur  - supervisor (Sophie Martin)",
        "  itinerant    - field rep (Marc Leroy)",
        "  adv          - back office, sales administration (Karim Benali)",
        "  achats       - back office, purchasing: product manager (Claire Moreau)",
        "  admin        - administrator",
    ]
    ctx.log(f"  accounts: {len(teams)} teams, {len(reps)} reps, {len(field_reps)} field reps")
