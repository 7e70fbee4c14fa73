"""The benchmark cases. Each capability adds its own: a name, what to run, its target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client


@dataclass
class Case:
    run: Callable[[], object] | None = None
    target_p95_ms: float | None = None
    repeat: int | None = None
    custom: Callable[[], dict] | None = None  # for metrics that are not request latencies


METRICS: dict[str, Callable[..., Case]] = {}


def metric(name: str):
    def register(factory: Callable[..., Case]) -> Callable[..., Case]:
        METRICS[name] = factory
        return factory

    return register


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
    return client


def get_ok(client: Client, url: str) -> Callable[[], object]:
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return response

    return run


@metric("login_page")
def login_page(size: str) -> Case:
    return Case(run=get_ok(client_for(None), "/connexion/"), target_p95_ms=50)


@metric("home_page")
def home_page(size: str) -> Case:
    return Case(run=get_ok(client_for("televendeur"), "/"), target_p95_ms=100)


@metric("home_page_supervisor")
def home_page_supervisor(size: str) -> Case:
    return Case(run=get_ok(client_for("superviseur"), "/"), target_p95_ms=100)
