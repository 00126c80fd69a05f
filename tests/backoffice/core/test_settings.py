import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice.core.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-value",
    "DATABASE_URL": "postgres://alims@db.internal:5432/alims",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "backoffice.alims.co.in",
    "DEBUG": "False",
    "EMAIL_HOST": "smtp.alims.co.in",
    "SITE_URL": "https://backoffice.alims.co.in",
}


def _check_deploy(extra_env):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEMO_MODE", "DEBUG",
                        "SECURE_HTTPS", "ALLOWED_HOSTS", "STATIC_MANIFEST", "EMAIL_HOST",
                        "ADMIN_IP_ALLOWLIST", "SITE_URL"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_variables():
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_mail_goes_nowhere():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    result = _check_deploy(env)
    assert result.returncode != 0 and "backoffice.W003" in result.stdout + result.stderr


@pytest.mark.parametrize("site_url", ["", "http://127.0.0.1:8000", "http://localhost",
                                      "http://backoffice.alims.co.in"])
def test_check_deploy_warns_when_site_url_is_this_machine_or_not_https(site_url):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    result = _check_deploy(env)
    assert result.returncode != 0 and "backoffice.W006" in result.stdout + result.stderr


def test_a_malformed_allowlist_fails_the_checks():
    result = _check_deploy({**PRODUCTION_ENV, "ADMIN_IP_ALLOWLIST": "10.0.0.0/8,office"})
    assert result.returncode != 0
    assert "backoffice.E003" in result.stdout + result.stderr and "office" in result.stderr


def test_check_deploy_fails_on_the_embedded_defaults():
    result = _check_deploy({})
    assert result.returncode != 0
    assert "backoffice.E001" in result.stderr + result.stdout


@pytest.mark.parametrize("raw", ["yes", "on", "maybe"])
def test_env_bool_refuses_anything_but_true_or_false(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)


def test_env_readers(monkeypatch):
    monkeypatch.setenv("A_FLAG", "True")
    monkeypatch.setenv("A_NUMBER", "42")
    monkeypatch.setenv("A_LIST", "a.example, b.example ,")
    assert env_bool("A_FLAG", False) is True
    assert env_int("A_NUMBER", 0) == 42
    assert env_list("A_LIST") == ["a.example", "b.example"]
    monkeypatch.setenv("A_NUMBER", "many")
    with pytest.raises(ImproperlyConfigured):
        env_int("A_NUMBER", 0)


def test_an_empty_variable_is_its_default_for_every_reader(monkeypatch):
    """A Compose file passes every variable through, set or not (``VAR: ${VAR:-}``)."""
    for name in ("A_TEXT", "A_FLAG", "A_NUMBER", "A_LIST"):
        monkeypatch.setenv(name, "")
    assert env_str("A_TEXT", "Asia/Kolkata") == "Asia/Kolkata"
    assert env_bool("A_FLAG", True) is True
    assert env_int("A_NUMBER", 7) == 7
    assert env_list("A_LIST", ["x"]) == ["x"]
    monkeypatch.setenv("A_TEXT", "UTC")
    assert env_str("A_TEXT", "Asia/Kolkata") == "UTC"
