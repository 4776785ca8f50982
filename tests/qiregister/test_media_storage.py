"""Nothing an app server keeps for itself: sessions in the database, uploads through Django's
storage API, to MEDIA_ROOT by default or to an S3-compatible bucket by configuration.

The settings are read afresh under patched variables (no child process needed), and a poster
makes the round trip through the S3 backend against moto's in-process S3 (no network): upload,
serve, replace, remove. tests/qiregister/test_two_servers.py shows two gunicorn processes
sharing one database and one media folder.
"""

import io
import runpy

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto import mock_aws
from PIL import Image

from recognition.models import Poster
from recognition.services import board as services
from tests.helpers import ROOT

MEDIA_VARIABLES = (
    "QIREGISTER_MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
)
S3_BACKEND = "storages.backends.s3.S3Storage"
BUCKET = "qi-register-media"
REGION = "eu-west-2"


@pytest.fixture
def load_settings(monkeypatch):
    """The settings module run afresh with the media variables given (and no others set)."""

    def load(**variables: str) -> dict:
        for name in MEDIA_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        # Any URL will do: the module only parses it.
        monkeypatch.setenv("DATABASE_URL", "postgres://qi@127.0.0.1:5432/qi")
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "qiregister" / "settings.py"))

    return load


# --- Sessions -----------------------------------------------------------------------------------


def test_sessions_are_kept_in_the_database(load_settings):
    # Any app server behind the load balancer can then answer any request.
    assert load_settings()["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


# --- Which storage the settings choose ----------------------------------------------------------


def test_uploads_go_to_the_media_folder_when_nothing_is_configured(load_settings):
    loaded = load_settings()
    assert loaded["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_name_alone_puts_uploads_in_s3(load_settings):
    loaded = load_settings(AWS_STORAGE_BUCKET_NAME=BUCKET)
    assert loaded["STORAGES"]["default"] == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": None,
            "region_name": None,
            "addressing_style": None,
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": False,
            "file_overwrite": False,
        },
    }


def test_an_s3_compatible_store_is_reached_at_its_endpoint(load_settings):
    loaded = load_settings(
        QIREGISTER_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL="https://minio.trust.nhs.uk:9000",
        AWS_S3_REGION_NAME=REGION,
        AWS_S3_ADDRESSING_STYLE="path",
    )
    options = loaded["STORAGES"]["default"]["OPTIONS"]
    assert loaded["STORAGES"]["default"]["BACKEND"] == S3_BACKEND
    assert options["endpoint_url"] == "https://minio.trust.nhs.uk:9000"
    assert options["region_name"] == REGION
    assert options["addressing_style"] == "path"


def test_access_keys_never_enter_the_settings(load_settings):
    # django-storages and boto3 read them from the environment themselves.
    loaded = load_settings(
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret-example",
    )
    assert "secret-example" not in repr(loaded["STORAGES"])
    assert "AKIAEXAMPLE" not in repr(loaded["STORAGES"])


def test_the_filesystem_can_be_chosen_even_with_a_bucket_name_set(load_settings):
    loaded = load_settings(QIREGISTER_MEDIA_STORAGE="filesystem", AWS_STORAGE_BUCKET_NAME=BUCKET)
    assert loaded["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_s3_without_a_bucket_refuses_to_start(load_settings):
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        load_settings(QIREGISTER_MEDIA_STORAGE="s3")


def test_an_unknown_media_storage_refuses_to_start(load_settings):
    with pytest.raises(ImproperlyConfigured, match="QIREGISTER_MEDIA_STORAGE"):
        load_settings(QIREGISTER_MEDIA_STORAGE="azure")


# --- A poster's round trip through S3 -----------------------------------------------------------


@pytest.fixture
def bucket(settings, monkeypatch, load_settings):
    """The uploads go to an S3 bucket in moto's in-process S3, configured as production would
    be: the STORAGES the settings make from AWS_STORAGE_BUCKET_NAME and AWS_S3_REGION_NAME."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    loaded = load_settings(AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_REGION_NAME=REGION)
    with mock_aws():
        s3 = boto3.resource("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        # Changing STORAGES resets default_storage, which the poster's fields use.
        settings.STORAGES = {**settings.STORAGES, "default": loaded["STORAGES"]["default"]}
        yield s3.Bucket(BUCKET)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def upload_poster(client, project) -> Poster:
    response = client.post(
        reverse("recognition:poster_upload", args=[project.pk]),
        {"file": SimpleUploadedFile("Ward poster.png", png_bytes())},
    )
    assert response.status_code == 302
    return Poster.objects.get(project=project)


def keys(bucket) -> set[str]:
    return {item.key for item in bucket.objects.all()}


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_poster_is_stored_in_the_bucket_and_served_from_it(
    bucket, client_for, staff, project, media_root
):
    client = client_for(staff)
    poster = upload_poster(client, project)

    assert keys(bucket) == {poster.file.name, poster.thumbnail.name}
    assert not media_root.exists() or not any(media_root.rglob("*"))  # nothing on local disk
    for field, kind in ((poster.file, "file"), (poster.thumbnail, "thumbnail")):
        stored = bucket.Object(field.name).get()["Body"].read()
        assert served(client, services.poster_url(poster, kind)) == stored


def test_posters_in_the_bucket_are_private(bucket, client_for, staff, project):
    poster = upload_poster(client_for(staff), project)
    for name in (poster.file.name, poster.thumbnail.name):
        grants = bucket.Object(name).Acl().grants
        assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only
        assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)


def test_a_replaced_poster_leaves_only_the_new_files_in_the_bucket_after_the_sweep(
    bucket, client_for, staff, project, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    first = upload_poster(client, project)
    old = {first.file.name, first.thumbnail.name}
    with django_capture_on_commit_callbacks(execute=True):
        second = upload_poster(client, project)
    new = {second.file.name, second.thumbnail.name}
    assert keys(bucket) == new | old  # kept for a backup that may be running
    call_command("sweep_media", "--grace-hours", "0", stdout=io.StringIO())
    assert keys(bucket) == new


def test_a_removed_poster_is_deleted_from_the_bucket_by_the_sweep(
    bucket, client_for, staff, project, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    poster = upload_poster(client, project)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recognition:poster_remove", args=[project.pk]))
    assert response.status_code == 302
    assert keys(bucket) == {poster.file.name, poster.thumbnail.name}
    call_command("sweep_media", "--grace-hours", "0", stdout=io.StringIO())
    assert keys(bucket) == set()


def test_a_poster_missing_from_the_bucket_is_a_404(bucket, client_for, staff, project):
    client = client_for(staff)
    poster = upload_poster(client, project)
    bucket.Object(poster.file.name).delete()
    assert client.get(services.poster_url(poster)).status_code == 404
