import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from objectives import permissions, services
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
from organisation.admin import (
    EnteScopedAdmin,
    EnteScopedFieldsMixin,
    LabelledTabularMixin,
    ReadOnlyAdminMixin,
)
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


def _plan_of(request, obj) -> Plan | None:
    """The plan an objective, indicator or target belongs to (None for a row not yet saved).

    Looked up by the parent's id, once per request: a nested inline asks for every row."""
    if obj is None or not obj.pk:
        return None
    if isinstance(obj, Objective):
        key = ("pk", obj.plan_id)
    elif isinstance(obj, Indicator):
        key = ("objectives", obj.objective_id)
    elif isinstance(obj, Target):
        key = ("objectives__indicators", obj.indicator_id)
    else:
        return None
    cache = request.__dict__.setdefault("piao_plans", {})
    if key not in cache:
        cache[key] = Plan.objects.only("status").filter(**dict([key])).first()
    return cache[key]


def content_lock_message(plan: Plan) -> str:
    """Why the plan's objectives, indicators and targets are read-only (Italian, for the user)."""
    if plan.status == Plan.Status.VALIDATO:
        return _("Il piano è validato: i suoi contenuti non si modificano più.")
    return _("Il piano è %(status)s: le modifiche passano da una variazione.") % {
        "status": plan.get_status_display().lower()
    }


class PlanContentLockMixin:
    """Objectives, indicators and targets are edited in the admin only while their plan is a
    draft (`Plan.is_content_editable`); past it their pages are read-only and say why."""

    def _editable(self, request, obj) -> bool:
        plan = _plan_of(request, obj)
        return plan is None or plan.is_content_editable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


class PlanContentLockAdmin(PlanContentLockMixin):
    """The model admin side: the parent choices offer only draft plans' rows, and the change
    page of a locked row tells the user why it cannot be changed."""

    # field name -> lookup from its related model to the plan
    content_parent: tuple[str, str] = ("", "")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        name, to_plan = self.content_parent
        if field is not None and db_field.name == name:
            field.queryset = field.queryset.filter(**{f"{to_plan}status": Plan.Status.BOZZA})
        return field

    def render_change_form(self, request, context, *args, **kwargs):
        # Django passes obj by keyword; nested_admin's override takes it third.
        plan = _plan_of(request, kwargs.get("obj"))
        if request.method == "GET" and plan is not None and not plan.is_content_editable:
            self.message_user(request, content_lock_message(plan), messages.WARNING)
        return super().render_change_form(request, context, *args, **kwargs)


class PlanContentLockInline(PlanContentLockMixin):
    """The inline side: `obj` is the parent row (the objective, or the indicator of a target)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)


class MonitoringPeriodInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The plan's periods, shown: created, opened and closed through the services."""

    model = MonitoringPeriod
    extra = 0
    fields = ["name", "reference_date", "due_date", "is_open"]
    show_change_link = True


RULE_FIELDS = ("achievement_cap", "weight_categories", "scoring_rules")


