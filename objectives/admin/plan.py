"""The admin of the DUP taxonomy, plans and their periods; what locks a plan's content."""

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
    Indicator,
    Missione,
    MonitoringPeriod,
    Objective,
    Plan,
    Programma,
    Target,
)
from objectives.weights import WeightGroup, weight_groups
from organisation.admin import (
    EnteScopedAdmin,
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
