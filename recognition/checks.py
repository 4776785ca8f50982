"""The system checks (`manage.py check`, runserver, migrate) say plainly when PDF exports cannot
work here."""

from django.core import checks

from recognition.pdf import MISSING_LIBRARIES, missing_pdf_libraries


@checks.register()
def pdf_libraries_installed(app_configs, **kwargs):
    if missing := missing_pdf_libraries():
        return [
            checks.Warning(
                f"{MISSING_LIBRARIES} (not found: {', '.join(missing)})", id="recognition.W001"
            )
        ]
    return []
