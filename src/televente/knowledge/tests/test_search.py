"""The search forgives accents and case, on SQLite (FTS5) and PostgreSQL (full text)."""

from __future__ import annotations

import pytest

from televente.catalog.tests.factories import ProductFactory
from televente.knowledge import selectors, services
from televente.knowledge.search import build_search_text, snippet

pytestmark = pytest.mark.django_db


def titles(result) -> list[str]:
    return [a.title for a in result.articles]


def test_accents_and_case_are_forgiven(world, articles):
    assert titles(selectors.knowledge_search(user=world.rep_a, query="creme")) == [
        "Crème fraîche ou crème liquide ?"
    ]
    assert titles(selectors.knowledge_search(user=world.rep_a, query="ALLERGÈNES")) == [
        "Les 14 allergènes à déclarer"
    ]
    assert titles(selectors.knowledge_search(user=world.rep_a, query="allergenes")) == [
        "Les 14 allergènes à déclarer"
    ]


def test_every_word_must_match_and_the_last_is_a_prefix(world, articles):
    assert titles(selectors.knowledge_search(user=world.rep_a, query="chaine froi")) == ["Chaîne du froid"]
    assert titles(selectors.knowledge_search(user=world.rep_a, query="chaine chantilly")) == []


def test_ranked_title_first(world, articles):
    services.article_save(
        by=world.sup_a,
        title="Livraison",
        topic="procedure",
        body="Une ligne sur le froid parmi d'autres mots.",
    )
    found = titles(selectors.knowledge_search(user=world.rep_a, query="froid"))
    assert found[0] == "Chaîne du froid" and "Livraison" in found


def test_topic_filter_and_unpublished_hidden_from_reps(world, articles):
    assert titles(selectors.knowledge_search(user=world.rep_a, query="", topic="cold_chain")) == [
        "Chaîne du froid"
    ]
    services.article_publish(article=articles["cold"], by=world.sup_a, published=False)
    assert titles(selectors.knowledge_search(user=world.rep_a, query="froid")) == []
    assert titles(selectors.knowledge_search(user=world.sup_a, query="froid")) == ["Chaîne du froid"]


def test_updated_article_is_found_by_its_new_words(world, articles):
    article = articles["cream"]
    services.article_save(
        by=world.sup_a,
        article=article,
        title=article.title,
        topic=article.topic,
        body="Mascarpone et tiramisu.",
    )
    assert titles(selectors.knowledge_search(user=world.rep_a, query="tiramisu")) == [article.title]
    assert titles(selectors.knowledge_search(user=world.rep_a, query="chantilly")) == []


def test_products_alongside(world, articles):
    ProductFactory(code="CRE001", name="Crème liquide UHT 35 %")
    result = selectors.knowledge_search(user=world.rep_a, query="creme")
    assert [row[2] for row in result.products] == ["Crème liquide UHT 35 %"]


def test_snippet_marks_matches_and_escapes():
    text = "Avant <b>tout</b> : la crème fraîche se conserve entre 0 et 4 °C."
    out = snippet(text, "creme")
    assert "<mark>crème</mark>" in out and "&lt;b&gt;" in out
    assert build_search_text(title="Crème", body="Brûlée") == " creme creme brulee "


def test_search_query_count(world, articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        result = selectors.knowledge_search(user=world.rep_a, query="froid")
    assert result.articles


def test_index_exists_for_the_database(db):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'knowledge_article_fts'")
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = 'knowledge_article_search_fts'"
            )
        assert cursor.fetchone()


def test_the_topic_restricts_the_match_before_the_limit(world, articles):
    from televente.knowledge.models import Article
    from televente.knowledge.search import ranked_ids

    for n in range(6):  # better ranked (the word in their title), in another topic
        services.article_save(by=world.sup_a, title=f"Froid {n}", topic="procedure", body="Froid froid.")
    cold = Article.objects.filter(topic="cold_chain")
    assert ranked_ids(cold, "froid", limit=1) == [articles["cold"].pk]
