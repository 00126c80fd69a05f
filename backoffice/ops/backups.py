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


def backup_default_path(vendor: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if vendor == "postgresql" else "sqlite3"
    return Path(settings.DATA_DIR) / "backups" / f"alims-{stamp}.{suffix}"


def database_backup(output: Path | None = None, *, alias: str = "default") -> Path:
    connection = connections[alias]
    output = Path(output or backup_default_path(connection.vendor))
    output.parent.mkdir(parents=True, exist_ok=True)
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


def database_restore(source: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with a backup's (destructive)."""
    source = Path(source)
    if not source.is_file():
        raise BackupProblem(f"No such backup file: {source}")
    connection = connections[alias]
    if connection.vendor == "postgresql":
        connection.close()
        _pg("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                           str(source)], connection, database_flag=True)
    elif connection.vendor == "sqlite":
        sqlite_restore(source, connection)
    else:
        raise BackupProblem(f"Restores of {connection.vendor} databases are not supported.")


def sqlite_restore(source: Path, connection) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup:
            backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.ensure_connection()
            backup.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupProblem(f"{source} is not an SQLite backup: {exc}") from exc


def _pg(program: str, arguments: list[str], connection, *, database_flag: bool = False) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupProblem(f"{program} is not installed (PostgreSQL's client tools).")
    params = connection.settings_dict
    command = [executable, f"--host={params.get('HOST') or 'localhost'}",
               f"--port={params.get('PORT') or 5432}",
               f"--username={params.get('USER') or 'postgres'}", "--no-password"]
    command += arguments
    command.append(f"--dbname={params['NAME']}" if database_flag else params["NAME"])
    environment = {**os.environ}
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = params["PASSWORD"]
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode:
        reason = (result.stderr.strip().splitlines() or ["exit status %d" % result.returncode])
        raise BackupProblem(f"{program} failed: {reason[-1]}")
