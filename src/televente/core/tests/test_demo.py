import pytest
from django.core.management import CommandError, call_command

from televente.accounts.choices import Role
from televente.accounts.models import Team, User


@pytest.mark.django_db
def test_seed_demo_small_creates_the_demo_logins(client):
    call_command("seed_demo", "--size", "small", verbosity=0)
    for username, role in [
        ("televendeur", Role.REP),
        ("superviseur", Role.SUPERVISOR),
        ("itinerant", Role.FIELD_REP),
        ("adv", Role.BACK_OFFICE),
        ("admin", Role.ADMIN),
    ]:
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password("demo")
    rep = User.objects.get(username="televendeur")
    assert rep.team.supervisor.username == "superviseur"
    assert rep.paired_field_rep.username == "itinerant"
    assert Team.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # --flush truncates tables: not inside a test transaction
def test_seed_demo_is_deterministic():
    call_command("seed_demo", "--size", "small", verbosity=0)
    first = list(User.objects.order_by("username").values_list("username", "first_name", "last_name", "role"))
    call_command("seed_demo", "--size", "small", "--flush", verbosity=0)
    second = list(
        User.objects.order_by("username").values_list("username", "first_name", "last_name", "role")
    )
    assert first == second


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_data_unless_asked(world):
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_demo", "--size", "small", verbosity=0)
    call_command("seed_demo", "--size", "small", "--if-empty", verbosity=0)  # quietly does nothing
    assert not User.objects.filter(username="televendeur").exists()
