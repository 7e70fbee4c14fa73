from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.customers.models import Contact

from .choices import CollectionOutcome
from .models import Invoice
from .services import MAX_PLAN_INSTALMENTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstalmentsWidget(forms.Widget):
    """The editable instalment table: one date and one amount per row (`inst_date_N`,
    `inst_amount_N`), rendered by the page's own partial."""

    def value_from_datadict(self, data, files, name) -> list[tuple[str, str]]:
        rows = []
        for i in range(1, MAX_PLAN_INSTALMENTS + 1):
            when, amount = data.get(f"inst_date_{i}"), data.get(f"inst_amount_{i}")
            if when is None and amount is None:
                continue
            rows.append(((when or "").strip(), (amount or "").strip()))
        return rows

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False


class InstalmentsField(forms.Field):
    widget = InstalmentsWidget

    def to_python(self, value) -> list[tuple[str, str]]:
        return [(when, amount) for when, amount in value or [] if when or amount]


class CollectionCallForm(forms.Form):
    """What the collection call obtained. Amounts and dates stay as typed: the service reads them
    (decimal comma, spaces) and says what is wrong next to the field."""

    outcome = forms.ChoiceField(
        label=_("Issue de l'appel"), choices=CollectionOutcome.choices, widget=forms.RadioSelect
    )
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    invoices = forms.ModelMultipleChoiceField(
        label=_("Factures concernées"),
        queryset=Invoice.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    promise_amount = forms.CharField(
        label=_("Montant promis (€ TTC)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    promised_on = forms.CharField(label=_("Date promise"), max_length=10, required=False, widget=DATE)
    plan_count = forms.IntegerField(
        label=_("Nombre d'échéances"), min_value=2, max_value=MAX_PLAN_INSTALMENTS, required=False, initial=3
    )
    plan_first = forms.CharField(label=_("Première échéance"), max_length=10, required=False, widget=DATE)
    instalments = InstalmentsField(label=_("Échéances"), required=False)
    dispute_description = forms.CharField(
        label=_("Ce que le client conteste"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Note de l'appel"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, company, invoices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(company=company, is_active=True).order_by(
            "-is_order_contact", "-is_decision_maker", "last_name"
        )
        self.invoice_rows = list(invoices)
        self.fields["invoices"].queryset = Invoice.objects.filter(company=company, status="open")

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == CollectionOutcome.PROMISE:
            if not (data.get("promise_amount") or "").strip():
                self.add_error("promise_amount", _("Indiquez le montant promis."))
            if not (data.get("promised_on") or "").strip():
                self.add_error("promised_on", _("Indiquez la date promise."))
        elif outcome == CollectionOutcome.PLAN and not data.get("instalments"):
            self.add_error(
                "instalments", _("Cliquez sur « Proposer » ou saisissez les échéances de l'échéancier.")
            )
        return data

    def chosen_ids(self) -> set[int]:
        """The invoices ticked (as typed when the form comes back with an error)."""
        if self.is_bound:
            return {int(v) for v in self.data.getlist("invoices") if str(v).isdigit()}
        return {int(v) for v in self.initial.get("invoices", [])}

    def instalment_rows(self) -> list[dict]:
        if not self.is_bound:
            return []
        rows = self.fields["instalments"].widget.value_from_datadict(self.data, None, "instalments")
        return [{"position": i, "date": d, "amount": a} for i, (d, a) in enumerate(rows, start=1)]


class PlanCancelForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation"), max_length=200, required=False)


class InvoiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou Excel (.xlsx)"),
        help_text=_("Première ligne : les noms des colonnes. 30 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
