"""Forms of the customer file. The API validates with the same forms (same rules, same messages)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.core.identifiers import clean_siret, clean_vat
from televente.core.phones import to_e164

from .choices import (
    BuyingMotive,
    Channel,
    ConsentSource,
    InteractionKind,
    NextStepAction,
    Outcome,
    PhoneLabel,
    Weekday,
)
from .models import CONTACT_EDITABLE_FIELDS, ClosurePeriod, Company, Contact, DeliveryAddress


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    e164 = to_e164(value)
    if e164 is None:
        raise ValidationError(
            _("Numéro de téléphone invalide : tapez par exemple 01 23 45 67 89 ou +33 6 12 34 56 78.")
        )
    return e164


class CompanyForm(forms.ModelForm):
    buying_motives = forms.MultipleChoiceField(
        label=_("Mobiles d'achat (SONCAS)"),
        choices=BuyingMotive.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours de livraison"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone_main = forms.CharField(label=_("Téléphone (standard)"), required=False, max_length=30)
    phone_other = forms.CharField(label=_("Autre téléphone"), required=False, max_length=30)

    class Meta:
        model = Company
        fields = [
            "legal_name",
            "trade_name",
            "siret",
            "vat_number",
            "status",
            "segment",
            "zone",
            "address_line1",
            "address_line2",
            "postcode",
            "city",
            "rep",
            "field_rep",
            "payment_terms",
            "credit_limit",
            "preferred_channel",
            "delivery_weekdays",
            "call_frequency",
            "call_every_n_weeks",
            "size",
            "employees",
            "seats",
            "annual_revenue",
            "engagement",
            "buying_motives",
            "potential",
            "needs",
            "competitor",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "needs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = User.objects.active().filter(role=Role.REP)
        self.fields["field_rep"].queryset = User.objects.active().filter(role=Role.FIELD_REP)
        if user is not None and not (user.is_superuser or user.role == Role.ADMIN):
            visible = User.objects.visible_to(user).values("pk")
            self.fields["rep"].queryset = self.fields["rep"].queryset.filter(pk__in=visible)
            self.fields["field_rep"].queryset = self.fields["field_rep"].queryset.filter(pk__in=visible)
        if self.instance.pk:
            phones = list(self.instance.phones.filter(contact__isnull=True))
            if phones:
                self.initial.setdefault("phone_main", str(phones[0]))
            if len(phones) > 1:
                self.initial.setdefault("phone_other", str(phones[1]))

    def clean_siret(self) -> str:
        return clean_siret(self.cleaned_data.get("siret", ""))

    def clean_vat_number(self) -> str:
        return clean_vat(self.cleaned_data.get("vat_number", ""))

    def clean_phone_main(self) -> str:
        return clean_phone(self.cleaned_data.get("phone_main"))

    def clean_phone_other(self) -> str:
        return clean_phone(self.cleaned_data.get("phone_other"))

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and (not value.isdigit() or len(value) != 5):
            raise ValidationError(_("Un code postal français compte 5 chiffres."))
        return value

    def company_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("phone_")}

    def phones(self) -> list[tuple[str, str]]:
        return [
            (label, self.cleaned_data[name])
            for name, label in (("phone_main", PhoneLabel.SWITCHBOARD), ("phone_other", PhoneLabel.OFFICE))
            if self.cleaned_data.get(name)
        ]


class QualificationForm(forms.ModelForm):
    """Prospect qualification (seed 003 CP3): needs, potential, engagement, SONCAS, competitor."""

    buying_motives = CompanyForm.base_fields["buying_motives"]

    class Meta:
        model = Company
        fields = [
            "engagement",
            "needs",
            "potential",
            "buying_motives",
            "competitor",
            "size",
            "seats",
            "employees",
        ]
        widgets = {"needs": forms.Textarea(attrs={"rows": 3})}


class ContactForm(forms.ModelForm):
    phone_office = forms.CharField(label=_("Téléphone fixe"), required=False, max_length=30)
    phone_mobile = forms.CharField(label=_("Portable"), required=False, max_length=30)

    class Meta:
        model = Contact
        fields = CONTACT_EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for phone in self.instance.phones.all():
                key = "phone_mobile" if phone.label == PhoneLabel.MOBILE else "phone_office"
                self.initial.setdefault(key, str(phone))

    def clean_phone_office(self) -> str:
        return clean_phone(self.cleaned_data.get("phone_office"))

    def clean_phone_mobile(self) -> str:
        return clean_phone(self.cleaned_data.get("phone_mobile"))

    def contact_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("phone_")}

    def phones(self) -> list[tuple[str, str]]:
        return [
            (label, self.cleaned_data[name])
            for name, label in (("phone_office", PhoneLabel.OFFICE), ("phone_mobile", PhoneLabel.MOBILE))
            if self.cleaned_data.get(name)
        ]


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Canal"), choices=Channel.choices)
    granted = forms.TypedChoiceField(
        label=_("Choix de la personne"),
        choices=[("1", _("Accepte d'être contactée")), ("0", _("Refuse (opposition)"))],
        coerce=lambda v: v == "1",
    )
    source = forms.ChoiceField(
        label=_("Recueilli"), choices=ConsentSource.choices, initial=ConsentSource.PHONE_CALL
    )
    note = forms.CharField(label=_("Précision"), required=False, max_length=200)


class InteractionForm(forms.Form):
    """The quick "log a contact" form of the customer file."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=InteractionKind.loggable(), initial=InteractionKind.CALL_OUT
    )
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    outcome = forms.ChoiceField(label=_("Issue"), choices=Outcome.choices, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    duration_minutes = forms.IntegerField(label=_("Durée (min)"), required=False, min_value=0, max_value=600)
    next_action = forms.ChoiceField(
        label=_("Prochaine étape"), choices=[("", _("Aucune")), *NextStepAction.choices], required=False
    )
    next_action_date = forms.DateField(
        label=_("Le"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    next_action_time = forms.TimeField(
        label=_("À"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    next_action_note = forms.CharField(label=_("Précision"), required=False, max_length=200)

    def __init__(self, *args, company: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = company.contacts.filter(is_active=True)
        self.fields["kind"].widget.attrs["data-key"] = "l"  # "l" jumps to the log form

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("next_action")
        if action:
            if not data.get("next_action_date"):
                self.add_error("next_action_date", _("Indiquez la date de la prochaine étape."))
            elif data["next_action_date"] < timezone.localdate() - dt.timedelta(days=1):
                self.add_error("next_action_date", _("La prochaine étape ne peut pas être dans le passé."))
        if data.get("outcome") == Outcome.CALLBACK and not action:
            self.add_error("next_action", _("Un rappel promis doit avoir sa date : choisissez « Rappeler »."))
        return data

    def interaction_data(self) -> dict:
        data = self.cleaned_data
        when = None
        if data.get("next_action") and data.get("next_action_date"):
            moment = data.get("next_action_time") or dt.time(9, 0)
            when = timezone.make_aware(dt.datetime.combine(data["next_action_date"], moment))
        minutes = data.get("duration_minutes")
        return {
            "kind": data["kind"],
            "contact": data.get("contact"),
            "outcome": data.get("outcome") or "",
            "notes": data.get("notes", ""),
            "duration_seconds": minutes * 60 if minutes is not None else None,
            "next_action": data.get("next_action") or "",
            "next_action_at": when,
            "next_action_note": data.get("next_action_note", ""),
        }


class CallWindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Jour"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False
    )
    start = forms.TimeField(
        label=_("De"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("À"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict:
        data = super().clean()
        filled = [
            data.get("weekday") not in (None, ""),
            data.get("start") is not None,
            data.get("end") is not None,
        ]
        if any(filled) and not all(filled):
            raise ValidationError(_("Renseignez le jour, l'heure de début et l'heure de fin."))
        if all(filled) and data["end"] <= data["start"]:
            self.add_error("end", _("L'heure de fin doit suivre l'heure de début."))
        return data


CallWindowFormSet = forms.formset_factory(CallWindowForm, extra=3, max_num=21)


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Nom du filtre"), max_length=80)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou Excel (.xlsx)"),
        help_text=_("Première ligne : les noms des colonnes. 30 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    default_rep = forms.ModelChoiceField(
        label=_("Télévendeur des fiches sans télévendeur"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        reps = User.objects.active().filter(role=Role.REP)
        if not (user.is_superuser or user.role == Role.ADMIN):
            reps = reps.filter(pk__in=User.objects.visible_to(user).values("pk"))
        self.fields["default_rep"].queryset = reps


class ImportMappingForm(forms.Form):
    """One select per column of the file: which of our fields it fills."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        from .importer import TARGETS

        choices = [("", _("— ne pas importer —"))] + [(name, t.label) for name, t in TARGETS.items()]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(colonne %(n)s sans nom)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"col_{i}", "") for i, header in enumerate(self.headers) if header
        }


class ImportConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Que faire ?"),
        choices=[
            ("all", _("Tout importer (rien si une ligne est en erreur)")),
            ("valid_only", _("Importer seulement les lignes valides")),
        ],
        widget=forms.RadioSelect,
        initial="all",
    )
    skip_duplicates = forms.BooleanField(
        label=_("Ne pas importer les doublons probables"), required=False, initial=True
    )


class ClosureForm(forms.ModelForm):
    class Meta:
        model = ClosurePeriod
        fields = ["start", "end", "reason"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la fermeture doit suivre son début."))
        return data


class DeliveryAddressForm(forms.ModelForm):
    class Meta:
        model = DeliveryAddress
        fields = ["label", "address_line1", "address_line2", "postcode", "city", "instructions", "is_default"]

    def clean_postcode(self) -> str:
        value = (self.cleaned_data.get("postcode") or "").strip()
        if not value.isdigit() or len(value) != 5:
            raise ValidationError(_("Un code postal français compte 5 chiffres."))
        return value
