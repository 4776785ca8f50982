import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from recognition.models import AppraisalNote


def test_a_new_note_starts_with_the_last_12_months_and_saves_first_time(client_for, staff, manager):
    url = reverse("recognition:appraisal_notes", args=[staff.pk])
    client = client_for(manager)
    page = client.get(url).content.decode()
    today = timezone.localdate()
    shown = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
        for name in ("period_start", "period_end")
    }
    assert shown == {
        "period_start": (today - dt.timedelta(days=365)).isoformat(),
        "period_end": today.isoformat(),
    }
    # What the browser sends when the manager only writes the note.
    response = client.post(url, {**shown, "note": "Led the audit of omitted doses."})
    assert response.status_code == 302
    note = AppraisalNote.objects.get(person=staff)
    assert (note.period_start, note.period_end) == (today - dt.timedelta(days=365), today)
