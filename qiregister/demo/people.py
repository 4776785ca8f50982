"""Demo people for `seed_demo`: a plausible pharmacy department, built in bulk so it scales.

Seeding is exempt from the "no bulk writes on audited models" rule: it writes no history rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from people.models import (
    Booking,
    ChampionAssignment,
    ClinicalArea,
    Completion,
    Course,
    Department,
    MentoringPair,
    MentoringSessionNote,
    MentorRequest,
    Person,
    QIConversation,
    Skill,
    TrainingSession,
)

User = get_user_model()

DEPARTMENT = ("Pharmacy", "pharmacy")
CLINICAL_AREAS = [
    "Acute medicine",
    "Surgery",
    "Dispensary",
    "Aseptics",
    "Medicines information",
    "Paediatrics",
    "Critical care",
    "Oncology",
    "Emergency department",
    "Mental health",
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Efua",
    "Fatima",
    "George",
    "Hannah",
    "Imran",
    "Jade",
    "Kwame",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Rhys",
    "Sofia",
    "Tom",
    "Uma",
    "Victor",
    "Wei",
    "Yasmin",
    "Zainab",
    "Adam",
    "Bethan",
    "Callum",
    "Deepa",
    "Ellie",
    "Farah",
    "Gareth",
    "Holly",
    "Isaac",
    "Jasmine",
    "Kieran",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Poppy",
    "Rashid",
    "Sian",
    "Tariq",
    "Usha",
    "Vikram",
    "Willow",
    "Xavier",
    "Yusuf",
    "Zoe",
    "Amelia",
    "Bilal",
    "Carys",
    "Dev",
    "Eleanor",
    "Finn",
    "Grace",
    "Harvey",
]
LAST_NAMES = [
    "Patel",
    "Smith",
    "Jones",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Lewis",
    "Walker",
    "Robinson",
    "Wood",
    "Thompson",
    "White",
    "Watson",
    "Jackson",
    "Wright",
    "Green",
    "Harris",
    "Cooper",
    "King",
    "Lee",
    "Martin",
    "Clarke",
    "James",
    "Morgan",
    "Hughes",
    "Edwards",
    "Hill",
    "Moore",
    "Clark",
    "Harrison",
    "Scott",
    "Young",
    "Morris",
    "Hall",
    "Ward",
    "Turner",
    "Carter",
    "Phillips",
    "Mitchell",
    "Khan",
    "Ali",
    "Hussain",
    "Begum",
    "Singh",
    "Kaur",
    "Ahmed",
    "Nguyen",
    "Okafor",
    "Mensah",
    "Kowalski",
    "Novak",
    "Silva",
    "Costa",
    "Murphy",
]


SKILLS = [
    "Data collection",
    "Audit design",
    "Excel and data analysis",
    "Process mapping",
    "Patient engagement",
    "Writing and editing",
    "Teaching",
    "Literature search",
    "Run charts and SPC",
    "Stakeholder engagement",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    job_role: str
    band: str
    areas: tuple[str, ...]
    is_admin: bool = False


DEMO_LOGINS = [
    DemoLogin("admin", "Amira Khan", Person.JobRole.PHARMACIST, "9", ("Dispensary",), True),
    DemoLogin("manager", "Morgan Ellis", Person.JobRole.PHARMACIST, "8b", ("Acute medicine",)),
    DemoLogin(
        "champion", "Chris Okoro", Person.JobRole.PHARMACIST, "8a", ("Acute medicine", "Surgery")
    ),
    DemoLogin("staff", "Sam Taylor", Person.JobRole.TECHNICIAN, "5", ("Acute medicine",)),
]


def _generated_identity(index: int) -> tuple[str, str]:
    """A deterministic (username, display name) for the index-th generated person."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    round_ = index // (len(FIRST_NAMES) * len(LAST_NAMES))
    username = f"{first}.{last}".lower() + (f"{round_ + 1}" if round_ else "")
    return username, f"{first} {last}"


