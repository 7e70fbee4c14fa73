"""Reference data: the usual typologies of a food wholesaler's customers and a default zone list.
Admins adapt them in the admin; they are data, not demo data (loaded by migration 0003)."""

SEGMENTS = [
    ("restaurant", "Restaurant traditionnel", 6),
    ("brasserie", "Brasserie / bar", 5),
    ("restauration-rapide", "Restauration rapide", 4),
    ("restauration-collective", "Restauration collective (cantine)", 8),
    ("hotel", "Hôtel-restaurant", 7),
    ("traiteur", "Traiteur", 6),
    ("boulangerie", "Boulangerie-pâtisserie", 5),
    ("epicerie", "Épicerie / supérette", 5),
    ("boucherie", "Boucherie-charcuterie", 5),
    ("primeur", "Primeur", 4),
]
ZONES = [
    ("idf-nord", "Île-de-France Nord"),
    ("idf-sud", "Île-de-France Sud"),
    ("rhone-alpes", "Rhône-Alpes"),
    ("hauts-de-france", "Hauts-de-France"),
    ("nouvelle-aquitaine", "Nouvelle-Aquitaine"),
    ("paca", "Provence-Alpes-Côte d'Azur"),
]


def ensure_reference_data(segment_model, zone_model) -> None:
    for code, name, minutes in SEGMENTS:
        segment_model.objects.get_or_create(code=code, defaults={"name": name, "call_minutes": minutes})
    for code, name in ZONES:
        zone_model.objects.get_or_create(code=code, defaults={"name": name})
