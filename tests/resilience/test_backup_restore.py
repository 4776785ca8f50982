"""`make backup` and `make restore` round-trip a seeded register exactly.

A scratch database on the test server gets the migrations (a copy of the migrated template:
tests/conftest.py create_migrated_database) and the demo data (seed_demo, which also uploads
posters); `make backup` dumps it and its media folder; `make restore` loads that into
another, fresh database and media folder. Every table must then hold the same rows (count and an
MD5 of the ordered rows as text), every sequence the same position, and every media file the
same bytes. The make targets run as a user runs them (`-o` only skips the venv check).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import subprocess
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from psycopg import sql

from qiregister import backups
from recognition.models import Poster
from tests.helpers import ROOT, database_url, environment_without, run_manage

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
def seeded_backup(tmp_path_factory, create_migrated_database):
    """A seeded scratch database, its media, and a backup of both made by `make backup`."""
    if shutil.which("make") is None:
        pytest.fail("make is needed for `make backup`")
    folder = tmp_path_factory.mktemp("backup")
    source = f"qi_backup_source_{uuid.uuid4().hex[:8]}"
    create_migrated_database(source)
    try:
        env = environment(source, folder / "media", folder / "backups")
        seed = ("seed_demo", "--password", "backup-demo-2026", "--people", SEED_PEOPLE)
        done = run_manage(*seed, env=env)
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
        # Not tmp_path / "media": that is this test's own MEDIA_ROOT (tests/conftest.py).
        "media": tmp_path / "restored-media",
        "env": environment(name, tmp_path / "restored-media", tmp_path / "backups"),
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


def test_backup_files_and_folders_are_readable_by_their_owner_only(seeded_backup):
    backup = seeded_backup["backup"]
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700  # BACKUP_DIR, made by backup
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    for name in ("database.dump", "manifest.json", "media.tar.gz"):
        assert stat.S_IMODE((backup / name).stat().st_mode) == 0o600, name


def test_the_manifest_lists_every_file_the_dump_references(seeded_backup):
    manifest = json.loads((seeded_backup["backup"] / "manifest.json").read_text())
    with psycopg.connect(dbname=seeded_backup["source"], **server_params()) as conn:
        referenced = {
            name
            for row in conn.execute("SELECT file, thumbnail FROM recognition_poster")
            for name in row
            if name
        }
    assert len(referenced) > 2
    assert set(manifest["media_files"]) == referenced


def poster_rows(database: str) -> list[tuple[str, str]]:
    with psycopg.connect(dbname=database, **server_params()) as conn:
        return conn.execute("SELECT file, thumbnail FROM recognition_poster ORDER BY id").fetchall()


def without_member(backup: Path, copy: Path, gone: str, *, keep_in_manifest: bool) -> None:
    """A copy of `backup` whose media archive lacks `gone`, its digest updated to match."""
    shutil.copytree(backup, copy)
    with (
        tarfile.open(backup / "media.tar.gz") as old,
        tarfile.open(copy / "media.tar.gz", "w:gz") as new,
    ):
        for member in old.getmembers():
            if member.name != gone:
                new.addfile(member, old.extractfile(member) if member.isfile() else None)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["sha256"]["media.tar.gz"] = hashlib.sha256(
        (copy / "media.tar.gz").read_bytes()
    ).hexdigest()
    if not keep_in_manifest:
        manifest["media_files"].remove(gone)
    (copy / "manifest.json").write_text(json.dumps(manifest))


def test_restore_refuses_an_archive_without_a_file_the_manifest_lists(
    seeded_backup, target, tmp_path
):
    gone = poster_rows(seeded_backup["source"])[0][0]
    damaged = tmp_path / "damaged"
    without_member(seeded_backup["backup"], damaged, gone, keep_in_manifest=True)

    refused = make("restore", env=target["env"], BACKUP=str(damaged))
    assert refused.returncode != 0
    assert gone in refused.stderr
    assert fingerprint(target["name"]) == {}  # refused before anything changed
    assert not target["media"].exists()


def test_restore_reports_files_the_restored_database_references_but_are_missing(
    seeded_backup, target, tmp_path
):
    # A backup whose manifest agrees with its archive, but whose database still points to a
    # file that is in neither (as a backup made before this check could be).
    gone = poster_rows(seeded_backup["source"])[0][0]
    damaged = tmp_path / "damaged"
    without_member(seeded_backup["backup"], damaged, gone, keep_in_manifest=False)

    restored = make("restore", env=target["env"], BACKUP=str(damaged))
    assert restored.returncode != 0
    assert "missing" in restored.stderr
    assert gone in restored.stderr


def test_restore_refuses_while_the_app_is_connected(seeded_backup, target):
    with psycopg.connect(
        dbname=target["name"], application_name="qiregister", **server_params()
    ) as app:
        app.execute("SELECT 1")
        refused = make("restore", env=target["env"], BACKUP=str(seeded_backup["backup"]))
    assert refused.returncode != 0
    assert "qiregister" in refused.stderr
    assert "systemctl stop qiregister-web qiregister-worker" in refused.stderr
    assert fingerprint(target["name"]) == {}
    assert not target["media"].exists()


# A poster replaced while a backup runs: the dump holds the old poster row, so the media archive
# made a moment later must still hold the old files. These back up the test database itself
# (committed rows: transaction=True) and restore into a fresh one.


def png_bytes(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "PNG")
    return buffer.getvalue()


def replace_poster(client) -> None:
    poster = Poster.objects.get()
    response = client.post(
        reverse("recognition:poster_upload", args=[poster.project_id]),
        {"file": SimpleUploadedFile("replacement.png", png_bytes("navy"))},
    )
    assert response.status_code == 302


@pytest.fixture
def poster_on_board(client_for, staff, project):
    response = client_for(staff).post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": SimpleUploadedFile("first.png", png_bytes("teal"))},
    )
    assert response.status_code == 302
    return Poster.objects.get(project=project)


@pytest.mark.django_db(transaction=True)
def test_a_poster_replaced_between_the_dump_and_the_media_archive_restores_whole(
    poster_on_board, client_for, staff, monkeypatch, tmp_path, target
):
    tar_media = backups._tar_media

    def replaced_first(*args, **kwargs):
        replace_poster(client_for(staff))
        return tar_media(*args, **kwargs)

    monkeypatch.setattr(backups, "_tar_media", replaced_first)
    folder = backups.backup_create(root=tmp_path / "backups")
    assert Poster.objects.get().file.name != poster_on_board.file.name  # it was replaced

    restored = make("restore", env=target["env"], BACKUP=str(folder))
    assert restored.returncode == 0, restored.stderr
    # The restored poster is the one the dump holds (the first), and its files are there.
    assert poster_rows(target["name"]) == [
        (poster_on_board.file.name, poster_on_board.thumbnail.name)
    ]
    for name in poster_rows(target["name"])[0]:
        assert (target["media"] / name).is_file(), name


@pytest.mark.django_db(transaction=True)
def test_a_backup_missing_a_file_the_dump_references_fails_and_names_it(
    poster_on_board, monkeypatch, tmp_path
):
    tar_media = backups._tar_media

    def deleted_first(*args, **kwargs):
        default_storage.delete(poster_on_board.file.name)  # as the old replacement code did
        return tar_media(*args, **kwargs)

    monkeypatch.setattr(backups, "_tar_media", deleted_first)
    with pytest.raises(backups.BackupError) as error:
        backups.backup_create(root=tmp_path / "backups")
    assert poster_on_board.file.name in str(error.value)
    assert poster_on_board.thumbnail.name not in str(error.value)  # only what is missing
    assert list((tmp_path / "backups").iterdir()) == []  # no backup left that looks whole
