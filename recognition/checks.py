"""`manage.py check` (and runserver, migrate) says plainly when PDF exports cannot work here."""

from django.core import checks

from recognition.pdf import PDFUnavailable, weasyprint


@checks.register()
def pdf_libraries_installed(app_configs, **kwargs):
    try:
        weasyprint()
    except PDFUnavailable as error:
        return [checks.Warning(str(error), id="recognition.W001")]
    return []
