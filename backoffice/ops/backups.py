"""Database backups: PostgreSQL through pg_dump / pg_restore (custom format),
SQLite through its online backup API. Used by the backup_database and
restore_database commands."""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupProblem(Exception):
    """A backup or restore that cannot be done; the message says why."""


# Tables a backup of this application must hold before it may replace a database.
REQUIRED_TABLES = ("django_migrations", "customers_customer", "accounts_user")


def backup_default_path(vendor: str, prefix: str = "alims") -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if vendor == "postgresql" else "sqlite3"
    return Path(settings.DATA_DIR) / "backups" / f"{prefix}-{stamp}.{suffix}"


def database_backup(output: Path | None = None, *, alias: str = "default",
                    prefix: str = "alims") -> Path:
    """The database to a file only its owner can read (it holds customers'
    details and password hashes)."""
    connection = connections[alias]
    output = Path(output or backup_default_path(connection.vendor, prefix))
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    output.touch(mode=0o600)
    output.chmod(0o600)
    if connection.vendor == "postgresql":
        _pg("pg_dump", ["--format=custom", "--no-owner", f"--file={output}"], connection)
    elif connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup would wait forever for the open transaction
            raise BackupProblem("Back up outside a transaction.")
        connection.ensure_connection()
        with sqlite3.connect(output) as target:
            connection.connection.backup(target)
    else:
        raise BackupProblem(f"Backups of {connection.vendor} databases are not supported.")
    return output


def database_restore(source: Path, *, alias: str = "default") -> Path:
    """Replace the database's contents with a backup's. Refused unless the file
    is a backup of this application and maintenance mode is on; the database
    as it was is backed up first (returned), so a wrong restore can be undone."""
    from maintenance_mode.core import get_maintenance_mode

    source = Path(source)
    if not source.is_file():
        raise BackupProblem(f"No such backup file: {source}")
    connection = connections[alias]
    backup_check(source, connection)
    if not get_maintenance_mode():
        raise BackupProblem("Switch maintenance mode on first (`manage.py maintenance_mode on`): "
                            "nobody may be writing while the database is replaced.")
    before = database_backup(alias=alias, prefix="before-restore")
    if connection.vendor == "postgresql":
        connection.close()
        _pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                           str(source)], connection, database_flag=True)
    elif connection.vendor == "sqlite":
        sqlite_restore(source, connection)
    else:
        raise BackupProblem(f"Restores of {connection.vendor} databases are not supported.")
    return before


def backup_check(source: Path, connection) -> None:
    """Refuse a file that is not a backup of this application (an empty file
    or another SQLite database would otherwise empty the live one)."""
    if connection.vendor == "postgresql":
        try:
            listing = _pg("pg_restore", ["--list", str(source)], connection, database=False)
        except BackupProblem as exc:
            raise BackupProblem(f"{source} is not a PostgreSQL backup: {exc}") from exc
        # "3456; 0 16390 TABLE DATA public customers_customer owner"
        tables = {line.split(" TABLE DATA ", 1)[1].split()[1] for line in listing.splitlines()
                  if " TABLE DATA " in line and len(line.split(" TABLE DATA ", 1)[1].split()) > 1}
    else:
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
                tables = {row[0] for row in backup.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupProblem(f"{source} is not an SQLite backup: {exc}") from exc
    missing = [table for table in REQUIRED_TABLES if table not in tables]
    if missing:
        raise BackupProblem(f"{source} is not a backup of this application "
                            f"(no {', '.join(missing)}).")


def sqlite_restore(source: Path, connection) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
            backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.ensure_connection()
            backup.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{source} is not an SQLite backup: {exc}") from exc


def _pg(program: str, arguments: list[str], connection, *, database_flag: bool = False,
        database: bool = True) -> str:
    """Run a PostgreSQL client tool with the connection's settings (only those
    set: an empty host means the local socket, as for Django), its output."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupProblem(f"{program} is not installed (PostgreSQL's client tools).")
    params = connection.settings_dict
    command = [executable, "--no-password"]
    environment = {**os.environ}
    if database:
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if params.get(key):
                command.append(f"{option}={params[key]}")
        if params.get("PASSWORD"):
            environment["PGPASSWORD"] = params["PASSWORD"]
        options = params.get("OPTIONS") or {}
        for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                              ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
            if options.get(key):
                environment[variable] = str(options[key])
    command += arguments
    if database:
        command.append(f"--dbname={params['NAME']}" if database_flag else params["NAME"])
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode:
        reason = (result.stderr.strip().splitlines() or ["exit status %d" % result.returncode])
        raise BackupProblem(f"{program} failed: {reason[-1]}")
    return result.stdout
