import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from televente.settings import base


def test_production_hasher_is_argon2():
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_csp_has_no_unsafe_inline():
    for sources in settings.SECURE_CSP.values():
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources


def test_production_settings_fail_fast_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "televente.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "SMTP_HOST": "smtp.example.fr",
        "DJANGO_SETTINGS_MODULE": "televente.settings.production",
        "SECRET_KEY": "x" * 20 + "production-test-secret-key-abcdefghijklmnop",
        "ALLOWED_HOSTS": "crm.example.fr",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
