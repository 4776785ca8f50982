"""A person's personal data: everything held about them, for a subject access request, and a
leaver's anonymisation in place. Both are run by admins from the Person admin.

What counts as "held about them" is found from the model graph rather than a list kept by hand:
every row of every model (history tables included) with a foreign key or many-to-many field
pointing at the person or their user account. A new model that refers to a person is covered
without a change here. The README's "Personal data and retention" section is the policy these
functions carry out.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from common.email import send_email
from measurement.models import Saving
from people.models import (
    MentoringPair,
    MentoringSessionNote,
    MentorRequest,
    Person,
    QIConversation,
    SingleSignOnIdentity,
)
from projects.models import Interest, Membership, ProgressUpdate, Project, ReminderLog, Task
from projects.search import CONFIG, refresh_search_vectors
from recognition.models import AppraisalNote, CalendarFeed

FORMER_NAME = "Former staff member"
ANONYMISED_REASON = "Anonymised as a leaver"
EMAIL_REPLACEMENT = "[email removed]"
# Below this length a name is too likely to be an ordinary word to be replaced in free text.
MIN_SWEEP_NAME_LENGTH = 4
# Never written out: a password hash, or the digest that stands in for a secret link.
WITHHELD_FIELDS = frozenset({"password", "token_digest"})
WITHHELD = "[withheld]"
# Private notes about a person: (model label, the field naming whom the note is about, the
# fields that hold what was said). Someone who wrote such a note about somebody else gets
# the fact of it (who, when), not its words: those are the other person's data.
PRIVATE_NOTES = {
    "people.qiconversation": ("person", ("note",)),
    "recognition.appraisalnote": ("person", ("note",)),
}
# Tables whose text is never personal data, or is encoded so a search could not find it.
NOT_SWEPT = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "django_session"}
)

User = get_user_model()


def former_username(person: Person) -> str:
    return f"former-staff-{person.pk}"


def is_anonymised(person: Person) -> bool:
    return person.user.username == former_username(person)


# Finding every row that refers to a person


def _base_model(model: type[models.Model]) -> type[models.Model]:
    """The audited model a simple-history table records (the model itself otherwise)."""
    return getattr(model, "instance_type", model)


def _is_history(model: type[models.Model]) -> bool:
    return hasattr(model, "instance_type")


def _relations_to(model: type[models.Model]) -> list[models.Field]:
    """The model's forward foreign keys and many-to-many fields to Person or User."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and (field.many_to_many or field.many_to_one or field.one_to_one)
        and field.related_model in (Person, User)
    ]


def _references(
    model: type[models.Model], person: Person
) -> tuple[models.QuerySet | None, models.QuerySet | None]:
    """(rows about or by the person, history rows of changes they made to other records)."""
    targets = {Person: person, User: person.user}
    about = Q()
    changes = Q()
    for relation in _relations_to(model):
        condition = Q(**{relation.name: targets[relation.related_model]})
        if relation.name == "history_user":
            changes |= condition
        else:
            about |= condition
    base = _base_model(model)
    if base in targets:
        # The person's own row and its history (no foreign key points a row at itself).
        about |= Q(**{"id" if _is_history(model) else "pk": targets[base].pk})
    if base is MentoringSessionNote:
        # Notes of the mentoring the person took part in, whoever wrote them.
        pairs = MentoringPair.objects.filter(Q(mentor=person) | Q(mentee=person)).values("pk")
        about |= Q(pair__in=pairs)
    if base is not User and _has_username(model):
        # Sign-in logs (django-axes) record the username typed, not a user.
        about |= Q(username=person.user.username)
    if base._meta.label == "projects.ReminderLog":
        # Reminders are logged by the address they went to, not by person.
        for email in {person.email, person.user.email} - {""}:
            about |= Q(recipient__iexact=email)
    manager = model._base_manager
    found = manager.filter(about).distinct().order_by("pk") if about else None
    changed = manager.filter(changes).exclude(about).order_by("pk") if changes else None
    return found, changed


def _has_username(model: type[models.Model]) -> bool:
    try:
        return not model._meta.get_field("username").is_relation
    except FieldDoesNotExist:
        return False


def _models() -> Iterable[type[models.Model]]:
    return sorted(apps.get_models(), key=lambda model: model._meta.label_lower)


