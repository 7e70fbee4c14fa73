"""Demo catalogue: a French food wholesaler's range in sales units, with stock shortages and
incoming receipts, segment price lists, quantity breaks, promotions, substitutes and complements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from stdnum import ean as ean_check

from televente.core.demo import DemoContext

from .models import (
    Category,
    PriceList,
    PriceListItem,
    Product,
    ProductLink,
    Promotion,
    QuantityBreak,
    Receipt,
    SalesUnit,
    Stock,
    Warehouse,
)
from .search import PRODUCT_INDEX, build_search_text

# (family code, family name, [(sub code, sub name)])
FAMILIES = [
    (
        "epicerie",
        "Épicerie",
        [
            ("conserves", "Conserves"),
            ("pates-riz", "Pâtes et riz"),
            ("huiles", "Huiles et vinaigres"),
            ("sucre-farine", "Sucre et farine"),
            ("cafe-the", "Café et thé"),
            ("sauces", "Sauces et condiments"),
        ],
    ),
    (
        "cremerie",
        "Crèmerie",
        [
            ("cremes", "Crèmes"),
            ("beurres", "Beurres"),
            ("fromages", "Fromages"),
            ("laits", "Laits"),
            ("oeufs", "Œufs"),
        ],
    ),
    ("boucherie", "Boucherie", [("boeuf", "Bœuf"), ("volaille", "Volaille"), ("charcuterie", "Charcuterie")]),
    (
        "surgeles",
        "Surgelés",
        [
            ("frites", "Frites et pommes de terre"),
            ("legumes-surgeles", "Légumes surgelés"),
            ("poissons-surgeles", "Poissons surgelés"),
            ("desserts-surgeles", "Desserts surgelés"),
        ],
    ),
    ("fruits-legumes", "Fruits et légumes", [("legumes", "Légumes frais"), ("fruits", "Fruits frais")]),
    ("boissons", "Boissons", [("eaux", "Eaux"), ("sodas", "Sodas et jus"), ("bieres", "Bières")]),
    (
        "hygiene",
        "Hygiène et entretien",
        [("vaisselle", "Vaisselle"), ("sols", "Sols et surfaces"), ("mains", "Hygiène des mains")],
    ),
]
# (sub code, item name, base unit, [formats], vat, base price per base unit, allergens, storage, shelf life days, pack size)
ITEMS = [
    ("conserves", "Tomates pelées", "boîte", ["4/4", "5/1"], "5.50", "1.45", [], "Ambiante, au sec", 900, 6),
    ("conserves", "Maïs doux", "boîte", ["4/4", "1/2"], "5.50", "1.20", [], "Ambiante, au sec", 900, 12),
    (
        "conserves",
        "Thon au naturel",
        "boîte",
        ["1/2", "4/4"],
        "5.50",
        "3.90",
        ["fish"],
        "Ambiante, au sec",
        1400,
        12,
    ),
    (
        "pates-riz",
        "Spaghetti",
        "paquet",
        ["500 g", "5 kg"],
        "5.50",
        "1.10",
        ["gluten"],
        "Ambiante, au sec",
        700,
        12,
    ),
    (
        "pates-riz",
        "Penne rigate",
        "paquet",
        ["500 g", "5 kg"],
        "5.50",
        "1.15",
        ["gluten"],
        "Ambiante, au sec",
        700,
        12,
    ),
    ("pates-riz", "Riz basmati", "sac", ["1 kg", "5 kg"], "5.50", "2.40", [], "Ambiante, au sec", 700, 10),
    (
        "huiles",
        "Huile de tournesol",
        "bidon",
        ["1 L", "5 L"],
        "5.50",
        "2.60",
        [],
        "Ambiante, à l'abri de la lumière",
        540,
        6,
    ),
    (
        "huiles",
        "Huile d'olive vierge extra",
        "bouteille",
        ["75 cl", "5 L"],
        "5.50",
        "7.90",
        [],
        "Ambiante, à l'abri de la lumière",
        540,
        6,
    ),
    ("huiles", "Vinaigre de vin", "bouteille", ["1 L"], "5.50", "1.30", ["sulphites"], "Ambiante", 1000, 12),
    (
        "sucre-farine",
        "Farine de blé T55",
        "sac",
        ["1 kg", "25 kg"],
        "5.50",
        "0.95",
        ["gluten"],
        "Au sec, à l'abri des nuisibles",
        365,
        10,
    ),
    ("sucre-farine", "Sucre en poudre", "sac", ["1 kg", "5 kg"], "5.50", "1.25", [], "Au sec", 1000, 10),
    ("sucre-farine", "Levure boulangère", "paquet", ["500 g"], "5.50", "3.20", [], "Au frais", 60, 20),
    (
        "cafe-the",
        "Café en grains",
        "paquet",
        ["1 kg"],
        "5.50",
        "14.50",
        [],
        "Au sec, fermé après ouverture",
        540,
        6,
    ),
    ("cafe-the", "Thé noir", "boîte", ["100 sachets"], "5.50", "5.80", [], "Au sec", 720, 12),
    (
        "sauces",
        "Moutarde de Dijon",
        "pot",
        ["1 kg", "5 kg"],
        "5.50",
        "3.40",
        ["mustard"],
        "Au frais après ouverture",
        540,
        6,
    ),
    (
        "sauces",
        "Mayonnaise",
        "seau",
        ["950 g", "5 kg"],
        "5.50",
        "4.10",
        ["eggs", "mustard"],
        "Au frais après ouverture",
        240,
        6,
    ),
    ("sauces", "Sauce tomate cuisinée", "boîte", ["4/4"], "5.50", "2.30", ["celery"], "Ambiante", 720, 6),
    (
        "cremes",
        "Crème fraîche épaisse 35 %",
        "pot",
        ["1 L", "5 L", "50 cl"],
        "5.50",
        "4.20",
        ["milk"],
        "Entre 0 et 4 °C",
        30,
        6,
    ),
    (
        "cremes",
        "Crème liquide UHT 35 %",
        "brique",
        ["1 L"],
        "5.50",
        "3.60",
        ["milk"],
        "Ambiante avant ouverture, puis 0-4 °C",
        120,
        6,
    ),
    ("cremes", "Mascarpone", "pot", ["500 g", "2 kg"], "5.50", "4.90", ["milk"], "Entre 0 et 4 °C", 45, 6),
    (
        "beurres",
        "Beurre doux",
        "plaquette",
        ["250 g", "500 g", "1 kg"],
        "5.50",
        "2.45",
        ["milk"],
        "Entre 0 et 6 °C",
        60,
        20,
    ),
    (
        "beurres",
        "Beurre demi-sel",
        "plaquette",
        ["250 g", "500 g"],
        "5.50",
        "2.55",
        ["milk"],
        "Entre 0 et 6 °C",
        60,
        20,
    ),
    ("fromages", "Emmental râpé", "sachet", ["1 kg"], "5.50", "8.90", ["milk"], "Entre 0 et 4 °C", 45, 6),
    (
        "fromages",
        "Mozzarella",
        "sachet",
        ["125 g", "1 kg"],
        "5.50",
        "7.20",
        ["milk"],
        "Entre 0 et 4 °C",
        25,
        8,
    ),
    ("fromages", "Comté AOP 12 mois", "pièce", ["1 kg"], "5.50", "16.90", ["milk"], "Entre 2 et 8 °C", 60, 4),
    (
        "laits",
        "Lait entier UHT",
        "brique",
        ["1 L"],
        "5.50",
        "1.05",
        ["milk"],
        "Ambiante avant ouverture",
        120,
        6,
    ),
    (
        "oeufs",
        "Œufs frais calibre M",
        "plateau",
        ["30 œufs"],
        "5.50",
        "6.90",
        ["eggs"],
        "Entre 0 et 8 °C",
        28,
        6,
    ),
    (
        "boeuf",
        "Steak haché 15 % MG",
        "barquette",
        ["10 x 100 g", "5 kg"],
        "5.50",
        "11.90",
        [],
        "Entre 0 et 4 °C",
        10,
        4,
    ),
    ("boeuf", "Bavette d'aloyau", "pièce", ["1 kg"], "5.50", "21.50", [], "Entre 0 et 4 °C", 12, 4),
    (
        "volaille",
        "Filet de poulet",
        "barquette",
        ["1 kg", "2,5 kg"],
        "5.50",
        "9.80",
        [],
        "Entre 0 et 4 °C",
        9,
        4,
    ),
    (
        "charcuterie",
        "Jambon cuit supérieur",
        "pièce",
        ["5 kg"],
        "5.50",
        "10.50",
        [],
        "Entre 0 et 4 °C",
        30,
        2,
    ),
    ("charcuterie", "Lardons fumés", "sachet", ["1 kg"], "5.50", "7.40", [], "Entre 0 et 4 °C", 30, 6),
    ("frites", "Frites 9/9 mm", "sac", ["2,5 kg"], "5.50", "3.10", [], "À -18 °C", 540, 4),
    ("frites", "Pommes de terre rissolées", "sac", ["2,5 kg"], "5.50", "3.90", [], "À -18 °C", 540, 4),
    (
        "legumes-surgeles",
        "Haricots verts extra-fins",
        "sac",
        ["2,5 kg"],
        "5.50",
        "4.60",
        [],
        "À -18 °C",
        720,
        4,
    ),
    ("legumes-surgeles", "Épinards en branches", "sac", ["2,5 kg"], "5.50", "3.70", [], "À -18 °C", 720, 4),
    (
        "poissons-surgeles",
        "Filet de cabillaud",
        "sac",
        ["1 kg"],
        "5.50",
        "13.90",
        ["fish"],
        "À -18 °C",
        540,
        5,
    ),
    (
        "poissons-surgeles",
        "Crevettes décortiquées",
        "sac",
        ["1 kg"],
        "5.50",
        "15.50",
        ["crustaceans"],
        "À -18 °C",
        540,
        5,
    ),
    (
        "desserts-surgeles",
        "Tarte aux pommes",
        "carton",
        ["8 parts"],
        "5.50",
        "9.90",
        ["gluten", "eggs", "milk"],
        "À -18 °C",
        360,
        4,
    ),
    (
        "desserts-surgeles",
        "Fondant au chocolat",
        "carton",
        ["12 pièces"],
        "5.50",
        "12.90",
        ["gluten", "eggs", "milk", "soybeans"],
        "À -18 °C",
        360,
        4,
    ),
    (
        "legumes",
        "Pommes de terre de consommation",
        "sac",
        ["10 kg", "25 kg"],
        "5.50",
        "0.85",
        [],
        "Au frais, à l'obscurité",
        30,
        1,
    ),
    ("legumes", "Oignons jaunes", "filet", ["5 kg", "10 kg"], "5.50", "1.10", [], "Au sec", 60, 1),
    ("legumes", "Tomates grappe", "colis", ["6 kg"], "5.50", "2.60", [], "Ambiante fraîche", 8, 1),
    ("fruits", "Citrons jaunes", "colis", ["5 kg"], "5.50", "2.90", [], "Ambiante fraîche", 20, 1),
    ("fruits", "Pommes Golden", "colis", ["7 kg"], "5.50", "1.80", [], "Au frais", 40, 1),
    (
        "eaux",
        "Eau minérale naturelle",
        "bouteille",
        ["1,5 L", "50 cl"],
        "5.50",
        "0.42",
        [],
        "Ambiante, à l'abri du soleil",
        540,
        6,
    ),
    (
        "eaux",
        "Eau gazeuse",
        "bouteille",
        ["1 L", "50 cl"],
        "5.50",
        "0.60",
        [],
        "Ambiante, à l'abri du soleil",
        540,
        6,
    ),
    (
        "sodas",
        "Jus d'orange pur jus",
        "brique",
        ["1 L"],
        "5.50",
        "1.90",
        [],
        "Au frais après ouverture",
        240,
        6,
    ),
    ("sodas", "Cola", "canette", ["33 cl"], "5.50", "0.55", [], "Ambiante", 270, 24),
    ("bieres", "Bière blonde 5 %", "fût", ["30 L"], "20.00", "95.00", ["gluten"], "Au frais", 180, 1),
    ("vaisselle", "Liquide vaisselle main", "bidon", ["5 L"], "20.00", "6.90", [], "Ambiante", 1000, 4),
    (
        "sols",
        "Détergent sols",
        "bidon",
        ["5 L"],
        "20.00",
        "8.50",
        [],
        "Ambiante, hors de portée des enfants",
        1000,
        4,
    ),
    ("mains", "Savon doux mains", "bidon", ["5 L"], "20.00", "7.90", [], "Ambiante", 1000, 4),
]
BRANDS = {
    "default": [
        "Le Grossiste",
        "Saveurs de France",
        "Cuisine Pro",
        "Chef Select",
        "Terre & Table",
        "Les Halles",
    ],
    "cremerie": ["Président", "Elle & Vire", "Bridel", "Candia", "Le Grossiste"],
    "hygiene": ["Rochebrune", "ProNet", "Le Grossiste"],
}
HAZARDS = {"hygiene": "Irritant pour les yeux. Porter des gants. Ne pas mélanger avec de l'eau de Javel."}
COMPLEMENT_RULES = [
    ("Crème fraîche épaisse 35 %", "Mascarpone", "Souvent commandé ensemble en pâtisserie"),
    ("Spaghetti", "Sauce tomate cuisinée", "La sauce qui va avec les pâtes"),
    ("Penne rigate", "Emmental râpé", "Gratins de pâtes"),
    ("Farine de blé T55", "Levure boulangère", "Indispensable pour la panification"),
    ("Café en grains", "Sucre en poudre", "Service du café"),
    ("Steak haché 15 % MG", "Frites 9/9 mm", "Le menu burger-frites"),
    ("Tarte aux pommes", "Crème liquide UHT 35 %", "Pour la chantilly maison"),
    ("Filet de poulet", "Riz basmati", "Plat du jour"),
    ("Mozzarella", "Tomates grappe", "Salade caprese"),
    ("Liquide vaisselle main", "Savon doux mains", "Hygiène de la plonge"),
]


def _ean(n: int) -> str:
    body = f"376{n:09d}"
    return body + ean_check.calc_check_digit(body)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    target = ctx.pick(small=1500, medium=3000, large=5000)
    today = ctx.today

    categories: dict[str, Category] = {}
    for code, name, subs in FAMILIES:
        family = Category.objects.create(code=code, name=name)
        categories[code] = family
        for sub_code, sub_name in subs:
            categories[sub_code] = Category.objects.create(code=sub_code, name=sub_name, parent=family)
    family_of = {sub: fam for fam, _n, subs in FAMILIES for sub, _sn in subs}

    warehouses = [
        Warehouse.objects.create(code="rungis", name="Rungis"),
        Warehouse.objects.create(code="lyon", name="Lyon-Corbas"),
    ]

    products: list[Product] = []
    specs: list[tuple] = []
    n = 0
    round_no = 0
    while len(products) < target:
        for item in ITEMS:
            sub, name, base_unit, formats, vat, price, allergens, storage, shelf, pack = item
            family = family_of[sub]
            brands = BRANDS.get(family, BRANDS["default"])
            brand = brands[(round_no + n) % len(brands)]
            fmt = formats[(round_no // len(brands)) % len(formats)]
            variant = (
                ""
                if round_no < len(brands) * len(formats)
                else f" réf. {round_no // (len(brands) * len(formats)) + 1}"
            )
            n += 1
            factor = Decimal(str(round(rng.uniform(0.85, 1.25), 2)))
            product = Product(
                code=f"{family[:3].upper()}{n:05d}",
                ean=_ean(n),
                name=f"{name} {fmt}{variant}",
                brand=brand,
                category=categories[sub],
                base_unit=base_unit,
                vat_rate=Decimal(vat),
                base_price=(Decimal(price) * factor).quantize(Decimal("0.0001")),
                purchase_cost=(Decimal(price) * factor * Decimal("0.72")).quantize(Decimal("0.0001")),
                lead_time_days=rng.choice([0, 0, 1, 2]),
                characteristics=f"{name}, {fmt}. Marque {brand}.",
                usage=_usage(family),
                limits="Respecter la chaîne du froid." if "°C" in storage else "",
                allergens=list(allergens),
                storage=storage,
                shelf_life_days=shelf,
                safety_notes=HAZARDS.get(family, ""),
                labels=rng.sample(
                    ["Origine France", "Label Rouge", "Bio", "HVE", "MSC"], rng.choice([0, 0, 1])
                ),
                origin=rng.choice(["France", "France", "Union européenne", "Italie", "Espagne"]),
                description=f"{name} en {base_unit} de {fmt}, conditionné par {pack}.",
            )
            product.search_text = build_search_text(
                product, f"{categories[sub].name} {categories[family].name}"
            )
            products.append(product)
            specs.append((product, pack, name))
            if len(products) >= target:
                break
        round_no += 1
    Product.objects.bulk_create(products, batch_size=1000)
    PRODUCT_INDEX.optimize()

    units, stocks, receipts = [], [], []
    for product, pack, _name in specs:
        units.append(
            SalesUnit(
                product=product, code="UVC", label=product.base_unit, base_quantity=1, is_default=pack == 1
            )
        )
        if pack > 1:
            units.append(
                SalesUnit(
                    product=product,
                    code="CAR",
                    label=f"carton de {pack}",
                    base_quantity=pack,
                    is_default=True,
                )
            )
            units.append(
                SalesUnit(
                    product=product,
                    code="PAL",
                    label="palette de 60 cartons",
                    base_quantity=pack * 60,
                    min_quantity=1,
                )
            )
        shortage = rng.random() < 0.08
        for warehouse in warehouses:
            on_hand = 0 if shortage else rng.randint(pack * 5, pack * 200)
            stocks.append(
                Stock(
                    product=product,
                    warehouse=warehouse,
                    on_hand=on_hand,
                    reserved=min(on_hand, rng.randint(0, pack * 10)),
                )
            )
        if shortage or rng.random() < 0.1:
            receipts.append(
                Receipt(
                    product=product,
                    warehouse=warehouses[0],
                    quantity=pack * rng.randint(20, 120),
                    expected_on=today + dt.timedelta(days=rng.randint(1, 12)),
                )
            )
    SalesUnit.objects.bulk_create(units, batch_size=2000)
    Stock.objects.bulk_create(stocks, batch_size=2000)
    Receipt.objects.bulk_create(receipts, batch_size=2000)

    from televente.customers.models import Segment

    lists, items, breaks = [], [], []
    for segment in Segment.objects.all():
        lists.append(
            PriceList(
                name=f"Tarif {segment.name} {today.year}",
                segment=segment,
                valid_from=today.replace(month=1, day=1),
            )
        )
    PriceList.objects.bulk_create(lists)
    for price_list in lists:
        for product in rng.sample(products, len(products) // 4):
            items.append(
                PriceListItem(
                    price_list=price_list,
                    product=product,
                    price=(product.base_price * Decimal("0.95")).quantize(Decimal("0.0001")),
                )
            )
    for product, pack, _name in specs[: len(specs) // 5]:
        breaks.append(
            QuantityBreak(
                product=product,
                min_quantity=max(2, pack * 10),
                price=(product.base_price * Decimal("0.92")).quantize(Decimal("0.0001")),
            )
        )
    PriceListItem.objects.bulk_create(items, batch_size=2000)
    QuantityBreak.objects.bulk_create(breaks, batch_size=2000)

    by_item: dict[str, list[Product]] = {}
    for product, _pack, name in specs:
        by_item.setdefault(name, []).append(product)
    links = []
    for group in by_item.values():
        for product in group[:40]:
            others = [p for p in group if p.pk != product.pk][:3]
            for rank, other in enumerate(others, 1):
                links.append(
                    ProductLink(
                        kind="substitute",
                        product=product,
                        target=other,
                        rank=rank,
                        reason="Même produit, autre marque ou autre format",
                        equivalence="Mêmes allergènes, même conservation",
                    )
                )
    for source, target, reason in COMPLEMENT_RULES:
        for product in by_item.get(source, [])[:60]:
            for rank, other in enumerate(by_item.get(target, [])[:2], 1):
                links.append(
                    ProductLink(kind="complement", product=product, target=other, rank=rank, reason=reason)
                )
    ProductLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)

    month_end = today + dt.timedelta(days=30)
    creme = Promotion.objects.create(
        name="Crème fraîche -15 %",
        description="Sur toute la crème fraîche épaisse",
        mechanic="percent",
        percent=Decimal("15"),
        valid_from=today - dt.timedelta(days=3),
        valid_until=month_end,
    )
    creme.products.add(*by_item["Crème fraîche épaisse 35 %"])
    eau = Promotion.objects.create(
        name="Eau minérale 10 + 1",
        description="Un pack offert pour dix achetés",
        mechanic="free_goods",
        buy_quantity=10,
        free_quantity=1,
        valid_from=today - dt.timedelta(days=10),
        valid_until=month_end,
    )
    eau.products.add(*by_item["Eau minérale naturelle"])
    surgeles = Promotion.objects.create(
        name="Surgelés -8 %",
        mechanic="percent",
        percent=Decimal("8"),
        valid_from=today,
        valid_until=month_end,
        budget=Decimal("5000"),
    )
    surgeles.categories.add(*[c for code, c in categories.items() if family_of.get(code) == "surgeles"])
    boulange = Promotion.objects.create(
        name="Boulangers : farine T55 à prix spécial",
        mechanic="special_price",
        amount=Decimal("0.79"),
        valid_from=today - dt.timedelta(days=5),
        valid_until=month_end,
    )
    boulange.products.add(*by_item["Farine de blé T55"])
    boulange.segments.add(*Segment.objects.filter(code="boulangerie"))
    Promotion.objects.create(
        name="5 % dès 800 € HT",
        mechanic="order_threshold",
        percent=Decimal("5"),
        threshold=Decimal("800"),
        valid_from=today,
        valid_until=month_end,
    )
    ctx.shared["products"] = products
    ctx.log(
        f"  catalog: {len(products)} products, {len(units)} sales units, {len(receipts)} receipts, {len(links)} links"
    )


def _usage(family: str) -> str:
    return {
        "epicerie": "Cuisine du quotidien, grandes quantités.",
        "cremerie": "Cuisine et pâtisserie ; bien refermer après usage.",
        "boucherie": "À cuire à cœur pour la volaille et le haché (70 °C).",
        "surgeles": "Cuire sans décongeler, ne jamais recongeler un produit décongelé.",
        "fruits-legumes": "Laver avant emploi.",
        "boissons": "Servir frais.",
        "hygiene": "Diluer selon la notice ; rincer les surfaces en contact avec les aliments.",
    }[family]
