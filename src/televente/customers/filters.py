"""The portfolio's filters (django-filter): every filter and sort is backed by an index."""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import Role
from televente.accounts.models import User

from .choices import CompanyStatus, Weekday
from .models import CallWindow, Segment, Zone
from .search import filter_companies

SORTS = {
    "name": ("sort_name", "pk"),
    "-name": ("-sort_name", "-pk"),
    "city": ("city", "sort_name"),
    "last_contact": ("last_contact_at", "sort_name"),
    "-last_contact": ("-last_contact_at", "sort_name"),
    "-revenue": ("-habits__revenue_12m", "sort_name"),
    "-potential": ("-potential", "sort_name"),
}
SORT_CHOICES = [
    ("name", _("Nom (A→Z)")),
    ("-name", _("Nom (Z→A)")),
    ("city", _("Ville")),
    ("-last_contact", _("Dernier contact (récent d'abord)")),
    ("last_contact", _("Dernier contact (ancien d'abord)")),
    ("-revenue", _("CA 12 mois")),
    ("-potential", _("Potentiel")),
]


class PortfolioFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Nom, ville, code postal, SIRET, téléphone, interlocuteur…"),
                "data-page-search": "",
                "autocomplete": "off",
            }
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=CompanyStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    segment = django_filters.ModelChoiceFilter(
        label=_("Typologie"), queryset=Segment.objects.filter(is_active=True)
    )
    abc = django_filters.ChoiceFilter(
        label=_("Classe ABC"), field_name="habits__abc_class", choices=[("A", "A"), ("B", "B"), ("C", "C")]
    )
    zone = django_filters.ModelChoiceFilter(label=_("Zone"), queryset=Zone.objects.all())
    rep = django_filters.ModelChoiceFilter(label=_("Télévendeur"), queryset=User.objects.none())
    call_day = django_filters.ChoiceFilter(
        label=_("Jour d'appel"), choices=Weekday.choices, method="filter_call_day"
    )
    late = django_filters.BooleanFilter(
        label=_("En retard sur son cycle"), method="filter_late", widget=forms.CheckboxInput
    )
    inactive_days = django_filters.NumberFilter(
        label=_("Sans contact depuis (jours)"), method="filter_inactive", min_value=1
    )
    never_contacted = django_filters.BooleanFilter(
        label=_("Prospects jamais contactés"), method="filter_never_contacted", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Tri"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        reps = User.objects.active().filter(role=Role.REP)
        if user is not None and not (user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE)):
            reps = reps.filter(pk__in=User.objects.visible_to(user).values("pk"))
        self.filters["rep"].queryset = reps.order_by("last_name", "first_name")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_companies(queryset, value)

    def filter_call_day(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=CallWindow.objects.filter(weekday=int(value)).values("company_id"))

    def filter_late(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(habits__next_expected_order__lt=timezone.localdate())

    def filter_inactive(self, queryset: QuerySet, name: str, value) -> QuerySet:
        limit = timezone.now() - timedelta(days=int(value))
        return queryset.filter(Q(last_contact_at__lt=limit) | Q(last_contact_at__isnull=True))

    def filter_never_contacted(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(
            status__in=[CompanyStatus.SUSPECT, CompanyStatus.PROSPECT], last_contact_at__isnull=True
        )

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))
