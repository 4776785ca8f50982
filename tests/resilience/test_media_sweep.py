"""A replaced or removed poster's files stay until `manage.py sweep_media` deletes them.

The app never deletes a stored file at once: a backup whose dump still references it may be
archiving the media folder (tests/resilience/test_backup_restore.py reproduces that race). The
sweep deletes files no row references once older than its grace period, and never while a
backup or restore holds the media lock.
"""

from __future__ import annotations

import io
import os
import time

import psycopg
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from qiregister.backups import MEDIA_LOCK
from recognition.models import Poster


def png_bytes(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, project, colour: str) -> Poster:
    response = client.post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": SimpleUploadedFile(f"{colour}.png", png_bytes(colour))},
    )
    assert response.status_code == 302
    return Poster.objects.get(project=project)


def names(poster: Poster) -> set[str]:
    return {poster.file.name, poster.thumbnail.name}


def stored(media_root) -> set[str]:
    return {str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()}


def sweep(*args: str) -> str:
    out = io.StringIO()
    call_command("sweep_media", *args, stdout=out)
    return out.getvalue()


def age(media_root, names: set[str], hours: float) -> None:
    then = time.time() - hours * 3600
    for name in names:
        os.utime(media_root / name, (then, then))


def test_replacing_a_poster_keeps_the_old_files_until_the_sweep(
    client_for, staff, project, media_root, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    first = names(upload(client, project, "teal"))
    with django_capture_on_commit_callbacks(execute=True):
        second = names(upload(client, project, "navy"))
    assert stored(media_root) == first | second  # nothing deleted by the replacement

    age(media_root, first | second, hours=25)
    assert "Deleted 2 files" in sweep()
    assert stored(media_root) == second  # the current poster's files are never swept


def test_removing_a_poster_leaves_its_files_for_the_sweep(
    client_for, staff, project, media_root, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    files = names(upload(client, project, "teal"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recognition:poster_remove", args=[project.pk]))
    assert response.status_code == 302
    assert stored(media_root) == files

    sweep("--grace-hours", "0")
    assert stored(media_root) == set()


def test_the_sweep_keeps_unreferenced_files_younger_than_the_grace_period(
    client_for, staff, project, media_root
):
    client = client_for(staff)
    first = names(upload(client, project, "teal"))
    second = names(upload(client, project, "navy"))
    age(media_root, first, hours=23)  # an upload whose row may not be committed yet

    assert "Deleted 0 files" in sweep()
    assert stored(media_root) == first | second
    assert "Deleted 2 files" in sweep("--grace-hours", "22")
    assert stored(media_root) == second


def test_the_sweep_deletes_nothing_while_a_backup_holds_the_media_lock(
    client_for, staff, project, media_root
):
    client = client_for(staff)
    first = names(upload(client, project, "teal"))
    second = names(upload(client, project, "navy"))
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=db["NAME"], host=db["HOST"], port=db["PORT"], user=db["USER"], autocommit=True
    ) as backup:
        backup.execute("SELECT pg_advisory_lock(%s)", [MEDIA_LOCK])
        with pytest.raises(CommandError, match="is running"):
            sweep("--grace-hours", "0")
        assert stored(media_root) == first | second
        # Released now: a closed connection's backend lets go of it a moment later.
        backup.execute("SELECT pg_advisory_unlock(%s)", [MEDIA_LOCK])
    assert "Deleted 2 files" in sweep("--grace-hours", "0")


def test_the_sweep_deletes_stray_files_anywhere_in_media_root(
    client_for, staff, project, media_root
):
    # A stray file no row references goes, in a poster folder or at the top of MEDIA_ROOT.
    poster = upload(client_for(staff), project, "teal")
    stray = media_root / "posters" / "stray.png"
    stray.write_bytes(b"not referenced")
    top = media_root / "top.txt"
    top.write_bytes(b"not referenced")
    age(media_root, {"posters/stray.png", "top.txt", *names(poster)}, hours=48)

    sweep()
    assert stored(media_root) == names(poster)
    assert default_storage.exists(poster.file.name)