def _generated_role(index: int) -> tuple[str, str]:
    roles = [
        (Person.JobRole.PHARMACIST, "7"),
        (Person.JobRole.TECHNICIAN, "5"),
        (Person.JobRole.PHARMACIST, "6"),
        (Person.JobRole.ASSISTANT, "3"),
        (Person.JobRole.TECHNICIAN, "4"),
        (Person.JobRole.ASSISTANT, "2"),
        (Person.JobRole.PHARMACIST, "8a"),
        (Person.JobRole.TECHNICIAN, "6"),
    ]
    return roles[index % len(roles)]


@transaction.atomic
def seed_people(*, password: str, people: int) -> Department:
    """Create (or complete) the demo department: `people` people in all, demo logins included."""
    department, _ = Department.objects.get_or_create(
        slug=DEPARTMENT[1], defaults={"name": DEPARTMENT[0]}
    )
    areas = {}
    for name in CLINICAL_AREAS:
        areas[name], _ = ClinicalArea.objects.get_or_create(department=department, name=name)

    for name in SKILLS:
        Skill.objects.get_or_create(name=name)
    password_hash = make_password(password)
    _seed_demo_logins(department, areas, password_hash)
    _seed_generated_people(department, areas, password_hash, max(people - len(DEMO_LOGINS), 0))
    _seed_capacity(department)
    _seed_training(department)
    _seed_mentoring(department)
    if department.qi_lead is None:
        # Whom staff ask where an area has no champion.
        department.qi_lead = Person.objects.get(user__username="admin")
        department.save(update_fields=["qi_lead"])
    return department


def _seed_capacity(department) -> None:
    """Capacity and interests for people who have none yet; a QI conversation for `staff`."""
    skills = list(Skill.objects.order_by("pk"))
    areas = list(department.clinical_areas.order_by("pk"))
    blank = list(
        Person.objects.filter(department=department, qi_hours_per_month__isnull=True)
        .order_by("pk")
        .only("pk")
    )
    for person in blank:
        is_staff_login = person.pk == Person.objects.get(user__username="staff").pk
        person.qi_hours_per_month = Decimal(6 if is_staff_login else [2, 4, 6, 8, 0][person.pk % 5])
        person.open_to_buddy_tasks = person.pk % 3 != 0
        person.interests = "Medicines safety and making discharge smoother."
    Person.objects.bulk_update(
        blank, ["qi_hours_per_month", "open_to_buddy_tasks", "interests"], batch_size=2000
    )
    Person.skills.through.objects.bulk_create(
        [
            Person.skills.through(person_id=p.pk, skill_id=skills[(p.pk + k) % len(skills)].pk)
            for p in blank
            for k in range(2)
        ],
        batch_size=10000,
        ignore_conflicts=True,
    )
    Person.preferred_areas.through.objects.bulk_create(
        [
            Person.preferred_areas.through(
                person_id=p.pk, clinicalarea_id=areas[p.pk % len(areas)].pk
            )
            for p in blank
        ],
        batch_size=10000,
        ignore_conflicts=True,
    )
    staff = Person.objects.get(user__username="staff")
    if not staff.qi_conversations.exists():
        QIConversation.objects.create(
            person=staff,
            manager=staff.line_manager,
            note="Keen to help with medicines safety; mornings are busy, afternoons free.",
            agreed_hours_per_month=Decimal(4),
        )


def _seed_demo_logins(department, areas, password_hash) -> None:
    persons = {}
    for login in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        user.password = password_hash
        user.is_staff = user.is_superuser = login.is_admin
        user.email = f"{login.username}@qi-register.example"
        name_parts = login.display_name.split()
        user.first_name, user.last_name = name_parts[0], name_parts[-1]
        user.save()
        person, _ = Person.objects.update_or_create(
            user=user,
            defaults={
                "display_name": login.display_name,
                "job_role": login.job_role,
                "band": login.band,
                "department": department,
                "email": user.email,
            },
        )
        person.clinical_areas.set([areas[name] for name in login.areas])
        persons[login.username] = person

    for username in ("staff", "champion"):
        persons[username].line_manager = persons["manager"]
        persons[username].save(update_fields=["line_manager"])
    persons["manager"].line_manager = persons["admin"]
    persons["manager"].save(update_fields=["line_manager"])
    for name in ("Acute medicine", "Surgery"):
        ChampionAssignment.objects.get_or_create(
            person=persons["champion"], clinical_area=areas[name]
        )


