import sqlite3
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from backoffice.ops import backups
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # committed data, as the command sees it in use
def test_a_backup_holds_the_data(tmp_path, capsys):
    CustomerFactory(name="Anu Backup")
    target = tmp_path / ("db.dump" if connection.vendor == "postgresql" else "db.sqlite3")
    call_command("backup_database", "--output", str(target))
    assert "Backed up to" in capsys.readouterr().out and target.stat().st_size > 0
    backups.backup_check(target, connection)  # a restore would accept it
    if connection.vendor == "postgresql":
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True,
                                 text=True, check=True).stdout
        assert "customers_customer" in listing
    else:
        with sqlite3.connect(target) as copy:
            names = [row[0] for row in copy.execute("SELECT name FROM customers_customer")]
        assert names == ["Anu Backup"]


def test_an_sqlite_backup_restores_into_a_database(tmp_path):
    source = tmp_path / "backup.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (42)")

    class Target:
        connection = sqlite3.connect(tmp_path / "live.sqlite3")

        def ensure_connection(self):
            pass

    backups.sqlite_restore(source, Target())
    assert Target.connection.execute("SELECT x FROM t").fetchone() == (42,)


def test_restoring_something_else_says_so(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")

    class Target:
        connection = sqlite3.connect(":memory:")

        def ensure_connection(self):
            pass

    with pytest.raises(backups.BackupProblem, match="not an SQLite backup"):
        backups.sqlite_restore(junk, Target())


def test_restore_asks_for_yes_and_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_database", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No such backup file"):
        call_command("restore_database", str(tmp_path / "x"), "--yes")


def test_missing_postgres_tools_are_named(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)

    class Fake:
        settings_dict = {"NAME": "x"}

    with pytest.raises(backups.BackupProblem, match="pg_dump is not installed"):
        backups._pg("pg_dump", [], Fake())


def test_an_sqlite_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(backups.BackupProblem, match="outside a transaction"):
        backups.database_backup(tmp_path / "x.sqlite3")


@pytest.fixture
def maintenance_on(settings, tmp_path):
    from maintenance_mode.core import set_maintenance_mode

    settings.DATA_DIR = tmp_path
    settings.MAINTENANCE_MODE_STATE_BACKEND = "maintenance_mode.backends.LocalFileBackend"
    settings.MAINTENANCE_MODE_STATE_FILE_PATH = str(tmp_path / "maintenance.txt")
    set_maintenance_mode(True)
    yield
    set_maintenance_mode(False)


def test_a_file_that_is_not_our_backup_is_refused(tmp_path, maintenance_on):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="not a backup of this application|not an SQLite backup|not a PostgreSQL backup"):
        call_command("restore_database", str(empty), "--yes")


@pytest.mark.django_db(transaction=True)
def test_restoring_needs_maintenance_mode(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    if connection.vendor != "sqlite":
        pytest.skip("the restore itself is exercised on SQLite")
    backup = backups.database_backup(tmp_path / "b.sqlite3")
    with pytest.raises(CommandError, match="maintenance mode"):
        call_command("restore_database", str(backup), "--yes")


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_the_data_back_and_keeps_what_it_replaced(tmp_path, maintenance_on,
                                                                   capsys):
    if connection.vendor != "sqlite":
        pytest.skip("the restore itself is exercised on SQLite (pg_restore would drop the "
                    "test database's tables under the test run)")
    from backoffice.customers.models import Customer

    CustomerFactory(name="Kept")
    backup = backups.database_backup(tmp_path / "b.sqlite3")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    CustomerFactory(name="Added after the backup")
    call_command("restore_database", str(backup), "--yes")
    assert list(Customer.objects.values_list("name", flat=True)) == ["Kept"]
    before = sorted((tmp_path / "backups").glob("before-restore-*"))
    assert before and "The database as it was is in" in capsys.readouterr().out
