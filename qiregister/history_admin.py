"""The admin base for audited models: history can be read but never rewritten.

simple-history's history view saves a posted form (a "revert") even when its revert button is
hidden, so the POST is refused here for everyone: the history is the governance record.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class AuditedAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History cannot be changed")
        return super().history_form_view(request, object_id, version_id, extra_context)