def _seed_generated_people(department, areas, password_hash, count: int) -> None:
    identities = [_generated_identity(i) for i in range(count)]
    usernames = [username for username, _ in identities]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=username,
                password=password_hash,
                first_name=name.split()[0],
                last_name=name.split()[-1],
                email=f"{username}@qi-register.example",
            )
            for username, name in identities
            if username not in existing
        ],
        batch_size=2000,
    )
    User.objects.filter(username__in=usernames).exclude(password=password_hash).update(
        password=password_hash
    )
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    with_person = set(
        Person.objects.filter(user_id__in=user_ids.values()).values_list("user_id", flat=True)
    )
    new_people = []
    for index, (username, name) in enumerate(identities):
        if user_ids[username] in with_person:
            continue
        job_role, band = _generated_role(index)
        new_people.append(
            Person(
                user_id=user_ids[username],
                display_name=name,
                job_role=job_role,
                band=band,
                department=department,
                email=f"{username}@qi-register.example",
            )
        )
    Person.objects.bulk_create(new_people, batch_size=2000)
    if not new_people:
        return

    area_list = list(areas.values())
    Membership = Person.clinical_areas.through
    memberships = []
    for person in new_people:
        first = area_list[person.pk % len(area_list)]
        memberships.append(Membership(person_id=person.pk, clinicalarea_id=first.pk))
        if person.pk % 3 == 0:
            second = area_list[(person.pk + 4) % len(area_list)]
            memberships.append(Membership(person_id=person.pk, clinicalarea_id=second.pk))
    Membership.objects.bulk_create(memberships, batch_size=5000, ignore_conflicts=True)

    # Senior people (band 8a) manage about eight others each; the demo manager gets a team too.
    seeded = list(
        Person.objects.filter(user_id__in=user_ids.values()).order_by("pk").only("pk", "band")
    )
    managers = [p for p in seeded if p.band == "8a"] or seeded[:1]
    demo_manager = Person.objects.get(user__username="manager")
    for position, person in enumerate(seeded):
        if person.band == "8a" or position < 6:
            person.line_manager_id = demo_manager.pk
        else:
            person.line_manager_id = managers[position % len(managers)].pk
    Person.objects.bulk_update(seeded, ["line_manager"], batch_size=2000)

    # One champion for every area that needs one and has none yet.
    championed = set(
        ChampionAssignment.objects.filter(clinical_area__department=department).values_list(
            "clinical_area__name", flat=True
        )
    )
    # In a small department one senior person may champion several areas.
    senior = itertools.cycle([p for p in seeded if p.band in {"8a", "7"}] or seeded)
    for name, area in areas.items():
        if name not in championed:
            ChampionAssignment.objects.get_or_create(person=next(senior), clinical_area=area)


COURSES = [
    ("QI induction", Course.Level.INDUCTION, True),
    ("Audit to QI", Course.Level.FOUNDATION, False),
    ("QSIR practitioner", Course.Level.PRACTITIONER, False),
]


