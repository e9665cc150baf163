import nested_admin
from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from objectives.models import (
    Evidence,
    ImportRecord,
    Indicator,
    Measurement,
    Missione,
    MonitoringPeriod,
    Objective,
    Plan,
    Programma,
    Progress,
    ProgressEvent,
    Target,
)
from objectives.weights import WeightGroup, objective_groups, weight_groups
from organisation.admin import EnteScopedAdmin, EnteScopedFieldsMixin
from piao.formatting import format_percent

RELATED_ONLY = admin.RelatedOnlyFieldListFilter


@admin.register(Missione)
class MissioneAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Programma)
class ProgrammaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "missione", "regions_only"]
    list_filter = ["missione", "regions_only"]
    list_select_related = ["missione"]
    search_fields = ["code", "name", "missione__name"]

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete offers only what comuni use; the list page keeps the whole taxonomy.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(regions_only=False)
        return queryset, distinct


def _weight_groups_table(groups: list[WeightGroup]) -> str:
    if not groups:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                group.person_name,
                group.section_label,
                group.objectives,
                format_percent(group.total) if group.must_total_100 else group.total,
                format_html('<strong class="errornote">⚠ {}</strong>', group.warning)
                if group.warning
                else "✓",
            )
            for group in groups
        ),
    )
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        _("Responsabile"),
        _("Sezione"),
        _("Obiettivi"),
        _("Totale pesi"),
        _("Controllo"),
        rows,
    )


class MonitoringPeriodInline(admin.TabularInline):
    model = MonitoringPeriod
    extra = 0
    fields = ["name", "reference_date", "due_date", "is_open"]


@admin.register(Plan)
class PlanAdmin(EnteScopedAdmin):
    list_display = ["title", "ente", "first_year", "last_year", "status", "objective_count"]
    list_filter = [("ente", RELATED_ONLY), "status", "first_year"]
    list_select_related = ["ente"]
    search_fields = ["title", "ente__name"]
    readonly_fields = ["weight_groups_summary"]
    inlines = [MonitoringPeriodInline]
    fieldsets = [
        (None, {"fields": ["ente", "title", "first_year", "last_year", "status"]}),
        (_("Approvazione"), {"fields": ["approval_act_number", "approval_act_date"]}),
        (_("Pesi"), {"fields": ["weight_mode", "weight_categories", "weight_groups_summary"]}),
        (_("Regole di punteggio (SMVP)"), {"fields": ["scoring_rules"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_objectives=Count("objectives"))

    @admin.display(description=_("obiettivi"), ordering="n_objectives")
    def objective_count(self, plan: Plan) -> int:
        return plan.n_objectives

    @admin.display(description=_("gruppi di peso"))
    def weight_groups_summary(self, plan: Plan) -> str:
        if not plan.pk:
            return "—"
        groups = sorted(
            weight_groups([plan.pk]).values(), key=lambda g: (g.key.section, g.person_name)
        )
        return _weight_groups_table(groups)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            inline_form.instance.ente_id = form.instance.ente_id
        formset.save()


class TargetInline(EnteScopedFieldsMixin, nested_admin.NestedTabularInline):
    model = Target
    extra = 0
    fields = ["year", "comparator", "value", "date", "relative_to_year", "text"]
    formfield_overrides = {
        Target._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 1, "cols": 40})
        }
    }


class IndicatorInline(EnteScopedFieldsMixin, nested_admin.NestedStackedInline):
    model = Indicator
    extra = 0
    inlines = [TargetInline]
    fields = [
        "order",
        "description",
        ("kind", "unit", "direction", "weight"),
        ("baseline_value", "baseline_year"),
        "baseline_text",
    ]
    formfield_overrides = {
        Indicator._meta.get_field("description").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 80})
        }
    }


class ObjectiveAdminForm(forms.ModelForm):
    class Meta:
        model = Objective
        exclude = ["ente"]  # noqa: DJ006 - the admin's fieldsets pick the fields; ente is derived

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is None:
            return cleaned
        for field in ("org_units", "assignees"):
            others = [item for item in cleaned.get(field) or [] if item.ente_id != plan.ente_id]
            if others:
                self.add_error(
                    field, _("Appartengono a un altro ente: %s.") % ", ".join(map(str, others))
                )
        return cleaned


