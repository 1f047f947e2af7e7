import functools
import re
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import DetailView, ListView, View
from django_filters.views import FilterMixin, FilterView

from . import charts, citations, comparison, dataset, exports, facetindex
from .caching import CARD_SECONDS, kept_response, names_version, unkept_cards
from .filters import RANK_LIMIT, MeetingFilter, ParticipantFilter, StatementFilter
from .models import (
    PUBLIC_STATES,
    Attendance,
    Meeting,
    Participant,
    ParticipantAlias,
    Readout,
    Statement,
    Status,
    Topic,
    card_lookups,
    newest,
    role_order,
)
from .search import clean_query, has_lexemes, highlight_texts
from .versions import PublicVersion, compare, live_view, public_versions, taken_down, version_view


class BoundFilterMixin(FilterMixin):
    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that an address with no parameters is simply a valid empty choice.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}


class FilteredListView(BoundFilterMixin, FilterView):
    """A list narrowed by a FilterSet; a malformed parameter answers 400 with the form's message."""

    paginate_by = 20

    def get_filterset(self, filterset_class):
        """Made once for the request (MeetingListView asks for it before the page is made)."""
        if getattr(self, "filterset", None) is None:
            self.filterset = super().get_filterset(filterset_class)
        return self.filterset

    beyond_last = None  # the page number asked for, when it is beyond the last page

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.filterset.is_valid():
            response.status_code = 400
        elif self.beyond_last:
            response.status_code = 404  # the last page is shown, and says so
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The links to other pages keep every parameter but the page.
        params = [(k, v) for k, values in self.request.GET.lists() if k != "page" for v in values]
        context["page_query"] = "?" + (urlencode(params) + "&" if params else "")
        page = context["page_obj"]
        if page is not None:
            context["page_range"] = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        context["beyond_last"] = self.beyond_last
        # The downloads of the whole result set keep its choices and order.
        chosen = [(k, v) for k, v in params if k != "more"]
        context["export_query"] = "?" + urlencode(chosen) if chosen else ""
        context["export_formats"] = self.export_formats
        return context

    export_formats = [("csv", "CSV"), ("jsonl", "JSON Lines")]

    def paginate_queryset(self, queryset, page_size):
        """The page asked for; beyond the last, the last (the page says so, and answers 404)."""
        number = whole_number(self.request.GET.get("page") or "1")
        if not number:
            raise Http404("That page number is not a whole number from 1 up.")
        paginator = self.get_paginator(queryset, page_size)
        if number > paginator.num_pages:
            self.beyond_last, number = number, paginator.num_pages
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def search_context(self, matched: bool) -> dict:
        text = self.filterset.search_text
        context = {
            "search_text": text,
            "search_note": clean_query(self.request.GET.get("q"))[1],
            # A quoted phrase is shown in its own quotes, not in the heading's too.
            "search_quoted": bool(re.fullmatch(r'"[^"]*"', text)),
        }
        # A search that names a person or a topic offers their page.
        name = " ".join(re.sub(r'["*]|(?:^|\s)-\S*', " ", text).split())
        if len(name) >= NAME_AT_LEAST:
            context["named_people"] = Participant.objects.so_named(name)[:5]
            context["named_topics"] = Topic.objects.named(name)[:3]
        # A search that matched has words to look for: PostgreSQL is asked only when none matched.
        if text and not matched and not has_lexemes(text):
            context["search_note"] = (
                "Your search has no words to look for (only punctuation or very common words), so nothing matches."
            )
        return context