def _seed_training(department) -> None:
    """Courses, upcoming sessions, bookings and completions (about two thirds inducted)."""
    courses = {}
    for name, level, is_induction in COURSES:
        courses[name], _ = Course.objects.get_or_create(
            name=name, defaults={"level": level, "is_induction": is_induction}
        )
    trainer = Person.objects.get(user__username="champion")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    if not TrainingSession.objects.filter(trainer=trainer).exists():
        for days, name, capacity in [
            (7, "QI induction", 12),
            (21, "Audit to QI", 8),
            (45, "QI induction", 12),
        ]:
            TrainingSession.objects.create(
                course=courses[name],
                starts_at=now + timedelta(days=days, hours=14 - now.hour),
                place="Pharmacy seminar room",
                capacity=capacity,
                trainer=trainer,
            )
    people = list(
        Person.objects.filter(department=department)
        .exclude(user__username="staff")  # the staff login shows induction as outstanding
        .order_by("pk")
        .only("pk")
    )
    Completion.objects.bulk_create(
        [
            Completion(
                person_id=p.pk,
                course=courses["QI induction"],
                completed_on=timezone.localdate() - timedelta(days=30 + p.pk % 300),
                evidence="Attended the departmental QI induction.",
            )
            for p in people
            if p.pk % 3
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    first_session = TrainingSession.objects.filter(trainer=trainer).order_by("starts_at").first()
    if first_session is not None and not first_session.bookings.exists():
        uninducted = [p for p in people if not p.pk % 3][: first_session.capacity - 2]
        Booking.objects.bulk_create(
            [Booking(session=first_session, person_id=p.pk) for p in uninducted],
            ignore_conflicts=True,
        )


def _seed_mentoring(department) -> None:
    """A few mentoring pairs with session notes, and one open request for a mentor."""
    if MentoringPair.objects.filter(mentee__department=department).exists():
        return
    champions = list(Person.objects.filter(department=department).champions().order_by("pk"))
    juniors = list(
        Person.objects.filter(department=department, band__in=["3", "4", "5"])
        .exclude(user__username="staff")
        .order_by("pk")[: 2 * len(champions)]
    )
    for n, mentee in enumerate(juniors[:6]):
        mentor = champions[n % len(champions)]
        if mentor.pk == mentee.pk:
            continue
        pair = MentoringPair.objects.create(
            mentor=mentor,
            mentee=mentee,
            started_on=timezone.localdate() - timedelta(days=60 + 10 * n),
            goals="Lead a small PDSA cycle and present it at a clinical update.",
        )
        MentoringSessionNote.objects.create(
            pair=pair,
            author=mentor,
            date=pair.started_on + timedelta(days=14),
            note="Agreed an aim and a first measure; next: a run chart.",
        )
    staff = Person.objects.get(user__username="staff")
    MentorRequest.objects.get_or_create(
        mentee=staff,
        status=MentorRequest.Status.OPEN,
        defaults={
            "clinical_area": staff.clinical_areas.first(),
            "message": "I would like help planning my first QI project.",
        },
    )


# The trust's other departments. Hand-written and small, so they cost a few dozen
# queries whatever --people says. First names are not in FIRST_NAMES, so these usernames
# never meet the generated pharmacy ones.
@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    job_role: str
    band: str
    areas: tuple[str, ...]
    manager: str = ""  # the line manager's username; empty for the head of the department
    champions: tuple[str, ...] = ()  # the areas this person champions
    open_to_buddy_tasks: bool = True


@dataclass(frozen=True)
class DemoDepartment:
    name: str
    slug: str
    areas: tuple[str, ...]
    qi_lead: str  # a username
    interests: str
    place: str  # where its showcases meet
    people: tuple[DemoPerson, ...]


N, A, OTH = Person.JobRole.NURSE, Person.JobRole.AHP, Person.JobRole.OTHER
AMU, SURGICAL, CRITICAL, COMMUNITY = (
    "Acute medical unit",
    "Surgical wards",
    "Critical care",
    "Community nursing",
)
PHYSIO, OT, DIETETICS, SLT = (
    "Physiotherapy",
    "Occupational therapy",
    "Dietetics",
    "Speech and language therapy",
)
OTHER_DEPARTMENTS = [
    DemoDepartment(
        "Nursing",
        "nursing",
        (AMU, SURGICAL, CRITICAL, COMMUNITY),
        qi_lead="helen.achebe",
        interests="Harm-free care: fewer falls and pressure ulcers on our wards.",
        place="Nurse education centre, room 3",
        people=(
            DemoPerson("helen.achebe", "Helen Achebe", N, "8b", (AMU,)),
            DemoPerson("ruth.osei", "Ruth Osei", N, "8a", (AMU, SURGICAL), "helen.achebe"),
            DemoPerson(
                "nursing.champion",
                "Ciara Byrne",
                N,
                "7",
                (AMU, SURGICAL),
                "ruth.osei",
                champions=(AMU, SURGICAL),
            ),
            DemoPerson("nurse", "Jo Pritchard", N, "5", (AMU,), "ruth.osei"),
            DemoPerson(
                "declan.moore", "Declan Moore", N, "7", (CRITICAL,), "helen.achebe", (CRITICAL,)
            ),
            DemoPerson("ifeoma.eze", "Ifeoma Eze", N, "6", (CRITICAL,), "declan.moore"),
            DemoPerson("gemma.doyle", "Gemma Doyle", N, "5", (CRITICAL,), "declan.moore"),
            DemoPerson(
                "lucy.fraser", "Lucy Fraser", N, "7", (COMMUNITY,), "helen.achebe", (COMMUNITY,)
            ),
            DemoPerson("tunde.bakare", "Tunde Bakare", N, "5", (COMMUNITY,), "lucy.fraser"),
            DemoPerson("esther.boateng", "Esther Boateng", N, "6", (AMU,), "ruth.osei"),
            DemoPerson("mei.lin", "Mei Lin", N, "6", (SURGICAL,), "ruth.osei"),
            DemoPerson("nia.price", "Nia Price", N, "4", (SURGICAL,), "ruth.osei"),
            DemoPerson(
                "paul.reid",
                "Paul Reid",
                OTH,
                "3",
                (SURGICAL,),
                "ruth.osei",
                open_to_buddy_tasks=False,
            ),
        ),
    ),
    DemoDepartment(
        "Therapies",
        "therapies",
        (PHYSIO, OT, DIETETICS, SLT),
        qi_lead="aled.rees",
        interests="Getting patients moving, eating and home sooner.",
        place="Therapy gym, ground floor",
        people=(
            DemoPerson("aled.rees", "Aled Rees", A, "8b", (PHYSIO,)),
            DemoPerson("fiona.grant", "Fiona Grant", A, "8a", (PHYSIO,), "aled.rees"),
            DemoPerson("therapist", "Ravi Menon", A, "5", (PHYSIO,), "fiona.grant"),
            DemoPerson("orla.kennedy", "Orla Kennedy", A, "7", (PHYSIO,), "fiona.grant", (PHYSIO,)),
            DemoPerson("matt.lowe", "Matt Lowe", A, "5", (PHYSIO,), "fiona.grant"),
            DemoPerson(
                "joanne.bell",
                "Joanne Bell",
                OTH,
                "3",
                (PHYSIO,),
                "fiona.grant",
                open_to_buddy_tasks=False,
            ),
            DemoPerson("noor.haddad", "Noor Haddad", A, "7", (OT,), "aled.rees", (OT,)),
            DemoPerson("colm.walsh", "Colm Walsh", A, "6", (OT,), "noor.haddad"),
            DemoPerson("vera.sousa", "Vera Sousa", A, "5", (OT,), "noor.haddad"),
            DemoPerson(
                "erin.campbell", "Erin Campbell", A, "7", (DIETETICS,), "aled.rees", (DIETETICS,)
            ),
            DemoPerson("hamza.qureshi", "Hamza Qureshi", A, "6", (DIETETICS,), "erin.campbell"),
            # Speech and language therapy has no champion: its staff ask the QI lead.
            DemoPerson("ines.duarte", "Ines Duarte", A, "6", (SLT,), "aled.rees"),
        ),
    ),
    DemoDepartment(
        "Quality and safety",
        "quality",
        ("Patient safety and quality",),
        qi_lead="trustqi",
        interests="Spreading what works from one department to the rest of the trust.",
        place="Trust boardroom",
        people=(
            DemoPerson(
                "trustqi",
                "Dana Whitfield",
                Person.JobRole.QI_LEAD,
                "8a",
                ("Patient safety and quality",),
            ),
        ),
    ),
]
# Demo logins outside Pharmacy; `trustqi` is in the "Trust QI team" group.
OTHER_DEMO_LOGINS = ["nurse", "therapist", "nursing.champion", "trustqi"]
TRUST_QI_TEAM_LOGINS = ["trustqi"]


@transaction.atomic
def seed_other_departments(*, password: str) -> list[Department]:
    """Create (or complete) Nursing, Therapies and Quality and safety with their people."""
    password_hash = make_password(password)
    Skill.objects.bulk_create([Skill(name=name) for name in SKILLS], ignore_conflicts=True)
    induction, _ = Course.objects.get_or_create(
        name=COURSES[0][0], defaults={"level": COURSES[0][1], "is_induction": COURSES[0][2]}
    )
    departments = [_seed_department(spec, password_hash, induction) for spec in OTHER_DEPARTMENTS]
    _seed_trust_qi_team()
    return departments


def _seed_department(spec: DemoDepartment, password_hash: str, induction: Course) -> Department:
    department, _ = Department.objects.get_or_create(slug=spec.slug, defaults={"name": spec.name})
    ClinicalArea.objects.bulk_create(
        [ClinicalArea(department=department, name=name) for name in spec.areas],
        ignore_conflicts=True,
    )
    areas = {a.name: a for a in department.clinical_areas.all()}

    usernames = [p.username for p in spec.people]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=p.username,
                password=password_hash,
                first_name=p.display_name.split()[0],
                last_name=p.display_name.split()[-1],
                email=f"{p.username}@qi-register.example",
            )
            for p in spec.people
            if p.username not in existing
        ]
    )
    users = User.objects.filter(username__in=usernames)
    users.exclude(password=password_hash).update(password=password_hash)
    user_ids = dict(users.values_list("username", "id"))
    with_person = set(
        Person.objects.filter(user_id__in=user_ids.values()).values_list("user_id", flat=True)
    )
    new = {
        p.username: Person(
            user_id=user_ids[p.username],
            display_name=p.display_name,
            job_role=p.job_role,
            band=p.band,
            department=department,
            email=f"{p.username}@qi-register.example",
            qi_hours_per_month=Decimal([4, 2, 6, 8, 3][n % 5]),
            open_to_buddy_tasks=p.open_to_buddy_tasks,
            interests=spec.interests,
        )
        for n, p in enumerate(spec.people)
        if user_ids[p.username] not in with_person
    }
    Person.objects.bulk_create(new.values())
    people = {
        p.user.username: p
        for p in Person.objects.filter(user_id__in=user_ids.values()).select_related("user")
    }
    if new:
        _link_new_people(spec, department, areas, people, new, induction)
    ChampionAssignment.objects.bulk_create(
        [
            ChampionAssignment(person=people[p.username], clinical_area=areas[name])
            for p in spec.people
            for name in p.champions
        ],
        ignore_conflicts=True,
    )
    if department.qi_lead_id is None:
        department.qi_lead = people[spec.qi_lead]
        department.save(update_fields=["qi_lead"])
    return department