def _redact(record: dict, model: type[models.Model], person: Person) -> dict:
    fields = record["fields"]
    for name in WITHHELD_FIELDS & fields.keys():
        fields[name] = WITHHELD
    base = _base_model(model)
    label = base._meta.label_lower
    if label in PRIVATE_NOTES:
        about_field, text_fields = PRIVATE_NOTES[label]
        if fields.get(about_field) != person.pk:
            for name in text_fields:
                fields[name] = "[withheld: a private note about another person]"
    if base is Person:
        row_id = fields.get("id", record["pk"])
        if row_id != person.pk:
            # Another person's profile, found because the subject is their line manager: the
            # fact of managing them is the subject's data, the rest of the profile is not.
            record["fields"] = {
                name: fields[name]
                for name in ("id", "display_name", "line_manager", "history_date")
                if name in fields
            }
    return record


def _change_summary(row: models.Model) -> dict:
    return {
        "record": _base_model(type(row))._meta.label,
        "id": getattr(row, "id", None),
        "changed_at": row.history_date,
        "change": {"+": "created", "~": "changed", "-": "deleted"}.get(row.history_type, ""),
        "reason": row.history_change_reason or "",
    }


def personal_data(person: Person) -> dict:
    """Everything held about the person, as JSON-ready data: the rows of every table that
    refer to them, history included, and a list of the changes they made to other records."""
    records: dict[str, list[dict]] = {}
    changes_made: list[dict] = []
    for model in _models():
        found, changed = _references(model, person)
        if found is not None:
            rows = [
                _redact(record, model, person)
                for record in serializers.serialize("python", found.iterator(chunk_size=500))
            ]
            if rows:
                records[model._meta.label] = rows
        if changed is not None:
            changes_made += [_change_summary(row) for row in changed.iterator(chunk_size=500)]
    changes_made.sort(key=lambda change: change["changed_at"])
    return {
        "person": {"id": person.pk, "name": person.display_name, "username": person.user.username},
        "records": records,
        "changes_made_to_other_records": changes_made,
    }


README = """Personal data held by QI Register about {name}
Made on {made_at:%d %B %Y at %H:%M} for a subject access request.

person.json holds:
- "records": every row of every table that refers to this person or their user account
  (profile, projects led and co-led, memberships, tasks, interests, updates, notes, training,
  mentoring, showcase slots, nominations, appraisal notes and QI conversations about them,
  savings, data entered, export logs, admin log entries), each with its history: the
  tables whose names start with "Historical" hold every earlier version of a row, who made
  the change and when. Other rows are referred to by their id.
- "changes_made_to_other_records": every change this person made to another record (which
  record, when, and what kind of change); the record itself is someone else's data.
- "files": posters this person uploaded, in the files/ folder.

Withheld: the password hash and secret-link digests (security), the words of private notes
this person wrote about somebody else (that person's data), and the profiles of the people
they manage beyond their names.
"""


def subject_access_export(person: Person) -> bytes:
    """A ZIP of everything held about the person: person.json, README.txt and the posters they
    uploaded."""
    data = personal_data(person)
    made_at = timezone.localtime()
    data["made_at"] = made_at
    files: list[str] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        poster_model = apps.get_model("recognition", "Poster")
        for poster in poster_model.objects.filter(uploaded_by=person).order_by("pk"):
            for kind, stored in (("poster", poster.file), ("thumbnail", poster.thumbnail)):
                if not stored:
                    continue
                extension = stored.name.rsplit(".", 1)[-1]
                name = f"files/{kind}-{poster.pk}.{extension}"
                try:
                    with stored.storage.open(stored.name, "rb") as handle:
                        archive.writestr(name, handle.read())
                except FileNotFoundError:
                    continue
                files.append(name)
        data["files"] = files
        archive.writestr("person.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr("README.txt", README.format(name=person.display_name, made_at=made_at))
    return buffer.getvalue()


# Anonymising a leaver


@dataclass
class Anonymised:
    """What anonymisation did, for the admin's message (never the old name)."""

    person: Person
    deleted: dict[str, int] = field(default_factory=dict)
    rows_rewritten: int = 0
    name_swept: bool = True


def _delete_with_history(queryset: models.QuerySet) -> int:
    """Delete rows and every earlier version of them: a deleted private note must not live on
    in its history table. (A deletion through the ORM would write one more history row.)"""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        model._base_manager.filter(pk__in=ids).delete()
        # After the delete, which itself writes a history row ("-") holding the text.
        model.history.model.objects.filter(id__in=ids).delete()
    return len(ids)


def _blank_with_history(queryset: models.QuerySet, **values) -> None:
    """Overwrite fields of rows and of every earlier version of them, writing no new history:
    history that kept the old words would undo the point."""
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if ids:
        model._base_manager.filter(pk__in=ids).update(**values)
        model.history.model.objects.filter(id__in=ids).update(**values)


def _word_pattern(text: str) -> str:
    """A PostgreSQL regular expression for `text` as whole words."""
    escaped = re.escape(text)
    start = r"\m" if re.match(r"\w", text) else ""
    end = r"\M" if re.search(r"\w$", text) else ""
    return f"{start}{escaped}{end}"


def _text_columns() -> dict[str, list[tuple[str, int | None, str]]]:
    """Every text and JSON column of every table in the schema:
    {table: [(column, max length, data type)]}."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name, c.character_maximum_length, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema()
              AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')
            ORDER BY c.table_name, c.ordinal_position
            """
        )
        columns: dict[str, list[tuple[str, int | None, str]]] = {}
        for table, column, length, data_type in cursor.fetchall():
            if table not in NOT_SWEPT:
                columns.setdefault(table, []).append((column, length, data_type))
    return columns