@admin.register(Plan)
class PlanAdmin(EnteScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "ente", "first_year", "last_year", "status", "objective_count"]
    list_filter = [("ente", RELATED_ONLY), "status", "first_year"]
    list_select_related = ["ente"]
    search_fields = ["title", "ente__name"]
    inlines = [MonitoringPeriodInline]
    fieldsets = [
        (None, {"fields": ["ente", "title", "first_year", "last_year", "status"]}),
        (_("Approvazione"), {"fields": ["approval_act_number", "approval_act_date"]}),
        (_("Pesi"), {"fields": ["weight_mode", "weight_categories", "weight_groups_summary"]}),
        (_("Regole di punteggio (SMVP)"), {"fields": ["achievement_cap", "scoring_rules"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The status and the approval act move only through the plan's lifecycle services.
        readonly = [
            *super().get_readonly_fields(request, obj),
            "status",
            "approval_act_number",
            "approval_act_date",
            "weight_groups_summary",
        ]
        if obj is not None:
            readonly.append("ente")
            if not obj.is_content_editable:
                readonly += ["title", "first_year", "last_year", "weight_mode"]
            if not permissions.can_edit_scoring_rules(request.user, obj.ente_id):
                readonly += list(RULE_FIELDS)
        return list(dict.fromkeys(readonly))

    def save_model(self, request, obj, form, change):
        # The rules go through their service, which re-weighs the objectives weighed by
        # category and keeps the change in the plan's history with the user.
        rules = {name: getattr(obj, name) for name in RULE_FIELDS}
        rules_changed = change and any(name in form.changed_data for name in RULE_FIELDS)
        if rules_changed:
            stored = Plan.objects.only(*RULE_FIELDS).get(pk=obj.pk)
            for name in RULE_FIELDS:
                setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        if rules_changed:
            plan, reweighed = services.plan_scoring_rules_update(
                plan_id=obj.pk, acting_user=request.user, **rules
            )
            for name in RULE_FIELDS:
                setattr(obj, name, getattr(plan, name))
            if reweighed:
                self.message_user(
                    request,
                    _("Regole aggiornate: %(n)s obiettivi hanno ora il peso della loro categoria.")
                    % {"n": reweighed},
                    messages.INFO,
                )

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


class TargetInline(
    PlanContentLockInline,
    LabelledTabularMixin,
    EnteScopedFieldsMixin,
    nested_admin.NestedTabularInline,
):
    model = Target
    extra = 0
    fields = ["year", "comparator", "value", "date", "relative_to_year", "text"]
    formfield_overrides = {
        Target._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 1, "cols": 40})
        }
    }


class IndicatorInline(
    PlanContentLockInline, EnteScopedFieldsMixin, nested_admin.NestedStackedInline
):
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
        if not plan.is_content_editable:
            raise forms.ValidationError(content_lock_message(plan))
        for field in ("org_units", "assignees"):
            others = [item for item in cleaned.get(field) or [] if item.ente_id != plan.ente_id]
            if others:
                self.add_error(
                    field, _("Appartengono a un altro ente: %s.") % ", ".join(map(str, others))
                )
        return cleaned


@admin.register(Objective)
class ObjectiveAdmin(
    PlanContentLockAdmin, EnteScopedAdmin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin
):
    form = ObjectiveAdminForm
    content_parent = ("plan", "")
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


class IndicatorAdminForm(forms.ModelForm):
    class Meta:
        model = Indicator
        exclude = ["ente"]  # noqa: DJ006 - derived from the objective's plan

    def clean(self):
        cleaned = super().clean()
        objective = cleaned.get("objective")
        if objective is not None and not objective.plan.is_content_editable:
            raise forms.ValidationError(content_lock_message(objective.plan))
        return cleaned


class TargetAdminForm(forms.ModelForm):
    class Meta:
        model = Target
        exclude = ["ente"]  # noqa: DJ006 - derived from the indicator's plan

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("indicator")
        if indicator is not None and not indicator.objective.plan.is_content_editable:
            raise forms.ValidationError(content_lock_message(indicator.objective.plan))
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(PlanContentLockAdmin, EnteScopedAdmin, SimpleHistoryAdmin):
    form = IndicatorAdminForm
    content_parent = ("objective", "plan__")
    list_display = ["description", "objective", "kind", "unit", "direction", "baseline_text"]
    list_filter = [("objective__plan", RELATED_ONLY), "kind", "direction"]
    list_select_related = ["objective"]
    search_fields = ["description", "objective__code", "objective__title"]
    autocomplete_fields = ["objective"]


@admin.register(Target)
class TargetAdmin(PlanContentLockAdmin, EnteScopedAdmin, SimpleHistoryAdmin):
    form = TargetAdminForm
    content_parent = ("indicator", "objective__plan__")
    list_display = ["indicator", "year", "comparator", "value", "date", "text"]
    list_filter = [("indicator__objective__plan", RELATED_ONLY), "year", "comparator"]
    list_select_related = ["indicator"]
    search_fields = ["text", "indicator__description", "indicator__objective__code"]
    raw_id_fields = ["indicator"]


class MonitoringPeriodAdminForm(forms.ModelForm):
    class Meta:
        model = MonitoringPeriod
        fields = ["plan", "name", "reference_date", "due_date"]

    def clean(self):
        cleaned = super().clean()
        plan, name = cleaned.get("plan"), cleaned.get("name")
        if plan is not None and name and plan.periods.filter(name=name).exists():
            self.add_error("name", _("Il piano ha già un periodo con questo nome."))
        return cleaned


@admin.register(MonitoringPeriod)
class MonitoringPeriodAdmin(EnteScopedAdmin, SimpleHistoryAdmin):
    """Periods are created here through `period_create`; opening one (which creates its draft
    reports) and closing it go through `period_open`/`period_close`, as on the app's page."""

    list_display = ["name", "plan", "reference_date", "due_date", "is_open"]
    list_filter = [("plan", RELATED_ONLY), "is_open"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__title"]
    form = MonitoringPeriodAdminForm
    fields = ["plan", "name", "reference_date", "due_date", "is_open", "closed_at", "frozen_at"]
    # Recorded by the period services (open, close, the year's validation), never typed.
    readonly_fields = ["is_open", "closed_at", "frozen_at"]
    actions = ["open_periods", "close_periods"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, period: MonitoringPeriod) -> str:
        return reverse("objectives:period_list")

    def save_model(self, request, obj, form, change):
        period = services.period_create(
            plan_id=obj.plan_id,
            name=obj.name,
            reference_date=obj.reference_date,
            due_date=obj.due_date,
            acting_user=request.user,
        )
        obj.pk, obj.ente_id = period.pk, period.ente_id

    def _run(self, request, queryset, service, done: str) -> None:
        for period in queryset:
            try:
                result = service(period_id=period.pk, acting_user=request.user)
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(period)s: solo il controllo di gestione dell'ente gestisce i periodi.")
                    % {"period": period},
                    messages.ERROR,
                )
            except services.WorkflowError as exc:
                self.message_user(request, f"{period}: {exc}", messages.ERROR)
            else:
                self.message_user(request, done % {"period": period, "n": result})

    @admin.action(description=_("Apri i periodi selezionati (crea gli avanzamenti in bozza)"))
    def open_periods(self, request, queryset):
        self._run(
            request,
            queryset,
            services.period_open,
            _("%(period)s aperto: %(n)s nuovi avanzamenti in bozza."),
        )

    @admin.action(description=_("Chiudi i periodi selezionati"))
    def close_periods(self, request, queryset):
        self._run(request, queryset, services.period_close, _("%(period)s chiuso."))


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