class MeetingListView(FilteredListView):
    """The published meetings, narrowed and searched, with the facets' counts (MeetingFilter)
    and, for a search, each meeting's best-matching statements, highlighted."""

    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    export_formats = [("csv", "CSV"), ("jsonl", "JSON Lines"), ("bib", "BibTeX"), ("ris", "RIS")]

    def get(self, request, *args, **kwargs):
        """The page, kept whole for readers who are not signed in under the version of what it
        shows (MeetingFilter.shown_version), not the archive's: an edit to a meeting it does not
        show leaves it kept. A malformed choice (400) is answered anew each time."""
        if request.GET.get("sort") in OLD_ORDERS:  # an address from before the orders were renamed
            query = request.GET.copy()
            query["sort"] = OLD_ORDERS[query["sort"]]
            return HttpResponsePermanentRedirect("?" + query.urlencode())
        respond = functools.partial(super().get, request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if request.user.is_authenticated or not filterset.is_valid():
            return respond()
        number = whole_number(request.GET.get("page") or "1") or 1
        return kept_response(request, filterset.shown_version(number, self.paginate_by), respond)

    def get_queryset(self):
        return Meeting.objects.published().with_related()

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if self.filterset.is_valid():
            paginator.count = self.filterset.total  # counted with the facets, and kept with them
        return paginator

    def paginate_queryset(self, queryset, page_size):
        """The page's meetings: their ids first, then the meetings. Ids in a date order come from
        the facet index (MeetingFilter.dated_ids), ranked ones from PostgreSQL."""
        ordered = queryset.values_list("pk", flat=True)
        if self.filterset.is_valid() and not self.filterset.ranked:
            ordered = self.filterset.dated_ids()  # by date: from the facet index
        paginator, page, ids, is_paginated = super().paginate_queryset(ordered, page_size)
        ids = [int(pk) for pk in ids]
        found = queryset.order_by().prefetch_related(None).in_bulk(ids)
        meetings = [found[pk] for pk in ids if pk in found]
        # A card kept whole (the card partial's {% cache %}) shows its people and topics without
        # them: only the others' are read.
        self.names = names_version()
        prefetch_related_objects(unkept_cards(meetings, self.names), *card_lookups())
        text = self.filterset.search_text if self.filterset.is_valid() else ""
        if text and meetings:
            hits = Statement.objects.filter(meeting__in=ids).best_matches(text, per_meeting=HITS_PER_CARD)
            for meeting in meetings:
                meeting.hits = hits.get(meeting.pk, [])
        page.object_list = meetings
        return paginator, page, meetings, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.search_context(matched=bool(context["paginator"].count)))
        context["rank_limit"] = f"{RANK_LIMIT:,}"
        context["cards_kept_for"] = CARD_SECONDS
        context["names_version"] = getattr(self, "names", None)
        if self.filterset.is_valid():
            context["chips"] = self.filterset.chips()
            selected, index = self.filterset.selected, self.filterset.index
            context["per_year"] = charts.meetings_per_year(index.years_by_level(selected))
            if self.filterset.searched or context["chips"]:
                context["share_per_year"] = charts.share_per_year(
                    index.shares_by_year(selected), "Share of each year’s meetings that these are"
                )
        return context


NAME_AT_LEAST = 3  # characters of a search before people and topics so named are offered
OLD_ORDERS = {"newest": "-date", "oldest": "date"}  # the list's ?sort= values until December 2026
HITS_PER_CARD = 3  # a search's best-matching statements shown on each meeting's card


class StatementListView(FilteredListView):
    filterset_class = StatementFilter
    template_name = "meetings/statement_list.html"

    def get_queryset(self):
        return Statement.objects.filter(meeting__status=Status.PUBLISHED).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.search_context(matched=bool(context["paginator"].count)))
        context["rank_limit"] = f"{RANK_LIMIT:,}"
        if self.filterset.is_valid():
            context["speakers"] = self.filterset.speaker_counts()
            context["topics"] = Topic.objects.all()
            context["years"], context["issuers"] = self.filterset.years_and_issuers()
            text = self.filterset.search_text
            page = list(context["object_list"])
            if text and page:
                snippets = Statement.objects.filter(pk__in=[s.pk for s in page]).highlighted(text, whole=True)
                for statement in page:
                    statement.snippet = snippets.get(statement.pk) or statement.text
            context["object_list"] = page
        return context


def choice_problems(filterset) -> str:
    """What is wrong with a list's parameters, in words, for an answer that is not a page: each
    parameter's errors, without the value typed (which a page would show escaped)."""
    problems = []
    for name, errors in filterset.form.errors.as_data().items():
        said = [error.message % {key: "that value" for key in error.params or {}} for error in errors]
        problems.append(f"{name}: {' '.join(said)}")
    return "Some of the choices cannot be used. " + "; ".join(problems)


