"""Shared set-up for the bench scripts: environment defaults and django.setup().

Import this before anything from Django. Every default can be overridden from
the environment; with nothing set the scripts use the ``alims_bench`` database
on the local PostgreSQL.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/alims_bench"

# Bench users (generate.py creates them, changelist.py logs in as them).
USERNAME_PREFIX = "bench."
MANAGER_USERNAME = "bench.manager"


def setup() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # A DATABASE_URL turns on the production defaults; the test client needs
    # plain HTTP, any host and static files without a collected manifest.
    os.environ.setdefault("STATIC_MANIFEST", "False")
    os.environ.setdefault("SECURE_HTTPS", "False")
    os.environ.setdefault("ALLOWED_HOSTS", "*")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()

    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(f"The bench needs PostgreSQL; DATABASE_URL points at {connection.vendor}.")


def database_create_if_missing() -> None:
    """Create the bench database on its server when it is not there yet."""
    import psycopg
    from django.db import connection

    params = dict(connection.get_connection_params())
    name = connection.settings_dict["NAME"]
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        admin.execute(f'CREATE DATABASE "{name}"')
        print(f"Created database {name}")


def database_label() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"{s['NAME']} on {s.get('HOST') or 'local socket'}:{s.get('PORT') or 5432}"
