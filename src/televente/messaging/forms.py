from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import variables
from .choices import Language, MessageChannel
from .documents import documents_for
from .services import TemplateData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutboxFilterForm(forms.Form):
    """The outbox's filters (GET); an invalid value is ignored rather than refused."""

    q = forms.CharField(label=_("Destinataire ou objet"), max_length=80, required=False)
    canal = forms.ChoiceField(
        label=_("Canal"), choices=[("", _("Tous")), *MessageChannel.choices], required=False
    )
    du = forms.DateField(label=_("Du"), required=False, widget=DATE)
    au = forms.DateField(label=_("Au"), required=False, widget=DATE)

    def values(self) -> dict:
        if not self.is_valid():
            return {"query": "", "channel": "", "day_from": None, "day_to": None}
        data = self.cleaned_data
        return {"query": data["q"], "channel": data["canal"], "day_from": data["du"], "day_to": data["au"]}


class TemplateForm(forms.Form):
    """A template as typed; `services.template_save` checks its variables against its context."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Sans espace ni accent."),
        widget=forms.TextInput(attrs={"placeholder": "relance-devis", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nom"), max_length=120)
    channel = forms.ChoiceField(
        label=_("Canal"), choices=MessageChannel.choices, initial=MessageChannel.EMAIL
    )
    language = forms.ChoiceField(label=_("Langue"), choices=Language.choices, initial=Language.FR)
    context = forms.ChoiceField(label=_("Porte sur"), choices=())
    document = forms.ChoiceField(label=_("Document joint"), choices=(), required=False)
    subject = forms.CharField(
        label=_("Objet"),
        max_length=200,
        required=False,
        help_text=_("Obligatoire pour un e-mail."),
        widget=forms.TextInput(attrs={"data-variable-target": "", "autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Texte"),
        widget=forms.Textarea(attrs={"rows": 14, "data-variable-target": ""}),
        help_text=_("Cliquez sur une variable à droite pour l'insérer là où se trouve le curseur."),
    )
    is_active = forms.BooleanField(label=_("Modèle actif"), required=False, initial=True)

    def __init__(self, *args, template=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["context"].choices = variables.context_choices()
        self.fields["document"].choices = document_choices(self.current_context())
        if template is not None and template.is_system:
            # The software sends a provided template by its code.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Modèle fourni : le logiciel l'envoie sous ce code.")

    def current_context(self) -> str:
        """The context typed (bound form) or stored, which decides the variables and documents offered."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("context"), "")
        else:
            value = self.initial.get("context") or self.fields["context"].initial or ""
        known = [name for name, _label in self.fields["context"].choices]
        return value if value in known else (known[0] if known else "")

    def template_data(self) -> TemplateData:
        data = self.cleaned_data
        return TemplateData(
            code=data["code"],
            name=data["name"],
            channel=data["channel"],
            language=data["language"],
            context=data["context"],
            subject=data["subject"],
            body=data["body"],
            document=data["document"],
            is_active=data["is_active"],
        )


def document_choices(context_name: str) -> list[tuple[str, str]]:
    return [("", _("Aucun")), *((d.kind, str(d.label)) for d in documents_for(context_name))]


def template_initial(template) -> dict:
    return {
        name: getattr(template, name)
        for name in (
            "code",
            "name",
            "channel",
            "language",
            "context",
            "document",
            "subject",
            "body",
            "is_active",
        )
    }
