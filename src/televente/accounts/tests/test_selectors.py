import pytest

from televente.accounts import selectors
from televente.accounts.models import Team, User


@pytest.mark.django_db
def test_rep_sees_only_own_team(world):
    assert list(Team.objects.visible_to(world.rep_a)) == [world.team_a]
    assert selectors.team_for_user(user=world.rep_a, team_id=world.team_b.pk) is None


@pytest.mark.django_db
def test_supervisor_sees_led_team_and_back_office_sees_all(world):
    assert list(Team.objects.visible_to(world.sup_a)) == [world.team_a]
    assert set(Team.objects.visible_to(world.bo_logistics)) == {world.team_a, world.team_b}
    assert set(Team.objects.visible_to(world.admin)) == {world.team_a, world.team_b}


@pytest.mark.django_db
def test_visible_users_of_a_rep_are_the_team_and_its_supervisor(world):
    visible = set(User.objects.visible_to(world.rep_a))
    assert {world.rep_a, world.rep_a2, world.field_a, world.sup_a} <= visible
    assert world.rep_b not in visible
    assert world.sup_b not in visible


@pytest.mark.django_db
def test_team_view_splits_reps_and_field_reps(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        view = selectors.team_for_user(user=world.sup_a)
        names = [r.username for r in view.reps] + [f.paired_field_rep for f in view.reps]
    assert view.team == world.team_a
    assert {r.username for r in view.reps} == {"rep_a", "rep_a2"}
    assert [f.username for f in view.field_reps] == ["field_a"]
    assert names


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep_a", "sup_a", "field_a", "bo_logistics", "admin"])
def test_home_selector_has_bounded_queries(world, who, django_assert_max_num_queries):
    user = getattr(world, who)
    with django_assert_max_num_queries(4):
        view = selectors.home_for(user=user)
        str(view.supervisor), str(view.paired_field_rep)
    if who == "sup_a":
        assert view.teams_led == [world.team_a]
        assert view.teams_led[0].members_count == 3
    if who == "field_a":
        assert view.paired_reps == [world.rep_a]
    if who == "admin":
        assert view.users_count == 8
