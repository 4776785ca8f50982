"""The objects in the demo department (the `demo_department` fixture) that browser walks visit."""

from __future__ import annotations

from dataclasses import dataclass

from measurement.models import Measure
from people.models import Department, Person
from projects.models import Project, Task


@dataclass(frozen=True)
class DemoObjects:
    people: dict[str, Person]  # the demo logins' profiles, by username
    led: Project  # `staff` leads it: in testing, with measures and PDSA cycles
    spc: Measure  # its SPC chart
    other: Project  # active, and `staff` has no part in it (can ask to join)
    task: Task  # open, on a project `staff` does not lead (can claim it)


def demo_objects(department: Department, logins: list[str]) -> DemoObjects:
    people = {p.user.username: p for p in Person.objects.filter(user__username__in=logins)}
    staff = people["staff"]
    led = Project.objects.filter(lead=staff, measures__isnull=False).distinct().get()
    other = (
        Project.objects.filter(department=department, stage__in=Project.ACTIVE_STAGES)
        .exclude(lead=staff)
        .exclude(memberships__person=staff)
        .exclude(interests__person=staff)
        .order_by("pk")
        .first()
    )
    task = (
        Task.objects.open()
        .filter(project__department=department)
        .exclude(project__lead=staff)
        .order_by("pk")
        .first()
    )
    return DemoObjects(
        people=people,
        led=led,
        spc=led.measures.get(chart_type=Measure.ChartType.SPC),
        other=other,
        task=task,
    )
