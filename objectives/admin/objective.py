"""The admin of objectives, indicators and targets: editable only while their plan is a draft."""

import nested_admin
from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from objectives.admin.plan import (
    RELATED_ONLY,
    PlanContentLockAdmin,
    PlanContentLockInline,
    content_lock_message,
)
from objectives.models import (
    Indicator,
    Objective,
    Target,
)
from objectives.weights import objective_groups, weight_groups
from organisation.admin import (
    EnteScopedAdmin,
    EnteScopedFieldsMixin,
    LabelledTabularMixin,
)
from piao.formatting import format_percent


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
