from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["comptes"])


class TeamOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    role_label: str
    service: str
    team: TeamOut | None
    language: str
    time_zone: str


@router.get("/me", response=MeOut, summary="L'utilisateur authentifié")
def me(request: HttpRequest):
    user = request.auth
    return MeOut(
        id=user.pk,
        username=user.username,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        role=user.role,
        role_label=str(user.get_role_display()),
        service=user.service,
        team=TeamOut(id=user.team.pk, name=user.team.name) if user.team_id else None,
        language=user.language,
        time_zone=user.time_zone,
    )
