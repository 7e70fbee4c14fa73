"""The order screen served by the trained provider: the learned habitual rows with their quantity
and unit, the learned complements with « souvent commandé avec », and a short line's substitutes
with the catalogue's link first."""

import re

import pytest
from django.urls import reverse

from televente.catalog.models import ProductLink
from televente.customers.tests.factories import CompanyFactory
from televente.orders import services
from televente.orders.tests.factories import sellable, unit
from televente.recommend.models import BasketScore, ComplementScore, SubstituteScore

from .test_selectors import provider  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures(
    "provider"
)  # the trained provider, as RecommendConfig.ready() registers it


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, team=world.team_a)


def habit_items(html: str) -> list[str]:
    return re.findall(r'<li id="habit-(\d+)"', html)


@pytest.mark.django_db
def test_order_screen_shows_the_learned_basket_and_complements(
    client, world, company, django_assert_max_num_queries
):
    bread = sellable(code="PAIN01", name="Pain de campagne")
    butter = sellable(code="BEU01", name="Beurre doux", carton=10)
    jam = sellable(code="CONF01", name="Confiture fraise")
    BasketScore.objects.create(
        company=company, product=butter, rank=1, score=0.9, unit=unit(butter, "CAR"), quantity=4
    )
    BasketScore.objects.create(
        company=company, product=jam, rank=2, score=0.5, own=False, unit=unit(jam, "UVC"), quantity=7
    )
    olives = sellable(code="OLIV01", name="Olives vertes")
    ComplementScore.objects.create(product=bread, target=olives, rank=1, score=0.4)
    ComplementScore.objects.create(product=bread, target=butter, rank=2, score=0.8)  # habitual: not proposed
    order = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(order=order, product=bread, by=world.rep_a, version=order.version)
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("orders:detail", args=[order.pk]))
    html = response.text
    assert habit_items(html) == [str(butter.pk), str(jam.pk)]
    butter_row = html[html.index(f'id="habit-{butter.pk}"') : html.index(f'id="habit-{jam.pk}"')]
    assert 'value="4"' in butter_row and "carton de 10" in butter_row
    assert f'name="unit" value="{unit(butter, "CAR").pk}"' in butter_row
    jam_row = html[
        html.index(f'id="habit-{jam.pk}"') : html.index("</ul>", html.index(f'id="habit-{jam.pk}"'))
    ]
    assert 'value="7"' in jam_row and "Commandé par des clients comparables" in jam_row
    assert "dernière fois" not in jam_row
    side = html[html.index("data-complements") :]
    assert "Olives vertes" in side and "souvent commandé avec Pain de campagne" in side
    assert "Beurre doux" not in side[: side.index("</ul>")]

    refreshed = client.get(reverse("orders:side", args=[order.pk]))  # the panel refreshed by htmx
    assert "souvent commandé avec Pain de campagne" in refreshed.text


@pytest.mark.django_db
def test_order_screen_falls_back_to_habits_and_links_with_no_model(client, world, company):
    bread = sellable(code="PAIN01", name="Pain de campagne")
    butter = sellable(code="BEU01", name="Beurre doux")
    ProductLink.objects.create(kind="complement", product=bread, target=butter, reason="Tartines")
    order = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(order=order, product=bread, by=world.rep_a, version=order.version)
    client.force_login(world.rep_a)
    html = client.get(reverse("orders:detail", args=[order.pk])).text
    assert "l'historique de ce client est trop court" in html
    assert "souvent commandé avec Pain de campagne · Tartines" in html


@pytest.mark.django_db
def test_short_line_substitutes_put_the_catalogue_link_first(client, world, company):
    short = sellable(code="CRE001", name="Crème épaisse", stock=0)
    explicit = sellable(code="CRE002", name="Crème légère", stock=0)
    learned = sellable(code="CRE003", name="Crème fluide", stock=300)
    ProductLink.objects.create(kind="substitute", product=short, target=explicit, reason="Même usage")
    SubstituteScore.objects.create(
        product=short, target=learned, rank=1, score=0.7, name_similarity=0.8, accepted=2
    )
    order = services.order_start(company=company, by=world.rep_a)
    line = services.order_line_add(order=order, product=short, by=world.rep_a, version=order.version)
    client.force_login(world.rep_a)
    panel = client.get(reverse("orders:line_substitutes", args=[order.pk, line.pk])).text
    assert panel.index("Remplacer par Crème légère") < panel.index("Remplacer par Crème fluide")
    assert "Même usage" in panel
    assert "suggéré" in panel and "même rayon · désignation proche · déjà accepté 2 fois" in panel
    assert panel.count("data-learned") == 1


@pytest.mark.django_db
def test_a_product_name_in_a_learned_reason_is_escaped(client, world, company):
    """« souvent commandé avec <name> » is built in Python: the name must still render inert."""
    evil = sellable(code="EVIL01", name='<script>alert("x")</script>')
    olives = sellable(code="OLIV01", name="Olives vertes")
    ComplementScore.objects.create(product=evil, target=olives, rank=1, score=0.4)
    order = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(order=order, product=evil, by=world.rep_a, version=order.version)
    client.force_login(world.rep_a)
    html = client.get(reverse("orders:detail", args=[order.pk])).text
    assert "souvent commandé avec &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html
