from contextlib import contextmanager

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

from .curation import CurationError, merge_participants, merge_statements, retag, split_statement
from .importing import ImportRefused, check_importable, read_readout, write_readout
from .models import (
    CURATABLE_MEETING_FIELDS,
    PUBLIC_STATES,
    Attendance,
    DateSource,
    Meeting,
    Office,
    OfficeHolder,
    Participant,
    ParticipantAlias,
    PublicationRefused,
    Readout,
    Statement,
    Status,
    Term,
    Topic,
    can_publish,
    country_name,
)
from .readouts import UnreadableReadout

# The admin's header and titles name the archive, not "Django administration".
admin.site.site_header = "Readout Archive: curation"
admin.site.site_title = "Readout Archive curation"
admin.site.index_title = "What curators correct and Editors publish"


class HistoryAdmin(VersionAdmin):
    """History pages whose revert and recover save as the user who asks.

    django-reversion restores the old objects before it opens the revision of the change form,
    so without this the restore would run as nobody in particular, and the publication rules
    (Meeting's pre_save) would not know a Curator from the importer.
    """

    def revision_view(self, request, object_id, version_id, extra_context=None):
        try:
            with self.create_revision(request):
                return super().revision_view(request, object_id, version_id, extra_context)
        except PublicationRefused as exc:
            self.message_user(request, f"Nothing was reverted: {exc}", messages.ERROR)
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id])
            )

    def recover_view(self, request, version_id, extra_context=None):
        try:
            with self.create_revision(request):
                return super().recover_view(request, version_id, extra_context)
        except PublicationRefused as exc:
            self.message_user(request, f"Nothing was recovered: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))


class MeetingRevisionAdmin(HistoryAdmin):
    """Each save is one revision holding the meeting as it stands after the save, inlines included.

    The revision is filled by hand at the end of save_related: objects an inline deleted are
    then absent, as they should be, instead of caught half-way by the save signals.
    """

    @contextmanager
    def create_revision(self, request):
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            yield

    def meeting_of(self, obj) -> Meeting:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.meeting_of(form.instance).record_change()


def join_html(separator: str, pieces) -> str:
    """Pieces of safe HTML joined, the separator escaped."""
    return format_html_join(separator, "{}", ((piece,) for piece in pieces))


# --- Meetings ----------------------------------------------------------------------------


class ReadoutInline(admin.StackedInline):
    model = Readout
    extra = 0
    fields = [
        ("issuer", "language"),
        "title",
        ("published_date", "source_url"),
        "translation_note",
        ("file_name", "imported_at"),
        "problems",
    ]
    readonly_fields = ["file_name", "imported_at", "problems"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # readouts come from files: import them, or upload one


class SpeakerChoices:
    """Speakers and topics as labelled checkboxes (select2's widgets fail axe-core's checks):
    the speakers offered are the meeting's own participants (add one to the meeting's
    participants to make them a speaker), those already recorded included."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("speakers", "topics"):
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "speakers":
            meeting = self.meeting_of_request(request)
            if meeting is not None:
                kwargs["queryset"] = Participant.objects.filter(
                    Q(pk__in=Attendance.objects.filter(meeting=meeting).values("participant"))
                    | Q(
                        pk__in=Statement.speakers.through.objects.filter(statement__meeting=meeting).values(
                            "participant"
                        )
                    )
                )  # two subqueries: joined and made distinct, they took minutes at 100,000 readouts
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def meeting_of_request(self, request) -> Meeting | None:
        object_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("object_id")
        if object_id is None or not str(object_id).isdigit():
            return None
        if self.model is Statement and not isinstance(self, admin.options.InlineModelAdmin):
            return Meeting.objects.filter(statements__pk=object_id).first()
        return Meeting.objects.filter(pk=object_id).first()


class AttendanceInline(admin.StackedInline):
    """A meeting's participants that no readout records: those a curator added (to make them a
    speaker, say). Those a readout records are corrected on that readout's page, where each
    stands once; the meeting's page lists them all once (MeetingAdmin.participants)."""

    model = Attendance
    extra = 0
    autocomplete_fields = ["participant"]
    fields = [("participant", "role"), ("title", "country")]
    verbose_name = "participant added by a curator"
    verbose_name_plural = "participants added by a curator (no readout records them)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(readout__isnull=True).select_related("participant")


class ReadoutAttendanceInline(admin.StackedInline):
    """The participants as this readout records them: their role and title at the meeting."""

    model = Attendance
    fk_name = "readout"
    extra = 0
    autocomplete_fields = ["participant"]
    fields = [("participant", "role"), ("title", "country")]
    verbose_name = "participant"
    verbose_name_plural = "participants, as this readout records them"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant")


class StatementInline(SpeakerChoices, admin.StackedInline):
    model = Statement
    extra = 0
    fields = [("readout", "position", "curated"), ("number", "heading", "joint"), "text", ("speakers", "topics")]
    readonly_fields = ["readout", "position", "curated"]
    formfield_overrides = {
        Statement._meta.get_field("text").__class__: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 60})}
    }
    ordering = ["readout", "position"]
    show_change_link = True

    def get_queryset(self, request):
        # Each form's speakers and topics read from one query each, not two queries a statement.
        return super().get_queryset(request).select_related("readout").prefetch_related("speakers", "topics")

    def has_add_permission(self, request, obj=None):
        return False  # a statement is added by splitting one (Statements › a statement › Split)


class MeetingAdminForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [*CURATABLE_MEETING_FIELDS, "status", "withdrawn_reason", "needs_review", "review_notes"]
        widgets = {
            "title": forms.TextInput(attrs={"size": 90}),
            "occasion": forms.TextInput(attrs={"size": 90}),
            "withdrawn_reason": forms.Textarea(attrs={"rows": 3, "cols": 90}),
        }

    user = None  # set by MeetingAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.lock_version
        if "status" in self.fields and not can_publish(self.user):
            allowed = [Status.DRAFT, Status.REVIEW]
            if self.instance.status in PUBLIC_STATES:
                allowed.append(self.instance.status)
            self.fields["status"].choices = [c for c in Status.choices if c[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locked until the save commits, so two saves cannot both pass this check.
            current = (
                Meeting.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
            seen = cleaned.get("seen_version")
            if seen is not None and current != seen:
                raise ValidationError(
                    "Someone else saved this meeting after you opened it, so your changes were not saved. "
                    "Open the meeting again to see theirs, then make yours again.",
                    code="stale",
                )
        status = cleaned.get("status")
        before = self.initial.get("status", Status.DRAFT)
        if status != before and (status in PUBLIC_STATES or before in PUBLIC_STATES) and not can_publish(self.user):
            self.add_error("status", "Only an Editor can publish or withdraw a meeting.")
        if status == Status.WITHDRAWN and not (cleaned.get("withdrawn_reason") or "").strip():
            self.add_error("withdrawn_reason", "Say why the meeting is withdrawn: readers will see it.")
        return cleaned


class IssuerFilter(admin.SimpleListFilter):
    title = "issuing government"
    parameter_name = "issuer"

    def lookups(self, request, model_admin):
        codes = Readout.objects.order_by().values_list("issuer", flat=True).distinct()
        return [(code, country_name(code)) for code in sorted(codes)]

    def queryset(self, request, queryset):
        return queryset.filter(issuers__contains=[self.value()]) if self.value() else queryset


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Meeting.objects.filter(year__isnull=False).order_by("-year").values_list("year", flat=True).distinct()
        return [(str(y), str(y)) for y in years] + [("unknown", "date unknown")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unknown":
            return queryset.filter(date__isnull=True)
        return queryset.filter(year=int(value)) if value and value.isascii() and value.isdigit() else queryset


@admin.register(Meeting)
class MeetingAdmin(MeetingRevisionAdmin):
    form = MeetingAdminForm
    list_display = [
        "date",
        "title",
        "level",
        "format",
        "status",
        "changes_pending",
        "needs_review",
        "issuer_list",
        "public_link",
    ]
    list_display_links = ["title"]
    list_filter = [YearFilter, "level", "format", IssuerFilter, "status", "changes_pending", "needs_review"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["title", "public_id", "city", "occasion", "readouts__file_name"]
    date_hierarchy = "date"
    inlines = [ReadoutInline, AttendanceInline, StatementInline]
    readonly_fields = [
        "public_id",
        "pair_key",
        "withdrawn_at",
        "changes_pending",
        "curated_fields",
        "public_link",
        "participants",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    ("date", "date_source", "start_time", "duration_minutes"),
                    ("level", "format"),
                    ("city", "country"),
                    "occasion",
                    "participants",
                ]
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "changes_pending",
                    "withdrawn_reason",
                    "withdrawn_at",
                    "needs_review",
                    "review_notes",
                ]
            },
        ),
        ("Record", {"fields": ["public_id", "public_link", "pair_key", "curated_fields", "seen_version"]}),
    ]
    actions = ["publish", "send_to_review"]
    change_list_template = "admin/meetings/meeting/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(readout_count=Count("readouts"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def meeting_of(self, obj):
        return obj

    @admin.display(description="issued by", ordering="issuers")
    def issuer_list(self, obj):
        return ", ".join(obj.issuers)

    @admin.display(description="participants")
    def participants(self, obj):
        """Each person once, principals first, with what each readout records of them and a link
        to correct it on that readout's page."""
        if not obj.pk:
            return "—"
        people: dict[Participant, dict[tuple, list[Attendance]]] = {}
        for attendance in obj.attendances.in_role_order().select_related("readout"):
            recorded = (attendance.get_role_display(), attendance.title, attendance.country)
            people.setdefault(attendance.participant, {}).setdefault(recorded, []).append(attendance)
        if not people:
            return "None recorded."
        items = []
        for person, records in people.items():
            parts = []
            for (role, title, country), attendances in records.items():
                sources = format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    (self._attendance_source(a) for a in attendances),
                )
                described = ", ".join(filter(None, [role, title, country_name(country) if country else ""]))
                parts.append(format_html("{} ({})", described, sources))
            items.append(format_html("<li><strong>{}</strong>: {}</li>", person.name, join_html("; ", parts)))
        return format_html('<ul class="participants">{}</ul>', join_html("", items))

    @staticmethod
    def _attendance_source(attendance) -> tuple[str, str]:
        if attendance.readout is None:
            return "#attendances-group", "added by a curator"
        url = reverse("admin:meetings_readout_change", args=[attendance.readout.pk])
        return f"{url}#attendances-group", f"{attendance.readout.issuer_name}’s readout"

    @admin.display(description="public page")
    def public_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), obj.public_id)

    def save_model(self, request, obj, form, change):
        if change:
            edited = [f for f in form.changed_data if f in CURATABLE_MEETING_FIELDS]
            obj.curated_fields = sorted(set(obj.curated_fields) | set(edited))
            obj.lock_version = F("lock_version") + 1
            if "date" in form.changed_data and "date_source" not in form.changed_data:
                obj.date_source = DateSource.CURATOR if obj.date else ""
        if obj.status == Status.WITHDRAWN and not obj.withdrawn_at:
            obj.withdrawn_at = timezone.now()
        if obj.status != Status.WITHDRAWN:
            obj.withdrawn_at = None
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["lock_version"])

    def save_formset(self, request, form, formset, change):
        if formset.model is Statement:
            for statement_form in formset.forms:
                if statement_form.has_changed() and statement_form.instance.pk:
                    statement_form.instance.curated = True
        super().save_formset(request, form, formset, change)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    @admin.action(description="Publish the selected meetings, or their waiting changes", permissions=["publish"])
    def publish(self, request, queryset):
        count = 0
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            reversion.set_comment("Published")
            for meeting in queryset.exclude(status=Status.PUBLISHED, changes_pending=False):
                meeting.status = Status.PUBLISHED
                meeting.withdrawn_at = None
                meeting.save(update_fields=["status", "withdrawn_at", "changes_pending", "modified"])
                Meeting.objects.filter(pk=meeting.pk).update(lock_version=F("lock_version") + 1)
                reversion.add_to_revision(meeting)
                count += 1
        self.message_user(request, f"Published {count} meeting{'s' if count != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Send the selected meetings to review")
    def send_to_review(self, request, queryset):
        count = queryset.filter(status=Status.DRAFT).update(status=Status.REVIEW, lock_version=F("lock_version") + 1)
        self.message_user(request, f"{count} meeting{'s' if count != 1 else ''} sent to review.", messages.SUCCESS)

    # Upload: a readout file parsed, shown, and imported only when confirmed.

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="meetings_meeting_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not request.user.has_perm("meetings.add_readout"):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Import a readout file"}
        if request.method == "POST" and "confirm" in request.POST:
            form = ConfirmUploadForm(request.POST)
            if form.is_valid():
                return self._import_upload(request, form.cleaned_data["file_name"], form.cleaned_data["text"])
        elif request.method == "POST" and "cancel" in request.POST:
            self.message_user(request, "Nothing was imported.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:meetings_meeting_changelist"))
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                return self._preview_upload(request, form, context)
        else:
            form = UploadForm()
        return TemplateResponse(request, "admin/meetings/meeting/upload.html", {**context, "form": form})

    def _preview_upload(self, request, form, context):
        upload = form.cleaned_data["file"]
        text = form.cleaned_data["text"]
        problem, parsed, existing = "", None, None
        try:
            parsed = read_readout(text)
            check_importable(parsed)
        except (UnreadableReadout, ImportRefused) as exc:
            problem = str(exc)
        if parsed:
            existing = Readout.objects.filter(file_name=upload.name).select_related("meeting").first()
        context.update(
            parsed=parsed,
            problem=problem,
            existing=existing,
            unchanged=bool(existing and parsed and existing.content_hash == parsed.content_hash),
            confirm=ConfirmUploadForm(initial={"file_name": upload.name, "text": text}),
            file_name=upload.name,
            title=f"Import {upload.name}?",
        )
        return TemplateResponse(request, "admin/meetings/meeting/upload_preview.html", context)

    def _import_upload(self, request, file_name, text):
        try:
            parsed = read_readout(text)
            result = write_readout(parsed=parsed, file_name=file_name, text=text, action="Uploaded", user=request.user)
        except (UnreadableReadout, ImportRefused) as exc:
            self.message_user(request, f"{file_name} was not imported: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:meetings_meeting_upload"))
        for conflict in result.conflicts:
            self.message_user(request, f"Conflict: {conflict}. The meeting is flagged for review.", messages.WARNING)
        self.message_user(request, f"{file_name}: {result.outcome}. {result.meeting}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:meetings_meeting_change", args=[result.meeting.pk]))


