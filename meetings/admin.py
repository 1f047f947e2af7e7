from django.contrib import admin

from .models import Attendance, Meeting, Participant, Readout, Statement, Topic


class ReadoutInline(admin.StackedInline):
    model = Readout
    extra = 0
    fields = ["issuer", "title", "published_date", "source_url", "translation_note", "file_name"]
    readonly_fields = ["file_name"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["participant"]
    fields = ["participant", "role", "title", "country", "readout"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "level", "format", "city", "country"]
    list_filter = ["level", "format", "country"]
    search_fields = ["title", "city", "occasion", "public_id"]
    date_hierarchy = "date"
    inlines = [ReadoutInline, AttendanceInline]
    readonly_fields = ["public_id", "pair_key"]


@admin.register(Readout)
class ReadoutAdmin(admin.ModelAdmin):
    list_display = ["file_name", "issuer", "title", "published_date", "imported_at"]
    list_filter = ["issuer", "language"]
    search_fields = ["title", "file_name"]
    readonly_fields = ["content_hash", "imported_at", "original_text"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]
    search_fields = ["name", "variants"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["readout", "position", "number", "heading"]
    search_fields = ["text"]
    filter_horizontal = ["speakers", "topics"]
    list_select_related = ["readout"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "keywords"]
