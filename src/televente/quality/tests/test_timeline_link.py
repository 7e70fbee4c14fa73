"""The supervisor reaches a call's evaluation from the customer's timeline; a rep does not see it."""

from django.urls import reverse


def test_the_timeline_offers_to_evaluate_a_call_to_supervisors_only(client, world, call):
    file_url = reverse("customers:detail", args=[call.company_id])
    evaluate_url = reverse("quality:evaluate", args=[call.pk])

    client.force_login(world.sup_a)
    page = client.get(file_url).content.decode()
    assert "Évaluer cet appel" in page and evaluate_url in page

    client.force_login(world.rep_a)
    page = client.get(file_url).content.decode()
    assert "Évaluer cet appel" not in page


def test_every_navigation_shortcut_is_unique():
    from televente.core.navigation import _REGISTRY

    shortcuts = [e.shortcut for e in _REGISTRY.values() if e.shortcut]
    assert len(shortcuts) == len(set(shortcuts)), sorted(shortcuts)
    assert _REGISTRY["quality"].shortcut == "g d"
