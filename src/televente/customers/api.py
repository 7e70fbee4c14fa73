"""Companies and contacts over the API. Input is validated by the same forms as the screens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from televente.core.errors import DomainError

from . import selectors, services
from .forms import CompanyForm, ContactForm
from .models import Company

router = Router(tags=["clients"])


class FormInvalid(DomainError):
    code = "validation_error"

    def __init__(self, form) -> None:
        super().__init__(_("Les données envoyées ne sont pas valides."))
        self.details = [
            {"field": field, "message": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]


class PhoneOut(Schema):
    label: str
    number: str


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    job_title: str
    is_decision_maker: bool
    is_order_contact: bool
    email: str
    phones: list[PhoneOut]
    opt_out_phone: bool
    opt_out_email: bool
    opt_out_sms: bool

    @staticmethod
    def resolve_phones(obj) -> list[dict]:
        return [{"label": p.label, "number": p.e164} for p in obj.phones.all()]


class CompanyOut(Schema):
    id: int
    legal_name: str
    trade_name: str
    siret: str
    status: str
    segment: str | None
    postcode: str
    city: str
    rep: str | None
    rep_id: int | None
    payment_terms: str
    credit_limit: Decimal
    outstanding: Decimal
    last_contact_at: datetime | None
    url: str

    @staticmethod
    def resolve_segment(obj) -> str | None:
        return obj.segment.code if obj.segment_id else None

    @staticmethod
    def resolve_rep(obj) -> str | None:
        return obj.rep.username if obj.rep_id else None

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/clients/{obj.pk}/"


class CompanyDetailOut(CompanyOut):
    vat_number: str
    address_line1: str
    address_line2: str
    engagement: str
    buying_motives: list[str]
    potential: Decimal | None
    notes: str
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(obj) -> list:
        return list(obj.contacts.filter(is_active=True).prefetch_related("phones"))


class CompanyIn(Schema):
    """Fields as in the customer form; `segment`, `zone`, `rep`, `field_rep` are ids."""

    legal_name: str | None = None
    trade_name: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    status: str | None = None
    segment: int | None = None
    zone: int | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    postcode: str | None = None
    city: str | None = None
    rep: int | None = None
    field_rep: int | None = None
    payment_terms: str | None = None
    credit_limit: Decimal | None = None
    preferred_channel: str | None = None
    engagement: str | None = None
    buying_motives: list[str] | None = None
    potential: Decimal | None = None
    needs: str | None = None
    competitor: str | None = None
    notes: str | None = None
    phone_main: str | None = None


class ContactIn(Schema):
    last_name: str
    first_name: str = ""
    civility: str = ""
    job_title: str = ""
    is_decision_maker: bool = False
    is_order_contact: bool = False
    email: str = ""
    best_time: str = ""
    language: str = "fr"
    phone_office: str = ""
    phone_mobile: str = ""


class CompanyFilters(Schema):
    search: str | None = None
    phone: str | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


def _form_data(instance: Company | None, payload: dict) -> dict:
    defaults = {
        "status": "prospect",
        "payment_terms": "30d",
        "credit_limit": "0",
        "preferred_channel": "phone",
        "call_frequency": "weekly",
        "call_every_n_weeks": 1,
        "engagement": "not_contacted",
    }
    data = {**defaults, **(model_to_dict(instance) if instance else {})}
    data.update({k: v for k, v in payload.items() if v is not None})
    return {k: v for k, v in data.items() if v is not None}


@router.get(
    "/companies",
    response=list[CompanyOut],
    summary="Clients et prospects visibles (recherche, statut, téléphone)",
)
def list_companies(request: HttpRequest, filters: Query[CompanyFilters]):
    limit = max(1, min(filters.limit, 200))
    if filters.phone:
        qs = selectors.companies_by_phone(user=request.auth, raw=filters.phone).select_related("segment")
    else:
        params = {k: v for k, v in {"q": filters.search, "status": filters.status}.items() if v}
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        query.update(params)
        qs = selectors.portfolio(user=request.auth, params=query).qs
    return list(qs[filters.offset : filters.offset + limit])


@router.get("/companies/{company_id}", response=CompanyDetailOut)
def get_company(request: HttpRequest, company_id: int):
    return get_object_or_404(
        Company.objects.visible_to(request.auth).select_related("segment", "rep"), pk=company_id
    )


@router.post("/companies", response={201: CompanyDetailOut})
def create_company(request: HttpRequest, payload: CompanyIn):
    form = CompanyForm(_form_data(None, payload.dict()), user=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    company = services.company_create(by=request.auth, data=form.company_data(), phones=form.phones())
    return Status(201, company)


@router.patch("/companies/{company_id}", response=CompanyDetailOut)
def update_company(request: HttpRequest, company_id: int, payload: CompanyIn):
    company = get_object_or_404(Company.objects.editable_by(request.auth), pk=company_id)
    provided = payload.dict(exclude_unset=True)
    form = CompanyForm(_form_data(company, provided), instance=company, user=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    services.company_update(company=company, by=request.auth, data=form.company_data())
    if "phone_main" in provided:
        services.company_phones_set(company=company, by=request.auth, phones=form.phones())
    company.refresh_from_db()
    return company


@router.get("/companies/{company_id}/contacts", response=list[ContactOut])
def list_contacts(request: HttpRequest, company_id: int):
    company = get_object_or_404(Company.objects.visible_to(request.auth), pk=company_id)
    return list(company.contacts.filter(is_active=True).prefetch_related("phones"))


@router.post("/companies/{company_id}/contacts", response={201: ContactOut})
def create_contact(request: HttpRequest, company_id: int, payload: ContactIn):
    company = get_object_or_404(Company.objects.editable_by(request.auth), pk=company_id)
    form = ContactForm(payload.dict())
    if not form.is_valid():
        raise FormInvalid(form)
    contact = services.contact_save(
        company=company, by=request.auth, data=form.contact_data(), phones=form.phones()
    )
    return Status(201, contact)
