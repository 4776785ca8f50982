"""The embedded PostgreSQL path, end to end: start a server from the wheel, migrate, query.

Runs manage.py in a child process with DATABASE_URL unset and a fresh data folder, exactly as a
newcomer's first `make run` does. Commands that need no database start no server.
"""

import pytest

from tests.helpers import environment_without, run_manage


def test_commands_that_need_no_database_start_no_server(tmp_path):
    env = environment_without("DATABASE_URL")
    env["QIREGISTER_DATA_DIR"] = str(tmp_path / "data")

    checked = run_manage("check", env=env)
    assert checked.returncode == 0, checked.stderr
    # makemigrations compares the migration history only with a server that already runs.
    compared = run_manage("makemigrations", "--check", "--dry-run", env=env)
    assert compared.returncode == 0, compared.stderr
    assert "No changes detected" in compared.stdout
    assert compared.stderr == ""  # no warning about the history it did not compare
    assert not (tmp_path / "data").exists()


@pytest.mark.embedded
def test_embedded_server_starts_migrates_and_answers_queries(tmp_path):
    env = environment_without("DATABASE_URL")
    env["QIREGISTER_DATA_DIR"] = str(tmp_path / "data")

    def manage(*args):
        return run_manage(*args, env=env)

    migrated = manage("migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    assert "Applying people.0001_squashed_0014_quality_improvement_lead_job_role... OK" in (
        migrated.stdout
    )

    queried = manage(
        "shell",
        "-c",
        "from django.db import connection; from people.models import Department; "
        "Department.objects.create(name='Pharmacy', slug='pharmacy'); "
        "print(connection.vendor, connection.settings_dict['HOST'], Department.objects.count())",
    )
    assert queried.returncode == 0, queried.stderr
    vendor, host, count = queried.stdout.strip().splitlines()[-1].split()
    assert vendor == "postgresql"
    assert host.startswith(str(tmp_path))  # the socket lives in the test's own data folder
    assert count == "1"
    # The server stops with its last process, leaving no postmaster behind.
    assert not (tmp_path / "data" / "pg" / "postmaster.pid").exists()
