import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from common.widgets import PARTS
from recognition.models import AppraisalNote


def test_a_new_note_starts_with_the_last_12_months_and_saves_first_time(client_for, staff, manager):
    url = reverse("recognition:appraisal_notes", args=[staff.pk])
    client = client_for(manager)
    page = client.get(url).content.decode()
    today = timezone.localdate()
    boxes = [f"{name}_{part}" for name in ("period_start", "period_end") for part in PARTS]
    shown = {box: re.search(rf'name="{box}" value="([^"]*)"', page).group(1) for box in boxes}
    start = today - dt.timedelta(days=365)
    assert shown == {
        "period_start_day": str(start.day),
        "period_start_month": str(start.month),
        "period_start_year": str(start.year),
        "period_end_day": str(today.day),
        "period_end_month": str(today.month),
        "period_end_year": str(today.year),
    }
    # What the browser sends when the manager only writes the note.
    response = client.post(url, {**shown, "note": "Led the audit of omitted doses."})
    assert response.status_code == 302
    note = AppraisalNote.objects.get(person=staff)
    assert (note.period_start, note.period_end) == (start, today)