class ExportView(BoundFilterMixin, View):
    """A list's whole result set, with its filters, search and order, as a download: CSV (for a
    spreadsheet: exports.csv_lines) or JSON Lines, one row per meeting or statement; of
    meetings, their citations as BibTeX or RIS too. Streamed, so that the whole archive starts
    at once and holds little memory; a malformed parameter answers 400 with what is wrong."""

    filterset_class = None
    columns: dict[str, str] = {}
    rows = None  # exports.meeting_rows or exports.statement_rows
    name = ""  # of the file: "meetings" or "statements"
    formats = ["csv", "jsonl"]
    CONTENT_TYPES = {
        "csv": "text/csv; charset=utf-8",
        "jsonl": "application/jsonl; charset=utf-8",
        "bib": "application/x-bibtex; charset=utf-8",
        "ris": "application/x-research-info-systems; charset=utf-8",
    }

    def get_queryset(self):
        return self.filterset_class.Meta.model.objects.none()  # set by the subclass

    def get(self, request, fmt):
        if fmt not in self.formats:
            raise Http404(f"The {self.name} can be downloaded as {', '.join(self.formats)}.")
        filterset = self.get_filterset(self.filterset_class)
        if not filterset.is_valid():
            return HttpResponse(choice_problems(filterset), status=400, content_type="text/plain")
        rows = self.rows(filterset.qs, request.build_absolute_uri)
        if fmt == "csv":
            lines = exports.csv_lines(rows, self.columns)
        elif fmt == "jsonl":
            lines = exports.json_lines(rows)
        else:
            lines = self.citations(filterset.qs, fmt)
        response = StreamingHttpResponse(lines, content_type=self.CONTENT_TYPES[fmt])
        stem = f"readout-archive-{self.name}-{timezone.localdate():%Y-%m-%d}"
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response

    def citations(self, meetings, fmt: str):
        accessed = timezone.localdate()
        for meeting in exports.with_readouts(meetings.with_versions()).iterator(chunk_size=exports.CHUNK):
            view = exports.public_view(meeting)
            citation = citations.Citation.for_meeting(
                view.meeting,
                self.request,
                accessed=accessed,
                issuers=view.issuers,
                version=meeting.version_number or None,
            )
            yield (citation.bibtex() if fmt == "bib" else citation.ris()) + "\n"


class MeetingExportView(ExportView):
    filterset_class = MeetingFilter
    columns = exports.MEETING_COLUMNS
    rows = staticmethod(exports.meeting_rows)
    name = "meetings"
    formats = ["csv", "jsonl", "bib", "ris"]

    def get_queryset(self):
        return Meeting.objects.published()


class StatementExportView(ExportView):
    filterset_class = StatementFilter
    columns = exports.STATEMENT_COLUMNS
    rows = staticmethod(exports.statement_rows)
    name = "statements"

    def get_queryset(self):
        return Statement.objects.filter(meeting__status=Status.PUBLISHED)


def whole_number(raw: str) -> int | None:
    """A whole number typed in a URL: ASCII digits only ("²" is a digit to str.isdigit, not to
    int), and not so long that it means nothing; None otherwise."""
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) else None


PUBLIC_ID = re.compile(r"[0-9A-Za-z]{1,16}")


def load_meeting(public_id: str) -> Meeting:
    meetings = Meeting.objects.prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.in_role_order()),
        Prefetch(
            "readouts",
            queryset=Readout.objects.order_by("issuer", "pk").prefetch_related(
                Prefetch(
                    "statements", queryset=Statement.objects.prefetch_related("speakers", "topics").order_by("position")
                )
            ),
        ),
        "topics",
    )
    try:
        if not PUBLIC_ID.fullmatch(public_id):
            raise Meeting.DoesNotExist  # a NUL, a slash, a space: never an identifier
        return meetings.get(public_id=public_id)
    except Meeting.DoesNotExist as exc:
        raise Http404(f"No meeting has the identifier “{public_id[:40]}”.") from exc


