"""The database from the environment: persistent connections by default, psycopg's pool on demand."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice.core.checks import check_database_pool, database_pool_errors
from backoffice.core.db import database_config

POSTGRES = {"DATABASE_URL": "postgres://alims:pw@db.internal:5432/alims"}


def test_without_database_url_it_is_sqlite_in_the_data_dir(tmp_path):
    database = database_config({}, tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "db.sqlite3")
    assert database["CONN_MAX_AGE"] == 0
    assert "pool" not in database["OPTIONS"]


def test_postgres_keeps_persistent_connections_with_health_checks_by_default(tmp_path):
    database = database_config(POSTGRES, tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database["OPTIONS"]
    assert "statement_timeout=20000" in database["OPTIONS"]["options"]


def test_db_conn_max_age_sets_the_persistence(tmp_path):
    assert database_config({**POSTGRES, "DB_CONN_MAX_AGE": "0"}, tmp_path)["CONN_MAX_AGE"] == 0


def test_database_pool_uses_psycopgs_pool_with_default_sizes(tmp_path):
    database = database_config({**POSTGRES, "DATABASE_POOL": "True"}, tmp_path)
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    # Django refuses a pool with persistent connections
    assert database["CONN_MAX_AGE"] == 0
    # the statement timeout still starts every connection
    assert "statement_timeout=20000" in database["OPTIONS"]["options"]


def test_database_pool_sizes_and_timeout_come_from_the_environment(tmp_path):
    database = database_config({**POSTGRES, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "8",
                                "DATABASE_POOL_MIN_SIZE": "2", "DATABASE_POOL_TIMEOUT": "5",
                                "DB_CONN_MAX_AGE": "600"}, tmp_path)
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 5}
    assert database["CONN_MAX_AGE"] == 0


def test_the_pool_minimum_never_exceeds_its_maximum(tmp_path):
    database = database_config({**POSTGRES, "DATABASE_POOL": "True", "DATABASE_POOL_MAX_SIZE": "1",
                                "DATABASE_POOL_MIN_SIZE": "3"}, tmp_path)
    assert database["OPTIONS"]["pool"]["min_size"] == 1


def test_database_pool_off_is_persistent_connections(tmp_path):
    database = database_config({**POSTGRES, "DATABASE_POOL": "False"}, tmp_path)
    assert "pool" not in database["OPTIONS"] and database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize("raw", ["yes", "on"])
def test_database_pool_refuses_anything_but_true_or_false(tmp_path, raw):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL"):
        database_config({**POSTGRES, "DATABASE_POOL": raw}, tmp_path)


def test_the_pool_is_ignored_on_sqlite_by_the_dict_and_refused_by_the_check(tmp_path):
    database = database_config({"DATABASE_POOL": "True"}, tmp_path)
    assert "pool" not in database["OPTIONS"]
    assert [error.id for error in database_pool_errors(True, database)] == ["backoffice.E004"]


def test_the_check_reads_the_setting(settings):
    settings.DATABASE_POOL = True
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert bool(check_database_pool(None)) == sqlite


def test_the_check_accepts_the_pool_on_postgres(tmp_path):
    database = database_config({**POSTGRES, "DATABASE_POOL": "True"}, tmp_path)
    assert database_pool_errors(True, database) == []


def test_the_check_refuses_a_pool_of_no_connections(tmp_path):
    database = database_config(
        {**POSTGRES, "DATABASE_POOL": "True", "DATABASE_POOL_MAX_SIZE": "0"}, tmp_path)
    assert [error.id for error in database_pool_errors(True, database)] == ["backoffice.E005"]


def test_the_check_is_silent_without_the_pool(settings):
    settings.DATABASE_POOL = False
    assert check_database_pool(None) == []


@pytest.mark.services
@pytest.mark.django_db
def test_with_database_pool_connections_come_from_psycopgs_pool():
    """Against the service leg's PostgreSQL (this test's database): queries,
    each connection back to the pool, the next one from it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL: runs in the service leg")
    url = url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    code = (
        "import django\ndjango.setup()\n"
        "from django.db import connection\n"
        "for _ in range(3):\n"
        "    connection.cursor().execute('SELECT 1')\n"
        "    connection.close()\n"
        "stats = connection.pool.get_stats()\n"
        "print(stats['requests_num'], stats['pool_max'], stats['connections_num'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url,
             "DATABASE_POOL": "True",
             "DATABASE_POOL_MAX_SIZE": "3"},
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    requests, pool_max, connections = map(int, result.stdout.split()[-3:])
    assert requests == 3 and pool_max == 3 and connections <= 3
