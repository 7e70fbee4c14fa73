import pytest
from django.urls import reverse

from televente.accounts.models import ApiToken
from televente.accounts.tests.factories import PASSWORD


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_login_page_is_french_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Se connecter" in response.text


@pytest.mark.django_db
def test_login_then_home(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "rep_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert "Équipe A" in response.text


@pytest.mark.django_db
def test_wrong_password_keeps_username_and_says_why(client, world):
    response = client.post(reverse("accounts:login"), {"username": "rep_a", "password": "nope"})
    assert response.status_code == 200
    assert 'value="rep_a"' in response.text
    assert "Saisissez un nom d" in response.text or "correct" in response.text


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(client, world):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "rep_a", "password": "nope"})
    response = client.post(reverse("accounts:login"), {"username": "rep_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_pages_need_login(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# (role fixture, url name, kwargs builder, expected status): a table, as NetBox's ViewTestCases do.
PERMISSIONS = [
    ("rep_a", "accounts:home", None, 200),
    ("rep_a", "accounts:my_team", None, 200),
    ("rep_a", "accounts:team_detail", "team_a", 200),
    ("rep_a", "accounts:team_detail", "team_b", 404),
    ("rep_b", "accounts:team_detail", "team_a", 404),
    ("field_a", "accounts:team_detail", "team_a", 200),
    ("sup_a", "accounts:team_detail", "team_a", 200),
    ("sup_a", "accounts:team_detail", "team_b", 404),
    ("bo_logistics", "accounts:team_detail", "team_b", 200),
    ("bo_logistics", "accounts:my_team", None, 404),
    ("admin", "accounts:team_detail", "team_b", 200),
    ("rep_a", "admin:index", None, 302),
    ("sup_a", "admin:index", None, 302),
    ("admin", "admin:index", None, 200),
    ("rep_a", "accounts:profile", None, 200),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url_name", "team", "expected"), PERMISSIONS)
def test_permission_table(client, world, who, url_name, team, expected):
    kwargs = {"pk": getattr(world, team).pk} if team else {}
    response = login(client, getattr(world, who)).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep_a", "sup_a", "field_a", "bo_logistics", "admin"])
def test_each_role_has_a_home_page_with_only_allowed_links(client, world, who):
    user = getattr(world, who)
    response = login(client, user).get(reverse("accounts:home"))
    assert response.status_code == 200
    assert str(user.get_role_display()) in response.text
    assert (reverse("admin:index") in response.text) == (who == "admin")


@pytest.mark.django_db
def test_home_page_query_count(client, world, django_assert_max_num_queries):
    login(client, world.sup_a)
    with django_assert_max_num_queries(8):
        client.get(reverse("accounts:home"))


@pytest.mark.django_db
def test_csp_header_forbids_inline_scripts(client, world):
    response = login(client, world.rep_a).get(reverse("accounts:home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.text  # every script is an external file


@pytest.mark.django_db
def test_language_preference_switches_the_interface_to_english(client, world):
    login(client, world.rep_a)
    response = client.post(
        reverse("accounts:preferences"), {"language": "en", "time_zone": "Europe/Paris"}, follow=True
    )
    assert response["Content-Language"] == "en"
    assert "My account" in response.text


@pytest.mark.django_db
def test_preferences_error_keeps_input(client, world):
    login(client, world.rep_a)
    response = client.post(reverse("accounts:preferences"), {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    world.rep_a.refresh_from_db()
    assert world.rep_a.language == "fr"


@pytest.mark.django_db
def test_password_change_error_is_shown_next_to_the_field(client, world):
    login(client, world.rep_a)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Nouveau-mot-2-passe",
            "new_password2": "Nouveau-mot-2-passe",
        },
    )
    assert response.status_code == 200
    assert "L&#x27;ancien mot de passe est incorrect." in response.text


@pytest.mark.django_db
def test_password_change_keeps_the_session(client, world):
    login(client, world.rep_a)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nouveau-mot-2-passe",
            "new_password2": "Nouveau-mot-2-passe",
        },
        follow=True,
    )
    assert "Mot de passe modifié." in response.text
    assert client.get(reverse("accounts:home")).status_code == 200


@pytest.mark.django_db
def test_token_create_with_htmx_answers_the_partial_with_the_key_once(client, world):
    login(client, world.rep_a)
    response = client.post(reverse("accounts:token_create"), {"name": "ERP"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="api-tokens"' in response.text
    assert "<html" not in response.text
    token = ApiToken.objects.get(user=world.rep_a)
    assert "tv_" in response.text and token.key_prefix in response.text
    again = client.get(reverse("accounts:profile"))
    assert token.key_prefix in again.text
    assert "Copiez cette clé maintenant" not in again.text


@pytest.mark.django_db
def test_token_revoke_of_someone_else_is_404(client, world):
    from televente.accounts import services

    token, _raw = services.api_token_create(user=world.rep_b, name="ERP")
    login(client, world.rep_a)
    response = client.post(reverse("accounts:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_logout_needs_post(client, world):
    login(client, world.rep_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302