def gone(request, meeting: Meeting, versions: list[PublicVersion]) -> HttpResponse:
    """410 for a meeting that was public: withdrawn, or no longer published, with when and why,
    and the citation data of its last public version (never anything of an unpublished draft)."""
    withdrawn = meeting.status == Status.WITHDRAWN
    last = version_view(meeting, versions[-1]) if versions else live_view(meeting)
    citation = citations.Citation.for_meeting(
        last.meeting,
        request,
        accessed=timezone.localdate(),
        issuers=last.issuers,
        version=versions[-1].number if versions else None,
    )
    context = {
        "meeting": meeting if withdrawn else last.meeting,
        "withdrawn": withdrawn,
        "since": (meeting.withdrawn_at if withdrawn else None) or taken_down(meeting, versions),
        "reason": meeting.withdrawn_reason,
        "versions": versions,
        "citation": citation,
    }
    return render(request, "meetings/meeting_withdrawn.html", context, status=410)


class MeetingDetailView(View):
    """A meeting as readers may see it now, or as one of its versions (/v/<n>/).

    Once published, its addresses always answer: withdrawn, or set back to draft, they answer
    410 with the citation data of the last public version. Until an Editor publishes a curator's
    change, readers see the last published version. A draft that was never public is a 404,
    whatever the slug: nothing of it shows.
    """

    template_name = "meetings/meeting_detail.html"

    def get(self, request, public_id, slug=None, number=None, compare=False):
        if public_id != public_id.lower() and PUBLIC_ID.fullmatch(public_id):
            # "SCSPSV4U", as citation styles print it: the identifier is lower case.
            public_id = public_id.lower()
        meeting = load_meeting(public_id)
        versions = public_versions(meeting)
        preview = meeting.status in (Status.DRAFT, Status.REVIEW) and request.user.is_staff
        if meeting.status == Status.WITHDRAWN:
            return gone(request, meeting, versions)
        if meeting.status != Status.PUBLISHED and not preview:
            if not versions:
                raise Http404(f"No meeting has the identifier “{public_id[:40]}”.")
            return gone(request, meeting, versions)
        current = versions[-1] if versions else None
        pending = meeting.changes_pending and current is not None
        if pending and not request.user.is_staff:
            shown = version_view(meeting, current)
        else:
            shown = live_view(meeting)
        if slug != shown.meeting.slug or public_id != self.kwargs["public_id"]:
            url = (
                shown.meeting.get_absolute_url() + (f"v/{number}/" if number else "") + ("compare/" if compare else "")
            )
            if request.GET:
                url += "?" + request.GET.urlencode()
            return HttpResponsePermanentRedirect(url)
        accessed = timezone.localdate()
        if number is not None:
            if not 1 <= number <= len(versions):
                raise Http404(f"This meeting has no version {number}; it has {len(versions)}.")
            view = version_view(meeting, versions[number - 1])
        else:
            view = shown
        cited = view.version or current
        text, _ = clean_query(request.GET.get("q"))
        matches = highlight_statements([s for r in view.readouts for s in r.statements], text) if text else 0
        cite = citations.Citation.for_meeting
        for readout in view.readouts:
            for statement in readout.statements:
                statement.chicago = cite(
                    view.meeting,
                    request,
                    accessed=accessed,
                    statement=statement.statement,
                    issuer=readout.issuer,
                    version=cited.number if cited else None,
                ).chicago()
        context = {
            "meeting": view.meeting,
            "view": view,
            # Where two governments published readouts: what both say, and what only one does.
            "comparison": comparison.compare(view),
            "versions": versions,
            "current_version": current,
            "preview": preview,
            "pending": pending and request.user.is_staff and view.version is None,
            "search_text": text,
            "matches": matches,
            # The meeting's lasting address, whichever version is read.
            "canonical_url": request.build_absolute_uri(shown.meeting.get_absolute_url()),
            "citation": cite(
                view.meeting, request, accessed=accessed, issuers=view.issuers, version=cited.number if cited else None
            ),
        }
        if compare:
            if context["comparison"] is None:
                raise Http404("This meeting has the readout of one government only: there is nothing to compare.")
            return render(request, "meetings/meeting_compare.html", context)
        return render(request, self.template_name, context)


