"""The W3C Nu HTML validator (npm `vnu-jar`, run with Java), for the walk of page types.

`make test` and `.ci/run` install it into .tools/ when npm and Java are on the machine; without
them the validation test is skipped with a message saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get(
        "QIREGISTER_VNU_JAR",
        ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
    )
)


def unavailable() -> str | None:
    """Why the validator cannot run here, or None."""
    if shutil.which("java") is None:
        return "Java is not installed (Debian: apt install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"the Nu HTML validator is not at {VNU_JAR} (`make test` installs it with npm)"
    return None


def validation_errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """The validator's errors (not its warnings) for each page, by the page's name; one Java
    process checks them all."""
    names = {f"page-{number}.html": name for number, name in enumerate(pages)}
    with tempfile.TemporaryDirectory() as folder:
        for file_name, html in zip(names, pages.values(), strict=True):
            (Path(folder) / file_name).write_text(html)
        done = subprocess.run(
            [
                *("java", "-jar", str(VNU_JAR)),
                *("--errors-only", "--format", "json", "--exit-zero-always"),
                *(str(Path(folder) / file_name) for file_name in names),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    errors: dict[str, list[str]] = {}
    for message in json.loads(done.stderr)["messages"]:
        name = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        extract = message.get("extract", "").strip()
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine', '?')}: {message['message']} [{extract}]"
        )
    return errors
