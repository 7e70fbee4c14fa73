"""Reads for the accounts screens, scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .choices import Role
from .models import ApiToken, Team, User


@dataclass(frozen=True)
class TeamView:
    team: Team
    reps: list[User]
    field_reps: list[User]


def team_for_user(*, user: User, team_id: int | None = None) -> TeamView | None:
    """The team page: the asked team if visible, else the user's own (or first led) team."""
    teams = (
        Team.objects.visible_to(user)
        .select_related("supervisor")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=User.objects.active()
                .select_related("paired_field_rep")
                .order_by("last_name", "first_name"),
            )
        )
    )
    if team_id is not None:
        team = teams.filter(pk=team_id).first()
    else:
        team = (
            teams.filter(pk=user.team_id).first() if user.team_id else teams.filter(supervisor=user).first()
        )
    if team is None:
        return None
    members = list(team.members.all())
    return TeamView(
        team=team,
        reps=[m for m in members if m.role == Role.REP],
        field_reps=[m for m in members if m.role == Role.FIELD_REP],
    )


def teams_led_by(*, user: User) -> list[Team]:
    return list(Team.objects.filter(supervisor=user).order_by("name"))


def tokens_of(*, user: User) -> list[ApiToken]:
    return list(user.api_tokens.all())


@dataclass(frozen=True)
class HomeView:
    user: User
    team: Team | None
    supervisor: User | None
    teams_led: list[Team]
    paired_field_rep: User | None
    paired_reps: list[User]
    users_count: int | None
    teams_count: int | None


def home_for(*, user: User) -> HomeView:
    """Everything the role's home page shows, in a fixed number of queries."""
    team = Team.objects.select_related("supervisor").filter(pk=user.team_id).first() if user.team_id else None
    teams_led: list[Team] = []
    if user.role == Role.SUPERVISOR:
        teams_led = list(
            Team.objects.filter(supervisor=user)
            .annotate(members_count=Count("members", filter=Q(members__is_active=True)))
            .order_by("name")
        )
    paired_reps: list[User] = []
    if user.role == Role.FIELD_REP:
        paired_reps = list(User.objects.active().filter(paired_field_rep=user).order_by("last_name"))
    is_admin = user.role == Role.ADMIN or user.is_superuser
    return HomeView(
        user=user,
        team=team,
        supervisor=team.supervisor if team else None,
        teams_led=teams_led,
        paired_field_rep=user.paired_field_rep if user.paired_field_rep_id else None,
        paired_reps=paired_reps,
        users_count=User.objects.active().count() if is_admin else None,
        teams_count=Team.objects.count() if is_admin else None,
    )