class MeetingChangesView(View):
    """What changed in a meeting's record from one public version to another: from the one
    before (or ?from=n) to version `number`."""

    template_name = "meetings/meeting_changes.html"

    def get(self, request, public_id, slug, number):
        meeting = load_meeting(public_id)
        versions = public_versions(meeting)
        if meeting.status != Status.PUBLISHED and not request.user.is_staff:
            if not versions:
                raise Http404(f"No meeting has the identifier “{public_id[:40]}”.")
            return gone(request, meeting, versions)
        if not 1 <= number <= len(versions):
            raise Http404(f"This meeting has no version {number}; it has {len(versions)}.")
        raw = request.GET.get("from", "")
        start = whole_number(raw) if raw else number - 1
        if start is None or not 0 <= start < number:
            return HttpResponse(
                f"“from” must be a version before {number}: a whole number from 1 to {number - 1}.",
                status=400,
                content_type="text/plain",
            )
        after = version_view(meeting, versions[number - 1])
        before = version_view(meeting, versions[start - 1]) if start else None
        if slug != meeting.slug:  # an earlier title's address, as the meeting's versions answer
            return HttpResponsePermanentRedirect(f"{meeting.get_absolute_url()}v/{number}/changes/")
        context = {
            "meeting": after.meeting,
            "versions": versions,
            "number": number,
            "start": start,
            "after": after,
            "changes": compare(before, after) if before else None,
        }
        return render(request, self.template_name, context)


def highlight_statements(statements, text: str) -> int:
    """Mark the words of a search in the statements shown; return how many match. One query."""
    marked = highlight_texts([s.text for s in statements], text)
    matches = 0
    for statement, (matched, html) in zip(statements, marked, strict=True):
        if matched:
            statement.snippet = html
            matches += 1
    return matches


