"""The admin base for audited models: history can be read but never rewritten.

simple-history's history view saves a posted form (a "revert") even when its revert button is
hidden, so the POST is refused here for everyone: the history is the governance record.
"""

from csp.constants import UNSAFE_HASHES
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.decorators import method_decorator
from simple_history.admin import SimpleHistoryAdmin

# simple-history's history list has one inline style attribute, style="border-top: 0" on its
# paginator, which the Content-Security-Policy would block. Its history pages allow exactly
# that attribute (by its SHA-256), rather than this project keeping a copy of the template.
HISTORY_LIST_CSP = {
    "style-src-attr": [UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}


class AuditedAdmin(SimpleHistoryAdmin):
    # An address typed without a scheme is taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @method_decorator(csp_update(HISTORY_LIST_CSP))
    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History cannot be changed")
        return super().history_form_view(request, object_id, version_id, extra_context)