@admin.register(Objective)
class ObjectiveAdmin(EnteScopedAdmin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    form = ObjectiveAdminForm
    list_display = [
        "code",
        "short_title",
        "plan_title",
        "dirigente",
        "eq",
        "programma",
        "kind",
        "section",
        "weight_text",
    ]
    list_filter = [
        ("plan", RELATED_ONLY),
        ("org_units", RELATED_ONLY),
        ("dirigente", RELATED_ONLY),
        ("eq", RELATED_ONLY),
        ("programma", RELATED_ONLY),
        "kind",
        "section",
    ]
    list_select_related = ["plan", "dirigente", "eq", "programma"]
    list_per_page = 50
    search_fields = [
        "code",
        "title",
        "description",
        "dup_text",
        "dirigente__full_name",
        "eq__full_name",
        "indicators__description",
    ]
    autocomplete_fields = ["dirigente", "eq", "assignees", "org_units", "programma", "parent"]
    readonly_fields = ["weight_share_detail"]
    inlines = [IndicatorInline]
    fieldsets = [
        (None, {"fields": ["plan", "code", "title", "description", ("kind", "section"), "parent"]}),
        (_("DUP"), {"fields": ["programma", "dup_text", "dup_warning"]}),
        (
            _("Responsabili"),
            {"fields": ["org_units", ("dirigente", "eq"), "assignees", "staff"]},
        ),
        (_("Peso"), {"fields": [("weight", "weight_text"), "weight_share_detail"]}),
        (
            _("Risultato e tempi"),
            {"fields": ["expected_result", ("deadline_text", "deadline"), "notes", "order"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assignees")

    def get_search_results(self, request, queryset, search_term):
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Searching indicators joins a to-many relation: always de-duplicate.
        return queryset, bool(search_term)

    def get_list_display(self, request):
        def weight_share(objective: Objective) -> str:
            return self._share_cell(objective, request.weight_groups)

        weight_share.short_description = _("quota del peso")
        return [*self.list_display, weight_share]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Group totals for the plans on this page: two aggregate queries, whatever the page.
        request.weight_groups = weight_groups({o.plan_id for o in changelist.result_list})
        return changelist

    @admin.display(description=_("piano"), ordering="plan__title")
    def plan_title(self, objective: Objective) -> str:
        return objective.plan.title

    @admin.display(description=_("titolo"), ordering="title")
    def short_title(self, objective: Objective) -> str:
        text = objective.title or objective.description
        return text if len(text) <= 90 else text[:89] + "…"

    @staticmethod
    def _share_cell(objective: Objective, groups) -> str:
        mine = objective_groups(objective, groups)
        shares = sorted(
            {g.share_of(objective.weight) for g in mine if g.share_of(objective.weight) is not None}
        )
        if not shares:
            text = _("prerequisito") if objective.is_prerequisite else "—"
        elif len(shares) == 1:
            text = format_percent(shares[0])
        else:
            text = f"{format_percent(shares[0])} – {format_percent(shares[-1])}"
        warnings = [g.warning for g in mine if g.warning]
        if warnings:
            return format_html(
                '{} <span class="errornote" title="{}" role="img" aria-label="{}">⚠</span>',
                text,
                " ".join(warnings),
                " ".join(warnings),
            )
        return text

    @admin.display(description=_("quota nel gruppo di peso"))
    def weight_share_detail(self, objective: Objective) -> str:
        if not objective.pk:
            return "—"
        groups = weight_groups([objective.plan_id])
        mine = objective_groups(objective, groups)
        rows = format_html_join(
            "",
            "<li>{}: {} {}</li>",
            (
                (
                    group.person_name,
                    format_percent(group.share_of(objective.weight)) or "—",
                    format_html('<strong class="errornote">⚠ {}</strong>', group.warning)
                    if group.warning
                    else "",
                )
                for group in mine
            ),
        )
        return format_html("<ul>{}</ul>", rows) if mine else "—"


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ["indicator", "value_number", "value_date", "value_bool", "value_text"]
    raw_id_fields = ["indicator"]


@admin.register(Progress)
class ProgressAdmin(EnteScopedAdmin, SimpleHistoryAdmin):
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

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            inline_form.instance.ente_id = form.instance.ente_id
        formset.save()


@admin.register(Indicator)
class IndicatorAdmin(EnteScopedAdmin, SimpleHistoryAdmin):
    list_display = ["description", "objective", "kind", "unit", "direction", "baseline_text"]
    list_filter = [("objective__plan", RELATED_ONLY), "kind", "direction"]
    list_select_related = ["objective"]
    search_fields = ["description", "objective__code", "objective__title"]
    autocomplete_fields = ["objective"]
    exclude = ["ente"]


@admin.register(Target)
class TargetAdmin(EnteScopedAdmin, SimpleHistoryAdmin):
    list_display = ["indicator", "year", "comparator", "value", "date", "text"]
    list_filter = [("indicator__objective__plan", RELATED_ONLY), "year", "comparator"]
    list_select_related = ["indicator"]
    search_fields = ["text", "indicator__description", "indicator__objective__code"]
    raw_id_fields = ["indicator"]
    exclude = ["ente"]


@admin.register(MonitoringPeriod)
class MonitoringPeriodAdmin(EnteScopedAdmin):
    list_display = ["name", "plan", "reference_date", "due_date", "is_open"]
    list_filter = [("plan", RELATED_ONLY), "is_open"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__title"]
    exclude = ["ente"]
    # Recorded by the period_close and year-validation services, never typed.
    readonly_fields = ["closed_at", "rules", "frozen_at"]


@admin.register(ProgressEvent)
class ProgressEventAdmin(EnteScopedAdmin):
    """The audit trail: read-only, for everyone."""

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
class ImportRecordAdmin(EnteScopedAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(EnteScopedAdmin):
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

    def has_add_permission(self, request):
        return False  # evidence is added by the responsible, through the report page