MAX_UPLOAD = settings.READOUT_MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A readout as a UTF-8 text file.")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > MAX_UPLOAD:
            raise ValidationError(f"The file is {upload.size:,} bytes; a readout is at most {MAX_UPLOAD:,}.")
        raw = upload.read()
        if b"\x00" in raw:
            raise ValidationError("The file is binary, not text.")
        try:
            cleaned["text"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(f"The file is not UTF-8 text (byte {exc.start} cannot be decoded).") from exc
        return cleaned


class ConfirmUploadForm(forms.Form):
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.HiddenInput, strip=False)


# --- Readouts and statements ------------------------------------------------------------


@admin.register(Readout)
class ReadoutAdmin(MeetingRevisionAdmin):
    list_display = ["file_name", "issuer", "title", "published_date", "meeting", "imported_at"]
    list_filter = ["issuer", "language"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["title", "file_name"]
    list_select_related = ["meeting"]
    readonly_fields = ["meeting", "content_hash", "imported_at", "file_name", "original_text", "problems"]
    inlines = [ReadoutAttendanceInline]

    def meeting_of(self, obj):
        return obj.meeting

    def save_formset(self, request, form, formset, change):
        if formset.model is Attendance:
            for attendance_form in formset.forms:
                attendance_form.instance.meeting_id = form.instance.meeting_id
        super().save_formset(request, form, formset, change)

    def has_add_permission(self, request):
        return False


class SplitForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        strip=False,
        help_text="Put a line holding only ||| where the statement should be cut.",
    )

    MARK = "|||"

    def clean_text(self):
        text = self.cleaned_data["text"]
        if text.count(self.MARK) != 1:
            raise ValidationError("Put exactly one ||| where the statement should be cut.")
        return text


