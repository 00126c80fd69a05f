"""Strict readers for settings that come from environment variables.

A bad value raises ImproperlyConfigured at start-up instead of being read as
something else: ``DEBUG=yes`` is refused, not taken as true.

Each reader reads ``os.environ`` unless given another mapping (the settings'
helpers take one, so tests can call them with an environment of their own).
"""

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """An empty value is the default, as for the other readers (a Compose file passes
    every variable through, set or not: ``DATA_DIR=`` must not mean the current folder)."""
    raw = (os.environ if environ is None else environ).get(name)
    return default if raw is None or raw == "" else raw


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be True/False (or 1/0), got {raw!r}")


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    return _env_number(name, default, environ, int, "an integer")


def env_float(name: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    return _env_number(name, default, environ, float, "a number")


def _env_number(name, default, environ, convert, what):
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or raw == "":
        return default
    try:
        return convert(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, got {raw!r}") from exc


def env_time(name: str, default: str, environ: Mapping[str, str] | None = None):
    """A time of day written HH:MM (24-hour)."""
    import datetime

    def convert(raw):
        value = datetime.time.fromisoformat(raw.strip())
        if value.tzinfo is not None:
            raise ValueError(raw)
        return value

    return _env_number(name, convert(default), environ, convert, "a time of day like 09:00")


def env_list(name: str, default: list[str] | None = None,
             environ: Mapping[str, str] | None = None) -> list[str]:
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]