def _sweep(replacements: dict[str, str]) -> int:
    """Replace each text (as whole words, any case) with its replacement in every text column
    of every table, history, export and admin logs included: one UPDATE per table, touching
    only the rows that hold one. Returns the number of rows changed."""
    if not replacements:
        return 0
    quote = connection.ops.quote_name
    changed = 0
    patterns = [(_word_pattern(text), new) for text, new in replacements.items()]
    with connection.cursor() as cursor:
        for table, columns in _text_columns().items():
            assignments, conditions, params = [], [], []
            for column, length, data_type in columns:
                # A JSON value (a queued email's arguments) is rewritten as its text: the
                # replacements hold no quote or backslash, so it stays valid JSON.
                as_text = f"{quote(column)}::text" if "json" in data_type else quote(column)
                expression = as_text
                for pattern, new in patterns:
                    expression = f"regexp_replace({expression}, %s, %s, 'gi')"
                    params += [pattern, new]
                if length:
                    expression = f"left({expression}, {int(length)})"
                if "json" in data_type:
                    expression = f"({expression})::{data_type}"
                assignments.append(f"{quote(column)} = {expression}")
            for column, _length, data_type in columns:
                as_text = f"{quote(column)}::text" if "json" in data_type else quote(column)
                for pattern, _new in patterns:
                    conditions.append(f"{as_text} ~* %s")
                    params.append(pattern)
            # Table and column names come from the catalogue, quoted; every value is a parameter.
            update = f"UPDATE {quote(table)} SET {', '.join(assignments)} "  # noqa: S608  # nosec B608
            cursor.execute(update + f"WHERE {' OR '.join(conditions)}", params)
            changed += cursor.rowcount
    return changed


