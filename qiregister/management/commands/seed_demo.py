from django.core.management.base import BaseCommand, CommandError

from people.models import Department
from qiregister.demo.measurement import seed_impact, seed_other_impact
from qiregister.demo.people import (
    DEMO_LOGINS,
    OTHER_DEMO_LOGINS,
    seed_other_departments,
    seed_people,
)
from qiregister.demo.projects import seed_other_projects, seed_projects
from qiregister.demo.recognition import seed_other_recognition, seed_recognition


class Command(BaseCommand):
    help = (
        "Create a plausible demo trust: a Pharmacy department of --people people and --projects "
        "projects (with champions, managers, showcases, posters, awards and the demo logins "
        "staff, champion, manager and admin), smaller Nursing and Therapies departments (logins "
        "nurse, nursing.champion and therapist), a Quality and safety department with the trust "
        "QI team's login trustqi, and projects that cross departments. Safe to run again: it "
        "only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo login.")
        parser.add_argument(
            "--people", type=int, default=40, help="People in Pharmacy (default 40)."
        )
        parser.add_argument(
            "--projects",
            type=int,
            default=60,
            help="Pharmacy's generated projects (default 60); the other departments and the "
            "cross-department projects come on top.",
        )

    def handle(self, *args, password: str, people: int, projects: int, **options):
        if people < len(DEMO_LOGINS):
            raise CommandError(f"--people must be at least {len(DEMO_LOGINS)}.")
        if projects < 0:
            raise CommandError("--projects must not be negative.")
        if not password:
            raise CommandError("--password must not be empty.")
        # Pharmacy first and whole, so its demo is the same with or without the others.
        self.progress(f"Pharmacy: {people} people, clinical areas, champions and training")
        department = seed_people(password=password, people=people)
        self.progress(f"Pharmacy: {projects} projects with their teams, tasks and updates")
        added = seed_projects(department=department, count=projects)
        self.progress("Pharmacy: measures, savings and impact")
        seed_impact(department)
        self.progress("Pharmacy: showcases, the QI board, awards and appraisal notes")
        seed_recognition(department)
        self.progress("Nursing, Therapies and the trust QI team")
        seed_other_departments(password=password)
        added += seed_other_projects()
        seed_other_impact()
        seed_other_recognition()

        # A few counts per department: one query joining them all would multiply the rows.
        for row in Department.objects.order_by("pk"):
            counts = [
                _count(row.people.count(), "person", "people"),
                _count(row.clinical_areas.count(), "clinical area", "clinical areas"),
                _count(row.projects.count(), "project led", "projects led"),
                _count(row.partner_projects.count(), "as a partner", "as a partner"),
            ]
            self.stdout.write(f"{row.name}: {', '.join(counts)}.")
        self.stdout.write(self.style.SUCCESS(f"{added} projects added."))
        self.stdout.write(
            "Demo logins: "
            + ", ".join([login.username for login in DEMO_LOGINS] + OTHER_DEMO_LOGINS)
        )

    def progress(self, step: str) -> None:
        """Seeding takes tens of seconds: say what is being made, as it starts."""
        self.stdout.write(f"Seeding {step}...")
        self.stdout.flush()


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"