def _link_new_people(spec, department, areas, people, new, induction) -> None:
    """Areas, line managers, skills, preferred areas and induction for newly made people."""
    skills = list(Skill.objects.order_by("pk"))
    area_list = list(areas.values())
    links, preferred, skilled, completions = [], [], [], []
    for n, p in enumerate(spec.people):
        person = new.get(p.username)
        if person is None:
            continue
        links += [
            Person.clinical_areas.through(person_id=person.pk, clinicalarea_id=areas[name].pk)
            for name in p.areas
        ]
        preferred.append(
            Person.preferred_areas.through(
                person_id=person.pk, clinicalarea_id=area_list[n % len(area_list)].pk
            )
        )
        skilled += [
            Person.skills.through(person_id=person.pk, skill_id=skills[(n + k) % len(skills)].pk)
            for k in range(2)
        ]
        if p.manager:
            person.line_manager = people[p.manager]
        if n % 3 and p.username not in OTHER_DEMO_LOGINS:
            completions.append(
                Completion(
                    person=person,
                    course=induction,
                    completed_on=timezone.localdate() - timedelta(days=40 + 9 * n),
                    evidence=f"Attended the {department.name.lower()} QI induction.",
                )
            )
    Person.clinical_areas.through.objects.bulk_create(links, ignore_conflicts=True)
    Person.preferred_areas.through.objects.bulk_create(preferred, ignore_conflicts=True)
    Person.skills.through.objects.bulk_create(skilled, ignore_conflicts=True)
    Person.objects.bulk_update([p for p in new.values() if p.line_manager_id], ["line_manager"])
    Completion.objects.bulk_create(completions, ignore_conflicts=True)


def _seed_trust_qi_team() -> None:
    from django.contrib.auth.models import Group, Permission

    from people.departments import TRUST_QI_TEAM

    # people/migrations/0010 makes the group; this only repairs it if someone removed it.
    group, _ = Group.objects.get_or_create(name=TRUST_QI_TEAM)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="people", codename="view_all_departments")
    )
    group.user_set.add(*User.objects.filter(username__in=TRUST_QI_TEAM_LOGINS))