def anonymise_leaver(person: Person, *, by) -> Anonymised:
    """Anonymise a leaver in place, in one transaction.

    Kept, under "Former staff member": everything they did (projects, memberships, tasks,
    updates, notes on projects, savings, data, showcases, nominations, training), so the
    department's figures and every project's record stay true.
    Replaced everywhere, history tables included: their name and contact email (in every text
    column of every table), their username, their capacity, interests and band; their user
    account is closed (inactive, no admin rights, no usable password).
    Deleted with their history: appraisal notes and QI conversations about them, the session
    notes of mentoring they received, their calendar link, their account's single sign-on
    identity (the provider's identifiers for them) and the reminders log of their email.
    Recorded: a new history row of the person by `by`, with the reason, no old name.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        user = User.objects.select_for_update().get(pk=person.user_id)
        if user.pk == getattr(by, "pk", None):
            raise ValueError("Nobody can anonymise their own account")
        result = Anonymised(person=person)
        # Every name and email they have had, from the history as well as the row now.
        past = Person.history.model.objects.filter(id=person.pk)
        past_users = User.history.model.objects.filter(id=user.pk)
        old_names = {
            *past.values_list("display_name", flat=True),
            *(
                f"{first} {last}"
                for first, last in past_users.values_list("first_name", "last_name")
            ),
            person.display_name,
            user.get_full_name(),
        }
        old_names = {name.strip() for name in old_names} - {"", FORMER_NAME}
        old_emails = {
            *past.values_list("email", flat=True),
            *past_users.values_list("email", flat=True),
            person.email,
            user.email,
        }
        old_emails = {email.strip() for email in old_emails if email and email.strip()}
        old_username = user.username

        result.deleted = {
            "appraisal notes": _delete_with_history(AppraisalNote.objects.filter(person=person)),
            "QI conversations": _delete_with_history(QIConversation.objects.filter(person=person)),
            "mentoring session notes": _delete_with_history(
                MentoringSessionNote.objects.filter(pair__mentee=person)
            ),
            "single sign-on identity": _delete_with_history(
                SingleSignOnIdentity.objects.filter(user=user)
            ),
        }
        CalendarFeed.objects.filter(person=person).delete()
        if old_emails:
            email_match = Q()
            for email in old_emails:
                email_match |= Q(recipient__iexact=email)
            ReminderLog.objects.filter(email_match).delete()
            # Emails queued for them (and the worker's record of those sent) go: nobody reads
            # that inbox now. Emails to others that name them are swept below like any text.
            for email in old_emails:
                DBTaskResult.objects.filter(
                    task_path=send_email.module_path, args_kwargs__kwargs__to__icontains=email
                ).delete()
        # Words the person wrote about themselves.
        _blank_with_history(Interest.objects.filter(person=person), message="")
        _blank_with_history(MentorRequest.objects.filter(mentee=person), message="")
        _blank_with_history(MentoringPair.objects.filter(mentee=person), goals="")

        profile = {
            "display_name": FORMER_NAME,
            "email": "",
            "band": "",
            "interests": "",
            "qi_hours_per_month": None,
            "open_to_buddy_tasks": False,
        }
        for name, value in profile.items():
            setattr(person, name, value)
        # The one new history row: who anonymised the person and when, with the new values.
        person._history_user = by
        person._change_reason = ANONYMISED_REASON
        person.save(update_fields=list(profile))
        Person.history.model.objects.filter(id=person.pk).update(**profile)

        user.username = former_username(person)
        user.first_name = user.last_name = user.email = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.set_unusable_password()
        user._history_user = by
        user._change_reason = ANONYMISED_REASON
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        User.history.model.objects.filter(id=user.pk).update(
            username=user.username,
            first_name="",
            last_name="",
            email="",
            password=user.password,
            last_login=None,
        )
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=user.username)
        # Sign-in logs (django-axes) keep the username typed, with no link to the account.
        for model in _models():
            if model is not User and _has_username(model):
                model._base_manager.filter(username=old_username).update(username=user.username)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
        ).update(object_repr=FORMER_NAME)

        # The name and email wherever else they were written: other people's notes, nomination
        # citations, export log descriptions, admin log entries, history change reasons. A name
        # another person also has is left alone there: it may be theirs.
        replacements = dict.fromkeys(old_emails, EMAIL_REPLACEMENT)
        for name in old_names:
            shared = Person.objects.filter(display_name__iexact=name).exclude(pk=person.pk)
            if len(name) >= MIN_SWEEP_NAME_LENGTH and not shared.exists():
                replacements[name] = FORMER_NAME
            else:
                result.name_swept = False
        if old_username and re.search(r"[@.]", old_username):
            replacements.setdefault(old_username, EMAIL_REPLACEMENT)
        result.rows_rewritten = _sweep(replacements)
        for name in old_names:
            # Search vectors are derived from project text, which may have named the person.
            refresh_search_vectors(
                Project.objects.filter(
                    search_vector=SearchQuery(name, search_type="phrase", config=CONFIG)
                )
            )
    return result


def anonymisation_impact(person: Person) -> dict[str, int]:
    """What anonymising the person keeps and deletes, counted for the confirmation page."""

    return {
        "projects led": Project.objects.filter(lead=person).count(),
        "project memberships": Membership.objects.filter(person=person).count(),
        "tasks claimed": Task.objects.filter(claimed_by=person).count(),
        "progress updates": ProgressUpdate.objects.filter(author=person).count(),
        "savings claimed": Saving.objects.filter(claimed_by=person).count(),
        "appraisal notes about them (deleted)": AppraisalNote.objects.filter(person=person).count(),
        "QI conversations about them (deleted)": QIConversation.objects.filter(
            person=person
        ).count(),
        "people they line-manage": Person.objects.filter(line_manager=person).count(),
    }
