"""Revisions for many meetings at once, in django-reversion's own tables and format.

reversion.add_to_revision() serialises each object with a query per many-to-many field,
which is right for a curator's save and far too slow for an import of thousands of files.
record_revisions() loads the meetings' whole aggregates in a few queries and writes the same
Revision and Version rows, in the serialisation Django's JSON serializer produces, so
reversion (the admin's history, version pages) reads them like its own.
"""

import json
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields import Field
from django.utils import timezone
from django.utils.encoding import is_protected_type
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from .models import Attendance, Meeting, Participant, Readout, Statement


def _value(obj, field: Field):
    value = field.value_from_object(obj)
    return value if is_protected_type(value) else field.value_to_string(obj)


def serialize(obj, m2m: dict[str, list[int]] | None = None) -> str:
    """The object as Django's JSON serializer writes it, with the fields reversion keeps."""
    options = _get_options(type(obj))
    keep = set(options.fields)
    meta = obj._meta.concrete_model._meta
    fields = {}
    for field in meta.local_fields:
        if not field.serialize or field.name not in keep:
            continue
        fields[field.name] = _value(obj, field) if field.remote_field is None else getattr(obj, field.attname)
    for field in meta.local_many_to_many:
        if field.serialize and field.name in keep:
            fields[field.name] = list((m2m or {}).get(field.name, []))
    return json.dumps([{"model": str(obj._meta), "pk": obj.pk, "fields": fields}], cls=DjangoJSONEncoder)


def record_revisions(meeting_ids: list[int], comments: dict[int, str], *, user=None) -> int:
    """One revision for each meeting, holding it as it stands now with everything it follows."""
    if not meeting_ids:
        return 0
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids).order_by("pk"))
    readouts = list(Readout.objects.filter(meeting_id__in=meeting_ids).order_by("pk"))
    statements = list(Statement.objects.filter(meeting_id__in=meeting_ids).order_by("pk").defer("search_vector"))
    attendances = list(Attendance.objects.filter(meeting_id__in=meeting_ids).order_by("pk"))
    participants = Participant.objects.in_bulk({a.participant_id for a in attendances})
    readout_by_id = {r.pk: r for r in readouts}
    for s in statements:
        s.readout = readout_by_id[s.readout_id]  # for str(statement), without a query each
    for a in attendances:
        a.participant = participants[a.participant_id]
    statement_ids = [s.pk for s in statements]
    speakers, topics = defaultdict(list), defaultdict(list)
    for sid, pid in Statement.speakers.through.objects.filter(statement_id__in=statement_ids).order_by("pk").values_list(
        "statement_id", "participant_id"
    ):
        speakers[sid].append(pid)
    for sid, tid in Statement.topics.through.objects.filter(statement_id__in=statement_ids).order_by("pk").values_list(
        "statement_id", "topic_id"
    ):
        topics[sid].append(tid)

    by_meeting: dict[int, list] = defaultdict(list)
    for r in readouts:
        by_meeting[r.meeting_id].append((r, None))
    for s in statements:
        by_meeting[s.meeting_id].append((s, {"speakers": speakers[s.pk], "topics": topics[s.pk]}))
    for a in attendances:
        by_meeting[a.meeting_id].append((a, None))
        by_meeting[a.meeting_id].append((participants[a.participant_id], None))

    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        [Revision(date_created=now, user=user, comment=comments.get(m.pk, "")) for m in meetings]
    )
    types = ContentType.objects.get_for_models(Meeting, Readout, Statement, Attendance, Participant)
    versions = []
    for meeting, revision in zip(meetings, revisions, strict=True):
        seen = set()
        for obj, m2m in [(meeting, None), *by_meeting[meeting.pk]]:
            key = (type(obj), obj.pk)
            if key in seen:
                continue
            seen.add(key)
            versions.append(
                Version(
                    revision=revision,
                    content_type=types[type(obj)],
                    object_id=str(obj.pk),
                    db="default",
                    format="json",
                    serialized_data=serialize(obj, m2m),
                    object_repr=str(obj)[:191],
                )
            )
    Version.objects.bulk_create(versions, batch_size=2000)
    return len(revisions)
