import factory
from stdnum import luhn

from televente.customers.choices import CompanyStatus
from televente.customers.models import Company, Contact, Phone, Segment
from televente.customers.search import build_search_text


def valid_siret(n: int) -> str:
    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        django_get_or_create = ("code",)

    code = "restaurant"
    name = "Restaurant traditionnel"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"SARL Société {n}")
    trade_name = factory.Sequence(lambda n: f"Restaurant {n}")
    siret = factory.Sequence(lambda n: valid_siret(10000 + n))
    postcode = "75011"
    city = "Paris"
    status = CompanyStatus.CUSTOMER
    segment = factory.SubFactory(SegmentFactory)
    rep = None
    team = factory.LazyAttribute(lambda c: c.rep.team if c.rep else None)
    field_rep = factory.LazyAttribute(lambda c: c.rep.paired_field_rep if c.rep else None)
    sort_name = factory.LazyAttribute(lambda c: (c.trade_name or c.legal_name).lower())

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        if create:
            obj.search_text = build_search_text(obj, obj.contacts.all(), obj.phones.all())
            Company.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    first_name = "Jean"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    email = factory.LazyAttribute(lambda c: f"{c.last_name.lower()}@example.fr")


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    company = factory.SubFactory(CompanyFactory)
    e164 = "+33142685300"
