"""Reactions to other apps' events."""

from __future__ import annotations


def move_market(sender, *, kept, removed, by, **kwargs) -> None:
    """Two files merged: what the removed company said and answered follows it to the kept one."""
    from .models import CompetitorObservation, SurveyInvitation, SurveyResponse

    for model in (CompetitorObservation, SurveyInvitation, SurveyResponse):
        model.objects.filter(company=removed).update(company=kept)