@admin.register(Statement)
class StatementAdmin(SpeakerChoices, MeetingRevisionAdmin):
    list_display = ["__str__", "number", "speaker_list", "meeting_date", "curated"]
    list_filter = ["readout__issuer", "curated", "joint", "topics"]
    search_fields = ["text", "readout__file_name", "meeting__public_id"]
    list_select_related = ["readout", "meeting"]
    readonly_fields = ["readout", "meeting", "position", "curated", "split_link"]
    fields = [
        "meeting",
        "readout",
        "position",
        "number",
        "heading",
        "text",
        "joint",
        "speakers",
        "topics",
        "curated",
        "split_link",
    ]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    def meeting_of(self, obj):
        return obj.meeting

    def has_add_permission(self, request):
        return False

    @admin.display(description="speakers")
    def speaker_list(self, obj):
        return ", ".join(p.name for p in obj.speakers.all())

    @admin.display(description="meeting date", ordering="meeting__date")
    def meeting_date(self, obj):
        return obj.meeting.date

    @admin.display(description="split")
    def split_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:meetings_statement_split", args=[obj.pk])
        return format_html('<a href="{}">Split this statement in two…</a>', url)

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.curated = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change and form.has_changed() and not form.instance.curated:
            Statement.objects.filter(pk=form.instance.pk).update(curated=True)
        super().save_related(request, form, formsets, change)

    @admin.action(description="Merge the selected statements (consecutive, one readout)")
    def merge(self, request, queryset):
        try:
            with reversion.create_revision(manage_manually=True):
                reversion.set_user(request.user)
                reversion.set_comment("Merged statements")
                kept = merge_statements(list(queryset.select_related("meeting")))
        except CurationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(request, f"Merged into {kept}.", messages.SUCCESS)
        return None

    def get_urls(self):
        return [
            path("<int:pk>/split/", self.admin_site.admin_view(self.split_view), name="meetings_statement_split"),
            *super().get_urls(),
        ]

    def split_view(self, request, pk):
        statement = Statement.objects.select_related("meeting", "readout").filter(pk=pk).first()
        if statement is None:
            return HttpResponseRedirect(reverse("admin:meetings_statement_changelist"))
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        if request.method == "POST":
            form = SplitForm(request.POST)
            if form.is_valid():
                text = form.cleaned_data["text"]
                at = text.index(SplitForm.MARK)
                if text.replace(SplitForm.MARK, "", 1).split() != statement.text.split():
                    form.add_error("text", "Only add the ||| mark: the words must stay as they are.")
                else:
                    before_words = len(text[:at].split())
                    offset = _offset_after_words(statement.text, before_words)
                    try:
                        with reversion.create_revision(manage_manually=True):
                            reversion.set_user(request.user)
                            reversion.set_comment(f"Split statement {statement.number or statement.position}")
                            new = split_statement(statement, offset)
                    except CurationError as exc:
                        form.add_error("text", str(exc))
                    else:
                        self.message_user(request, f"Split; the second part is {new}.", messages.SUCCESS)
                        return HttpResponseRedirect(
                            reverse("admin:meetings_meeting_change", args=[statement.meeting_id])
                        )
        else:
            form = SplitForm(initial={"text": statement.text})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Split {statement}",
            "statement": statement,
            "form": form,
        }
        return TemplateResponse(request, "admin/meetings/statement/split.html", context)


