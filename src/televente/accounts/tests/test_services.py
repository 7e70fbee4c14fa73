import pytest
from django.core import mail

from televente.accounts import services
from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import ApiToken, User
from televente.accounts.tests.factories import PASSWORD, UserFactory
from televente.core.errors import DomainError


@pytest.mark.django_db
def test_user_create_refuses_back_office_without_service():
    with pytest.raises(DomainError, match="service"):
        services.user_create(username="x", password="a-long-password-1", role=Role.BACK_OFFICE)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_user_create_drops_service_for_non_back_office_roles():
    user = services.user_create(
        username="rep", password="a-long-password-1", role=Role.REP, service=BackOfficeService.LOGISTICS
    )
    assert user.service == ""
    assert user.check_password("a-long-password-1")


@pytest.mark.django_db
def test_user_create_refuses_pairing_with_a_non_field_rep(world):
    with pytest.raises(DomainError):
        services.user_create(username="y", password=None, role=Role.REP, paired_field_rep=world.rep_b)


@pytest.mark.django_db
def test_team_create_needs_a_supervisor_role(world):
    with pytest.raises(DomainError):
        services.team_create(name="Équipe C", supervisor=world.rep_a)


@pytest.mark.django_db(transaction=True)
def test_change_password_checks_old_password_and_notifies_once(run_tasks):
    user = UserFactory(username="lea")
    with pytest.raises(DomainError) as exc:
        services.user_change_password(user=user, old_password="wrong", new_password="Nouveau-mot-2-passe")
    assert exc.value.field == "old_password"

    services.user_change_password(user=user, old_password=PASSWORD, new_password="Nouveau-mot-2-passe")
    run_tasks()
    user.refresh_from_db()
    assert user.check_password("Nouveau-mot-2-passe")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@example.fr"]
    assert "mot de passe" in mail.outbox[0].subject.lower()


@pytest.mark.django_db
def test_change_password_refuses_weak_password():
    user = UserFactory()
    with pytest.raises(DomainError) as exc:
        services.user_change_password(user=user, old_password=PASSWORD, new_password="12345")
    assert exc.value.field == "new_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_api_token_is_stored_hashed_and_authenticates_until_revoked(world):
    token, raw = services.api_token_create(user=world.rep_a, name="ERP")
    assert raw.startswith("tv_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.key_hash, stored.key_prefix)
    assert services.api_token_authenticate(raw_key=raw) == world.rep_a
    assert services.api_token_authenticate(raw_key=raw + "x") is None

    services.api_token_revoke(token=token, by=world.rep_a)
    assert services.api_token_authenticate(raw_key=raw) is None


@pytest.mark.django_db
def test_api_token_of_inactive_user_does_not_authenticate(world):
    _token, raw = services.api_token_create(user=world.rep_a, name="ERP")
    User.objects.filter(pk=world.rep_a.pk).update(is_active=False)
    assert services.api_token_authenticate(raw_key=raw) is None


@pytest.mark.django_db
def test_only_owner_or_admin_revokes_a_token(world):
    token, _raw = services.api_token_create(user=world.rep_a, name="ERP")
    with pytest.raises(DomainError):
        services.api_token_revoke(token=token, by=world.rep_b)
    services.api_token_revoke(token=token, by=world.admin)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_api_token_needs_a_name(world):
    with pytest.raises(DomainError):
        services.api_token_create(user=world.rep_a, name="   ")


@pytest.mark.django_db
def test_user_changes_are_audited_with_before_and_after(world):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    with set_actor(world.admin):
        services.user_set_preferences(user=world.rep_a, language="en", time_zone="Europe/Paris")
    entry = LogEntry.objects.get_for_object(world.rep_a).latest("timestamp")
    assert entry.actor == world.admin
    assert entry.changes_dict["language"] == ["fr", "en"]
