"""The admin of reports and their audit trail, imports and evidence: read-only for everyone."""

from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from objectives.admin.plan import RELATED_ONLY
from objectives.models import (
    Evidence,
    ImportRecord,
    Measurement,
    Progress,
    ProgressEvent,
)
from organisation.admin import (
    EnteScopedAdmin,
    EnteScopedFieldsMixin,
    ReadOnlyAdminMixin,
)


class MeasurementInline(ReadOnlyAdminMixin, EnteScopedFieldsMixin, admin.TabularInline):
    """The measured values of a report: entered by its responsible on the report page."""

    model = Measurement
    extra = 0
    fields = ["indicator", "value_number", "value_date", "value_bool", "value_text"]


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdminMixin, EnteScopedAdmin, SimpleHistoryAdmin):
    """Reports are read here; every save and transition goes through the app's workflow
    (objectives/services.py), which checks the role, bumps the version and writes the event."""

    list_display = [
        "objective",
        "responsible",
        "period",
        "status",
        "computed_achievement",
        "declared_achievement",
        "validated_achievement",
    ]
    list_filter = [("period", RELATED_ONLY), "status", ("responsible", RELATED_ONLY)]
    list_select_related = ["objective", "responsible", "period", "period__plan"]
    search_fields = ["objective__code", "objective__title", "responsible__full_name"]
    autocomplete_fields = ["objective", "responsible"]
    exclude = ["ente"]
    # The NdV's exclusion goes through objectives.services.progress_exclude only.
    readonly_fields = ["excluded_reason", "excluded_by", "excluded_at"]
    inlines = [MeasurementInline]

    def view_on_site(self, progress: Progress) -> str:
        return reverse("objectives:progress_detail", args=[progress.pk])


@admin.register(ProgressEvent)
class ProgressEventAdmin(ReadOnlyAdminMixin, EnteScopedAdmin):
    """The audit trail: append-only, written by the services; nobody adds, changes or deletes."""

    list_display = ["at", "progress", "action", "from_status", "to_status", "actor"]
    list_filter = ["action", ("progress__period", RELATED_ONLY)]
    list_select_related = [
        "progress__objective",
        "progress__responsible",
        "progress__period",
        "actor",
    ]
    search_fields = ["progress__objective__code", "note", "actor__username"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAdminMixin, EnteScopedAdmin):
    """Every import, accepted or refused: read-only, like a register."""

    list_display = [
        "created_at",
        "file_name",
        "outcome",
        "source",
        "ente",
        "plan",
        "user",
        "objectives",
        "errors",
        "warnings",
    ]
    list_filter = [("ente", RELATED_ONLY), "outcome", "source"]
    list_select_related = ["ente", "plan", "user"]
    search_fields = ["file_name", "sha256", "plan_title", "ente_slug"]
    date_hierarchy = "created_at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, EnteScopedAdmin):
    """Evidence is added and removed by the responsible on the report page (audited there)."""

    list_display = [
        "original_name",
        "progress",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    list_select_related = [
        "progress__objective",
        "progress__responsible",
        "progress__period",
        "uploaded_by",
    ]
    search_fields = ["original_name", "progress__objective__code"]
    readonly_fields = [
        "file",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
        "progress",
    ]
    exclude = ["ente"]
