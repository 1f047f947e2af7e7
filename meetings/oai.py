"""An OAI-PMH 2.0 repository of the meetings (https://www.openarchives.org/OAI/openarchivesprotocol.html),
with Dublin Core records (oai_dc), for libraries and aggregators that harvest archives.

Its items are the meetings that have been public: a published one is a record of what readers
see (its last published version while a change waits for an Editor, exports.public_view), one
withdrawn or set back to draft a deleted record. Each is named oai:<OAI_REPOSITORY_IDENTIFIER>:
<public id>; its datestamp is its `modified`, in UTC to the second. Sets: by level
(level:summit), issuing government (issuer:JPN) and year (year:2017). Lists come in pages of
OAI_PAGE_SIZE records, each with a resumption token (signed, so that a token nobody was given is
refused) that holds the request and the last id sent.
"""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import exports
from .citations import ARCHIVE, issuer_author
from .models import Level, Meeting, Role, Status, country_name

VERBS = {  # each verb's required and optional arguments (resumptionToken: exclusive)
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
FORMATS = {
    "oai_dc": {
        "schema": "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "namespace": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    }
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
TOKEN_SALT = "meetings.oai"


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def datestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def harvested():
    """The meetings that have been public, oldest id first."""
    return Meeting.objects.filter(published_at__isnull=False).order_by("pk")


def parse_bound(value: str, *, upper: bool) -> tuple[datetime, str]:
    """A from or until argument, a day or a second in UTC, as the first moment it takes in, or
    (upper) the first moment after it; and its granularity."""
    try:
        if SECOND.fullmatch(value):
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return moment + timedelta(seconds=1) if upper else moment, "second"
        if DAY.fullmatch(value):
            moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return moment + timedelta(days=1) if upper else moment, "day"
    except (ValueError, OverflowError):
        pass
    raise OAIError("badArgument", f"“{value[:40]}” is not a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDThh:mm:ssZ).")


def in_set(meetings, spec: str):
    kind, _, value = spec.partition(":")
    if kind in ("level", "issuer", "year") and not value:
        return meetings  # every record has a level, an issuer and a year (or none known)
    if kind == "level" and value in Level.values:
        return meetings.filter(level=value)
    if kind == "issuer" and re.fullmatch(r"[A-Z]{3}", value):
        return meetings.filter(issuers__contains=[value])
    if kind == "year" and re.fullmatch(r"\d{4}", value):
        return meetings.filter(year=int(value))
    raise OAIError("badArgument", "The sets are level:<level>, issuer:<ISO 3166 alpha-3> and year:<year>.")


def set_specs(meeting: Meeting) -> list[str]:
    specs = [f"level:{meeting.level}", *(f"issuer:{code}" for code in meeting.issuers)]
    return specs + ([f"year:{meeting.year}"] if meeting.year else [])


@method_decorator(csrf_exempt, name="dispatch")  # OAI-PMH allows POST; nothing here writes
class OAIView(View):
    """The repository's one address (/oai/), answering each verb (GET or POST)."""

    http_method_names = ["get", "post", "head"]

    def get(self, request):
        return self.answer(request, request.GET)

    def post(self, request):
        return self.answer(request, request.POST)

    def answer(self, request, params):
        context = {
            "response_date": datestamp(timezone.now()),
            "base_url": request.build_absolute_uri(request.path),
            "arguments": {},
        }
        verb = params.get("verb", "")
        try:
            arguments = self.arguments(params)
            context["arguments"] = arguments
            context.update(getattr(self, verb)(request, arguments))
            template = f"oai/{verb}.xml"
        except OAIError as error:
            context["error"] = error
            if error.code in ("badVerb", "badArgument"):
                context["arguments"] = {}  # the request element then names no arguments
            template = "oai/error.xml"
        return render(request, template, context, content_type="text/xml; charset=utf-8")

    def arguments(self, params) -> dict[str, str]:
        verb = params.get("verb", "")
        if verb not in VERBS or len(params.getlist("verb")) > 1:
            raise OAIError("badVerb", "The verb is missing, repeated, or not one of OAI-PMH's: " + ", ".join(VERBS))
        required, optional = VERBS[verb]
        given = {key for key in params if key != "verb"}
        if any(len(params.getlist(key)) > 1 for key in given):
            raise OAIError("badArgument", "An argument is repeated.")
        if "resumptionToken" in given and given != {"resumptionToken"}:
            raise OAIError("badArgument", "A resumptionToken comes alone, with the verb.")
        if "resumptionToken" not in given and (required - given or given - required - optional):
            raise OAIError(
                "badArgument",
                f"{verb} takes " + (", ".join(sorted(required | optional)) or "no arguments") + ".",
            )
        return {"verb": verb, **{key: params[key] for key in given}}

    # --- The verbs ---------------------------------------------------------------------------

    def Identify(self, request, arguments):
        earliest = harvested().order_by("modified").values_list("modified", flat=True).first()
        sample = harvested().values_list("public_id", flat=True).first() or "a2b3c4d5"
        return {
            "repository_name": ARCHIVE,
            "earliest": datestamp(earliest or timezone.now()),
            "admin_email": settings.OAI_ADMIN_EMAIL,
            "repository_identifier": settings.OAI_REPOSITORY_IDENTIFIER,
            "sample_identifier": self.identifier(sample),
        }

    def ListMetadataFormats(self, request, arguments):
        if "identifier" in arguments:
            self.meeting(arguments["identifier"])
        return {"formats": FORMATS}

    def ListSets(self, request, arguments):
        if "resumptionToken" in arguments:
            raise OAIError("badResumptionToken", "The sets come in one list, with no resumption token.")
        published = Meeting.objects.published().order_by()
        issuers = sorted({code for codes in published.values_list("issuers", flat=True) for code in codes})
        years = sorted(set(published.exclude(year=None).values_list("year", flat=True)), reverse=True)
        sets = [
            ("level", "Meetings by level"),
            ("issuer", "Meetings by issuing government"),
            ("year", "Meetings by year"),
        ]
        sets += [(f"level:{value}", f"Level: {label}") for value, label in Level.choices]
        sets += [(f"issuer:{code}", f"Readouts issued by {country_name(code)}") for code in issuers]
        sets += [(f"year:{year}", f"Meetings of {year}") for year in years]
        return {"sets": sets}

    def ListIdentifiers(self, request, arguments):
        return self.listing(request, arguments)

    def ListRecords(self, request, arguments):
        return self.listing(request, arguments, records=True)

    def GetRecord(self, request, arguments):
        self.format(arguments["metadataPrefix"])
        meeting = self.meeting(arguments["identifier"])
        return {"records": self.records(request, [meeting], full=True)}

    # --- Lists and records -------------------------------------------------------------------

    def listing(self, request, arguments, *, records: bool = False):
        if "resumptionToken" in arguments:
            try:
                request_args = signing.loads(arguments["resumptionToken"], salt=TOKEN_SALT)
                after, cursor = request_args.pop("after"), request_args.pop("cursor")
            except (signing.BadSignature, KeyError, TypeError, AttributeError) as exc:
                raise OAIError("badResumptionToken", "This resumption token was not given by this repository.") from exc
        else:
            request_args = {k: v for k, v in arguments.items() if k in ("metadataPrefix", "from", "until", "set")}
            after, cursor = 0, 0
        self.format(request_args["metadataPrefix"])
        meetings = harvested()
        granularities = set()
        if "from" in request_args:
            start, grain = parse_bound(request_args["from"], upper=False)
            meetings, granularities = meetings.filter(modified__gte=start), granularities | {grain}
        if "until" in request_args:
            end, grain = parse_bound(request_args["until"], upper=True)
            meetings, granularities = meetings.filter(modified__lt=end), granularities | {grain}
        if len(granularities) > 1:
            raise OAIError("badArgument", "from and until must be given to the same granularity.")
        if "set" in request_args:
            meetings = in_set(meetings, request_args["set"])
        size = settings.OAI_PAGE_SIZE
        page = list(meetings.filter(pk__gt=after).only("pk")[: size + 1].values_list("pk", flat=True))
        if not page and not cursor:
            raise OAIError("noRecordsMatch", "No records match these arguments.")
        more = len(page) > size
        page = page[:size]
        token = ""
        if more:
            token = signing.dumps({**request_args, "after": page[-1], "cursor": cursor + size}, salt=TOKEN_SALT)
        chosen = meetings.model.objects.filter(pk__in=page).order_by("pk")
        return {
            "records": self.records(request, chosen, full=records),
            "token": token,
            "cursor": cursor,
            "complete_size": meetings.count() if more or cursor else None,
            "show_token": more or bool(cursor),
        }

    def records(self, request, meetings, *, full: bool) -> list[dict]:
        if full:
            meetings = exports.with_readouts(Meeting.objects.filter(pk__in=[m.pk for m in meetings]).with_versions())
            meetings = sorted(meetings, key=lambda m: m.pk)
        return [self.record(request, m, full=full) for m in meetings]

    def record(self, request, meeting: Meeting, *, full: bool) -> dict:
        deleted = meeting.status != Status.PUBLISHED
        record = {
            "identifier": self.identifier(meeting.public_id),
            "datestamp": datestamp(meeting.modified),
            "sets": set_specs(meeting),
            "deleted": deleted,
        }
        if full and not deleted:
            record["dc"] = self.dublin_core(request, meeting)
        return record

    def dublin_core(self, request, meeting: Meeting) -> dict:
        view = exports.public_view(meeting)
        shown = view.meeting
        url = request.build_absolute_uri(shown.get_absolute_url())
        principals = [
            a.participant.name for side in view.sides for a in side["attendances"] if a.role == Role.PRINCIPAL
        ]
        about = [shown.get_level_display() + " meeting", shown.date_label, shown.place, ", ".join(principals)]
        return {
            "title": shown.title,
            "creator": [issuer_author(code) for code in view.issuers],
            "subject": [t.name for t in view.topics] + list(dict.fromkeys(principals)),
            "description": "Readout of a meeting: " + "; ".join(p for p in about if p) + ".",
            "publisher": ARCHIVE,
            "date": shown.date.isoformat() if shown.date else "",
            "type": "Text",
            "format": "text/html",
            "identifier": [url, *([f"{url}v/{meeting.version_number}/"] if meeting.version_number else [])],
            "source": [r.source_url for r in view.readouts if r.source_url],
            "language": sorted({r.language for r in view.readouts}),
            "coverage": shown.place,
        }

    # --- Arguments ----------------------------------------------------------------------------

    def identifier(self, public_id: str) -> str:
        return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{public_id}"

    def meeting(self, identifier: str) -> Meeting:
        prefix = f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:"
        public_id = identifier.removeprefix(prefix) if identifier.startswith(prefix) else ""
        meeting = (
            harvested().filter(public_id=public_id).first() if re.fullmatch(r"[0-9a-z]{1,16}", public_id) else None
        )
        if meeting is None:
            raise OAIError("idDoesNotExist", "No record has this identifier.")
        return meeting

    def format(self, prefix: str) -> None:
        if prefix not in FORMATS:
            raise OAIError("cannotDisseminateFormat", "The records are offered in oai_dc only.")