def _offset_after_words(text: str, words: int) -> int:
    """The character offset in text just after its first `words` words."""
    count, index = 0, 0
    for token in text.split():
        index = text.index(token, index) + len(token)
        count += 1
        if count == words:
            return index
    return index


# --- People and topics ------------------------------------------------------------------


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Participant.objects.none(), label="Keep this participant")

    def __init__(self, *args, chosen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = chosen


class AliasInline(admin.TabularInline):
    model = ParticipantAlias
    extra = 0
    fields = ["slug"]
    verbose_name_plural = "former addresses (redirect here)"


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["name", "country", "meeting_count", "variant_list"]
    list_filter = ["country"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["name", "variants", "slug"]
    readonly_fields = ["slug", "name_key"]
    fields = ["name", "variants", "country", "holder", "slug", "name_key"]
    autocomplete_fields = ["holder"]
    inlines = [AliasInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meetings=Count("attendances__meeting", distinct=True))

    @admin.display(description="meetings", ordering="meetings")
    def meeting_count(self, obj):
        return obj.meetings

    @admin.display(description="also written")
    def variant_list(self, obj):
        return ", ".join(obj.variants)

    @admin.action(description="Merge the selected participants into one…")
    def merge(self, request, queryset):
        chosen = Participant.objects.filter(pk__in=queryset.values("pk"))
        if chosen.count() < 2:
            self.message_user(request, "Choose at least two participants to merge.", messages.ERROR)
            return None
        if "apply" in request.POST:
            form = MergeForm(request.POST, chosen=chosen)
            if form.is_valid():
                keep = form.cleaned_data["keep"]
                others = [p for p in chosen if p.pk != keep.pk]
                with reversion.create_revision(manage_manually=True):
                    reversion.set_user(request.user)
                    reversion.set_comment(f"Merged {', '.join(p.name for p in others)} into {keep.name}")
                    meetings = merge_participants(keep=keep, others=others)
                self.message_user(
                    request,
                    f"Merged {', '.join(p.name for p in others)} into {keep.name}; {meetings} meetings updated. "
                    "Their old addresses now redirect.",
                    messages.SUCCESS,
                )
                return None
        else:
            form = MergeForm(chosen=chosen)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Merge participants",
            "chosen": chosen,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/meetings/participant/merge.html", context)


@admin.register(Topic)
class TopicAdmin(HistoryAdmin):
    list_display = ["name", "slug", "meeting_count", "keyword_list"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["retag_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_total=Count("meetings", distinct=True))

    @admin.display(description="meetings", ordering="meeting_total")
    def meeting_count(self, obj):
        return obj.meeting_total

    @admin.display(description="identified by")
    def keyword_list(self, obj):
        return ", ".join(obj.keywords)

    @admin.action(description="Re-tag meetings and statements with the selected topics' words")
    def retag_selected(self, request, queryset):
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            reversion.set_comment("Re-tagged topics: " + ", ".join(t.name for t in queryset))
            report = retag(topics=list(queryset))
        self.message_user(request, str(report), messages.SUCCESS)


class TermInline(admin.TabularInline):
    model = Term
    extra = 1
    autocomplete_fields = ["office"]


@admin.register(OfficeHolder)
class OfficeHolderAdmin(HistoryAdmin):
    """The gazetteer: who held which office when, and how each language writes their name."""

    list_display = ["name", "country", "office_list"]
    list_filter = ["country", "terms__office__rank"]
    search_fields = ["name", "slug", "names", "family_names"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TermInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("terms__office")

    @admin.display(description="offices")
    def office_list(self, obj):
        return "; ".join(
            f"{t.office.title} {t.start:%Y}–{t.end:%Y}" if t.end else f"{t.office.title} {t.start:%Y}–"
            for t in obj.terms.all()
        )


@admin.register(Office)
class OfficeAdmin(HistoryAdmin):
    list_display = ["title", "country", "rank", "holder_count"]
    list_filter = ["country", "rank"]
    search_fields = ["title", "slug", "titles"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holders=Count("terms__holder", distinct=True))

    @admin.display(description="holders", ordering="holders")
    def holder_count(self, obj):
        return obj.holders
