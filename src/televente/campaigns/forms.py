from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import Role

from .models import Campaign
from .services import buildable_teams


class FrenchDecimalField(forms.DecimalField):
    """Accepts what a French user types: "1 500,50", "1500.5", "1 500 €"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        return str(value).replace(".", ",") if isinstance(value, Decimal) else value


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    """The campaign's settings; the target comes from the portfolio's filters beside it."""

    objective_revenue = FrenchDecimalField(
        label=_("Objectif : CA HT (€)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "goal",
            "description",
            "starts_on",
            "ends_on",
            "team",
            "channel",
            "calls_per_rep_per_day",
            "script",
            "promotion",
            "documents",
            "survey",
            "email_subject",
            "email_body",
            "objective_reached",
            "objective_orders",
            "objective_revenue",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "email_body": forms.Textarea(attrs={"rows": 6}),
            "documents": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from televente.catalog.models import Promotion
        from televente.knowledge.models import CommercialDocument
        from televente.market.choices import SurveyStatus
        from televente.market.models import Survey
        from televente.scripts.models import Script

        teams = buildable_teams(user)
        self.fields["team"].queryset = teams
        admin = user.is_superuser or user.role == Role.ADMIN
        self.fields["team"].required = not admin
        self.fields["team"].empty_label = _("Toutes les équipes") if admin else None
        if not admin and not self.instance.pk and teams.count() == 1:
            self.initial.setdefault("team", teams.first())
        self.fields["script"].queryset = Script.objects.filter(is_active=True).order_by("name")
        self.fields["script"].empty_label = _("Aucun (script habituel du motif)")
        self.fields["promotion"].queryset = Promotion.objects.filter(
            valid_until__gte=timezone.localdate()
        ).order_by("valid_from", "name")
        self.fields["promotion"].empty_label = _("Aucune")
        self.fields["documents"].queryset = CommercialDocument.objects.filter(is_active=True).order_by(
            "kind", "title"
        )
        self.fields["survey"].queryset = Survey.objects.exclude(status=SurveyStatus.CLOSED).order_by("title")
        self.fields["survey"].empty_label = _("Aucune")
        self.fields["goal"].widget.attrs["autofocus"] = True
        for name in ("team", "channel"):
            self.fields[name].widget.attrs["data-preview"] = ""

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("La fin de la campagne précède son début."))
        return data
