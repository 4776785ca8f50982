"""`make backup` and `make restore` round-trip a seeded register exactly.

A scratch database on the test server gets the migrations and the demo data (seed_demo, which
also uploads posters); `make backup` dumps it and its media folder; `make restore` loads that into
another, fresh database and media folder. Every table must then hold the same rows (count and an
MD5 of the ordered rows as text), every sequence the same position, and every media file the
same bytes. The make targets run as a user runs them (`-o` only skips the venv check).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.helpers import ROOT, environment_without, run_manage

SEED_PEOPLE = "30"


def server_params() -> dict:
    """The test server, from the settings pytest runs with (DATABASE_URL or embedded)."""
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }


def database_url(name: str) -> str:
    params = server_params()
    credentials = quote(params["user"] or "", safe="")
    if params["password"]:
        credentials += ":" + quote(params["password"], safe="")
    host = quote(str(params["host"] or ""), safe="")  # a socket folder is percent-encoded
    port = f":{params['port']}" if params["port"] else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def admin_sql(statement: sql.Composable) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **server_params()) as conn:
        conn.execute(statement)


def create_database(name: str) -> None:
    admin_sql(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    admin_sql(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def fingerprint(name: str) -> dict[str, tuple]:
    """Per table: (row count, MD5 of its rows as text in order); per sequence: its position."""
    result = {}
    with psycopg.connect(dbname=name, **server_params()) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                " FROM {} t"
            ).format(sql.Identifier(table))
            result[table] = conn.execute(query).fetchone()
        for sequence, last_value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            result[f"sequence {sequence}"] = (last_value,)
    return result


def media_digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def make(target: str, *, env: dict[str, str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/bin/.installed",  # the venv is there already: do not reinstall
            target,
            *(f"{key}={value}" for key, value in variables.items()),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def environment(database: str, media: Path, backups: Path) -> dict[str, str]:
    env = environment_without("DATABASE_URL", "MEDIA_ROOT", "BACKUP_DIR", "QIREGISTER_DATA_DIR")
    env.update(
        DATABASE_URL=database_url(database),
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backups),
        DJANGO_DEBUG="true",
    )
    return env


@pytest.fixture(scope="module")
def seeded_backup(tmp_path_factory):
    """A seeded scratch database, its media, and a backup of both made by `make backup`."""
    if shutil.which("make") is None:
        pytest.fail("make is needed for `make backup`")
    folder = tmp_path_factory.mktemp("backup")
    source = f"qi_backup_source_{uuid.uuid4().hex[:8]}"
    create_database(source)
    try:
        env = environment(source, folder / "media", folder / "backups")
        for command in (
            ("migrate", "--no-input"),
            ("seed_demo", "--password", "backup-demo-2026", "--people", SEED_PEOPLE),
        ):
            done = run_manage(*command, env=env)
            assert done.returncode == 0, done.stderr
        # A file with an awkward name in a folder of its own, beside the seeded posters.
        odd = folder / "media" / "posters" / "odd folder" / "café poster (final).png"
        odd.parent.mkdir(parents=True)
        odd.write_bytes(b"\x89PNG not really" * 100)

        backed_up = make("backup", env=env)
        assert backed_up.returncode == 0, backed_up.stderr
        (backup,) = (folder / "backups").iterdir()
        yield {"source": source, "media": folder / "media", "backup": backup, "root": folder}
    finally:
        drop_database(source)


@pytest.fixture
def target(seeded_backup, tmp_path):
    """A fresh, empty database and media folder to restore into."""
    name = f"qi_backup_target_{uuid.uuid4().hex[:8]}"
    create_database(name)
    yield {
        "name": name,
        "media": tmp_path / "media",
        "env": environment(name, tmp_path / "media", tmp_path / "backups"),
        "backups": tmp_path / "backups",
    }
    drop_database(name)


def test_a_backup_holds_the_dump_the_media_and_a_manifest(seeded_backup):
    backup = seeded_backup["backup"]
    assert backup.name.startswith("qiregister-")
    assert sorted(path.name for path in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format


def test_restore_into_a_fresh_database_gives_identical_rows_sequences_and_media(
    seeded_backup, target
):
    restored = make("restore", env=target["env"], BACKUP=str(seeded_backup["backup"]))
    assert restored.returncode == 0, restored.stderr

    source, copy = fingerprint(seeded_backup["source"]), fingerprint(target["name"])
    assert copy == source
    # Not vacuous: the seeded register is really there.
    assert len([name for name in source if not name.startswith("sequence")]) > 50
    for table in ("projects_project", "projects_task", "recognition_poster", "auth_user"):
        assert source[table][0] > 0, table
    media = media_digests(seeded_backup["media"])
    assert media_digests(target["media"]) == media
    assert "posters/odd folder/café poster (final).png" in media
    assert len(media) > 2
    # Nothing to keep: restoring into an empty database makes no before-restore backup.
    assert not target["backups"].exists()


def test_restore_refuses_a_database_with_data_unless_confirmed(seeded_backup, target):
    backup = str(seeded_backup["backup"])
    assert make("restore", env=target["env"], BACKUP=backup).returncode == 0
    with psycopg.connect(dbname=target["name"], **server_params()) as conn:
        conn.execute("DELETE FROM projects_progressupdate")
    changed = fingerprint(target["name"])
    stray = target["media"] / "posters" / "uploaded-since.png"
    stray.write_bytes(b"new upload")

    refused = make("restore", env=target["env"], BACKUP=backup)
    assert refused.returncode != 0
    assert "run again with --yes" in refused.stderr
    assert fingerprint(target["name"]) == changed
    assert stray.exists()

    confirmed = make("restore", env=target["env"], BACKUP=backup, CONFIRM="yes")
    assert confirmed.returncode == 0, confirmed.stderr
    assert fingerprint(target["name"]) == fingerprint(seeded_backup["source"])
    assert media_digests(target["media"]) == media_digests(seeded_backup["media"])
    assert not stray.exists()
    # What was replaced was backed up first.
    (before,) = target["backups"].iterdir()
    assert before.name.endswith("-before-restore")


def test_a_damaged_backup_is_refused_before_anything_changes(seeded_backup, target, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(seeded_backup["backup"], damaged)
    dump = damaged / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    refused = make("restore", env=target["env"], BACKUP=str(damaged))
    assert refused.returncode != 0
    assert "database.dump is missing or damaged" in refused.stderr
    assert fingerprint(target["name"]) == {}
    assert not target["media"].exists()
