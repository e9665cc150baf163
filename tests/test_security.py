"""Secure from the first commit: deploy checks, passwords, idle sessions, login throttling."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user

PRODUCTION_ENV = {
    "PIAO_PRODUCTION": "true",
    "DEBUG": "false",
    "SECRET_KEY": "t3st-Only_k3y-" + "".join(chr(65 + (i * 7) % 26) for i in range(60)),
    "ALLOWED_HOSTS": "piao.example.it",
}


def test_deploy_check_passes_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    } | PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {"PIAO_PRODUCTION": "true"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("Zq8#rT1!xk")  # 10 characters
    assert any("12" in message for message in excinfo.value.messages)
    validate_password("Zq8#rT1!xkPw")  # 12 characters pass


def test_session_ends_after_thirty_idle_minutes(client, db):
    user = make_user("dirigente-x")
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    assert session.get_expiry_age() == 30 * 60
    # Every request renews the deadline: the limit is on idleness, not on the whole visit.
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_login_is_throttled_then_allowed_after_cool_off(client):
    user = make_user("segretario-x")
    user.set_password("Password-lunga-123")
    user.save()
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": "segretario-x", "password": "sbagliata"})
    locked = client.post(url, {"username": "segretario-x", "password": "Password-lunga-123"})
    assert locked.status_code == 429
    assert "Troppi tentativi di accesso" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # After the cool-off the right password works again: no permanent lock.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = client.post(url, {"username": "segretario-x", "password": "Password-lunga-123"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_wrong_password_is_answered_in_italian(client):
    make_user("utente-y")
    response = client.post(reverse("login"), {"username": "utente-y", "password": "x"})
    assert response.status_code == 200
    assert "inserisci nome utente e password corretti" in response.content.decode().lower()
