from django.core.management.base import BaseCommand, CommandError

from people.demo import DEMO_LOGINS, seed_people
from projects.demo import seed_projects
from projects.demo_impact import seed_impact
from recognition.demo import seed_recognition


class Command(BaseCommand):
    help = (
        "Create a plausible demo department with people, managers, champions, projects, showcases, "
        "posters, awards and the demo logins "
        "staff, champion, manager and admin. Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo login.")
        parser.add_argument("--people", type=int, default=40, help="People in all (default 40).")
        parser.add_argument(
            "--projects", type=int, default=60, help="Projects in all (default 60)."
        )

    def handle(self, *args, password: str, people: int, projects: int, **options):
        if people < len(DEMO_LOGINS):
            raise CommandError(f"--people must be at least {len(DEMO_LOGINS)}.")
        if projects < 0:
            raise CommandError("--projects must not be negative.")
        if not password:
            raise CommandError("--password must not be empty.")
        department = seed_people(password=password, people=people)
        added = seed_projects(department=department, count=projects)
        seed_impact(department)
        seed_recognition(department)
        self.stdout.write(
            self.style.SUCCESS(
                f"{department.name}: {department.people.count()} people, "
                f"{department.clinical_areas.count()} clinical areas, "
                f"{department.projects.count()} projects ({added} added)."
            )
        )
        self.stdout.write("Demo logins: " + ", ".join(login.username for login in DEMO_LOGINS))