class CitationDownloadView(View):
    """A meeting's citation, or one statement's, as BibTeX, RIS or CSL-JSON; of its latest version
    unless ?version=n names another."""

    def get(self, request, public_id, fmt):
        meeting = load_meeting(public_id.lower())
        versions = public_versions(meeting)
        public = meeting.status in PUBLIC_STATES or request.user.is_staff
        if not public and not versions:
            raise Http404(f"No meeting has the identifier “{public_id[:40]}”.")
        number = versions[-1].number if versions else None
        raw_version = request.GET.get("version", "")
        if raw_version:
            number = whole_number(raw_version)
            if not number or number > len(versions):
                return HttpResponse(
                    f"This meeting has versions 1 to {len(versions)}.", status=400, content_type="text/plain"
                )
        # Cited as readers saw it: a version's own title, date and statements; the live record
        # only when there is no version yet.
        shown = version_view(meeting, versions[number - 1]) if number else live_view(meeting)
        statement, issuer = None, ""
        ref = request.GET.get("statement", "")
        if ref:
            if not re.fullmatch(r"[0-9a-z]{8}|[0-9]{1,9}-[0-9]{1,9}", ref):
                return HttpResponse(
                    "The statement reference must be a statement's key (8 letters and digits) or look like 12-3.",
                    status=400,
                    content_type="text/plain",
                )
            wanted = {ref, f"s{ref}", f"r{ref}"}
            # With no version named, a statement a later text left out is cited from the last
            # version that has it.
            candidates = [number] if raw_version or not versions else range(len(versions), 0, -1)
            for candidate in candidates:
                if candidate != number:
                    number, shown = candidate, version_view(meeting, versions[candidate - 1])
                statement, issuer = next(
                    (
                        (s.statement, r.issuer)
                        for r in shown.readouts
                        for s in r.statements
                        if wanted & {s.ref, *s.all_anchors}
                    ),
                    (None, ""),
                )
                if statement is not None:
                    break
            else:
                raise Http404("This record has no such statement.")
        citation = citations.Citation.for_meeting(
            shown.meeting,
            request,
            accessed=timezone.localdate(),
            statement=statement,
            issuer=issuer if statement else "",
            issuers=shown.issuers,
            version=number,
        )
        name = citation.file_stem
        if fmt == "bib":
            response = HttpResponse(citation.bibtex(), content_type="application/x-bibtex; charset=utf-8")
        elif fmt == "ris":
            response = HttpResponse(citation.ris(), content_type="application/x-research-info-systems; charset=utf-8")
        else:
            response = JsonResponse(
                citation.csl_json(),
                safe=False,
                json_dumps_params={"ensure_ascii": False, "indent": 2},
                content_type="application/vnd.citationstyles.csl+json",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        if not public:
            response.status_code = 410  # no longer published: the data to trace a citation, no more
        return response


class ParticipantListView(FilteredListView):
    """Everyone who attends a published meeting: their offices and years, and how many meetings."""

    filterset_class = ParticipantFilter
    template_name = "meetings/participant_list.html"
    paginate_by = 100

    def get_queryset(self):
        return Participant.objects.in_index()


class TopicListView(ListView):
    """Every topic, with its numbers of published meetings and statements."""

    template_name = "meetings/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        return Topic.objects.in_index().order_by("name")


class ParticipantDetailView(DetailView):
    model = Participant
    template_name = "meetings/participant_detail.html"
    context_object_name = "person"

    def get(self, request, *args, **kwargs):
        if not Participant.objects.filter(slug=kwargs["slug"]).exists():
            alias = ParticipantAlias.objects.select_related("participant").filter(slug=kwargs["slug"]).first()
            if alias:  # merged into another participant: their page now
                return redirect(alias.participant, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        published = Status.PUBLISHED
        context["attendances"] = (
            Attendance.objects.filter(participant=person, meeting__status=published)
            .select_related("meeting")
            .order_by(newest("meeting__date"), "meeting_id", role_order())
            .distinct("meeting__date", "meeting_id")[:200]
        )
        meetings = Meeting.objects.published().filter(attendances__participant=person).order_by()
        per_year = meetings.values("year", "level").annotate(n=Count("pk", distinct=True))
        counts: dict[int, dict[str, int]] = {}
        for row in per_year:
            if row["year"]:
                counts.setdefault(row["year"], {})[row["level"]] = row["n"]
        context["per_year"] = charts.meetings_per_year(counts, f"Meetings of {person.name} per year, by level")
        context["counterparts"] = person.counterparts()[:12]
        statements = Statement.objects.filter(speakers=person, meeting__status=published)
        context["statements"] = statements.with_related().order_by(newest("meeting__date"), "position")[:50]
        context["statement_count"] = statements.count()
        return context


class TopicDetailView(DetailView):
    model = Topic
    template_name = "meetings/topic_detail.html"
    context_object_name = "topic"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.object
        meetings = Meeting.objects.published().filter(topic_slugs__contains=[topic.slug])
        index = facetindex.current_index(meetings.db)
        selected = index.selected(index.everything, {"topic": [topic.slug]})
        context.update(
            per_year=charts.meetings_per_year(index.years_by_level(selected), f"Meetings on {topic.name} per year"),
            share_per_year=charts.share_per_year(
                index.shares_by_year(selected), f"Share of each year’s meetings on {topic.name}"
            ),
            meeting_count=meetings.count(),
            meetings=meetings.with_related().order_by(newest())[:20],
            statements=Statement.objects.filter(topics=topic, meeting__status=Status.PUBLISHED)
            .with_related()
            .order_by(newest("meeting__date"), "position")[:20],
        )
        return context


class DatasetView(View):
    """/data/: the newest dataset export_dataset wrote, with its version, date, size, checksum,
    licence and citation, and the other ways to the archive as data."""

    def get(self, request):
        context = {"dataset": dataset.latest(), "licence": dataset.LICENCE_NOTE}
        return render(request, "meetings/dataset.html", context)


class DatasetFileView(View):
    """A dataset's zip file or its checksum, from DATASET_DIR: only the names export_dataset gives."""

    NAME = re.compile(rf"{dataset.NAME}-[0-9A-Za-z][0-9A-Za-z._-]{{0,40}}\.zip(\.sha256)?")

    def get(self, request, name):
        path = dataset.dataset_dir() / name
        if not self.NAME.fullmatch(name) or not path.is_file():
            raise Http404("No dataset has this name: /data/ lists the newest.")
        content_type = "text/plain; charset=utf-8" if name.endswith(".sha256") else "application/zip"
        return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=content_type)
