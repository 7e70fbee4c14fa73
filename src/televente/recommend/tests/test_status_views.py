"""The status page (supervisors and admin) and the « Recalculer maintenant » button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from televente.core.navigation import entries_for
from televente.recommend.choices import RunStatus, RunTrigger
from televente.recommend.models import ModelRun
from televente.recommend.services import TASK_PATH

STATUS = reverse("recommend:status")
TRAIN = reverse("recommend:train_now")


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY).count()


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rep_a", "field_a", "bo_logistics"])
def test_others_than_supervisors_and_admin_are_refused(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(STATUS).status_code == 403
    assert client.post(TRAIN).status_code == 403
    assert queued() == 0
    assert "recommend" not in [e.key for e in entries_for(getattr(world, who))]


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(STATUS)
    assert response.status_code == 302 and "next=" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sup_a", "admin"])
def test_the_status_page_lists_the_runs_and_the_tables(client, world, who, django_assert_max_num_queries):
    now = timezone.now()
    ModelRun.objects.create(
        trigger=RunTrigger.ON_DEMAND, requested_by=world.sup_b, status=RunStatus.DONE, started_at=now,
        finished_at=now, seconds=12.5, lines=1234, customers=56, products=78, basket_rows=90,
    )  # fmt: skip
    ModelRun.objects.create(
        trigger=RunTrigger.NIGHTLY, status=RunStatus.FAILED, started_at=now - dt.timedelta(days=1),
        error="MemoryError: plus de mémoire",
    )  # fmt: skip
    client.force_login(getattr(world, who))
    with django_assert_max_num_queries(12):
        response = client.get(STATUS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recalculer maintenant" in html and "Derniers calculs" in html
    assert "sup_b" in html or str(world.sup_b) in html
    assert "En échec" in html and "plus de mémoire" in html and "12,5" in html
    assert "Panier habituel" in html and "liens déclarés au catalogue" in html
    assert "recommend" in [e.key for e in entries_for(getattr(world, who))]


@pytest.mark.django_db
def test_the_button_enqueues_once_and_refuses_while_queued(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.sup_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TRAIN)
    assert response.status_code == 302 and response.url == STATUS
    assert queued() == 1
    result = DBTaskResult.objects.get()
    assert result.args_kwargs["args"] == [RunTrigger.ON_DEMAND, world.sup_a.pk]
    assert any("Calcul demandé" in t for t in texts(response))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TRAIN)
    assert queued() == 1
    assert any("déjà demandé" in t for t in texts(response))


@pytest.mark.django_db
def test_the_button_refuses_while_a_recent_run_is_running(client, world, django_capture_on_commit_callbacks):
    run = ModelRun.objects.create(
        trigger=RunTrigger.NIGHTLY,
        status=RunStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=3),
    )
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TRAIN, follow=True)
    assert queued() == 0
    assert "déjà en cours" in response.content.decode()

    # A run that still says "running" after 10 minutes has died: a new one may start.
    ModelRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(TRAIN)
    assert queued() == 1


@pytest.mark.django_db
def test_the_button_then_the_worker_trains(client, world, run_tasks, django_capture_on_commit_callbacks):
    client.force_login(world.sup_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(TRAIN)
    run_tasks()
    run = ModelRun.objects.get()
    assert (run.status, run.trigger, run.requested_by) == (RunStatus.DONE, RunTrigger.ON_DEMAND, world.sup_a)
    # Finished: another may be asked for.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(TRAIN)
    assert queued() == 1


@pytest.mark.django_db
def test_the_get_is_not_allowed_on_the_button(client, world):
    client.force_login(world.sup_a)
    assert client.get(TRAIN).status_code == 405
