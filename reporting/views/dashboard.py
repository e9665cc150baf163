"""The dashboards (cruscotto): the ente's, a responsible's, a figure's explanation, exports,
and the page where the controllo di gestione keeps the plan's scoring rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from objectives import services as objective_services
from objectives.models import Objective
from piao.errors import bad_request_page
from piao.tables import configure_table
from reporting.dashboard import selectors
from reporting.dashboard.filters import DashboardFilter, ScoringRulesForm
from reporting.dashboard.tables import (
    CountedRows,
    DashboardPlanTable,
    GroupScoreTable,
    PartPages,
    PartTable,
    ProgressScoreTable,
    ResponsibleScoreTable,
    TrendTable,
)
from reporting.exports.dashboard import table_to_csv, table_to_xlsx
from reporting.scoring import (
    Scope,
    at_risk_progress,
    explain,
    is_overdue,
    late_progress,
    plan_scores_with_trend,
    responsible_scores,
)

PER_PAGE = 10
DUE_SHOWN = 20  # a responsible's first reports still to send; the rest are counted
TABLES = {
    "dipartimenti": _("Per dipartimento / area"),
    "responsabili": _("Per dirigente ed EQ"),
    "missioni": _("Per missione DUP"),
    "programmi": _("Per programma DUP"),
    "ritardi": _("In ritardo"),
    "rischio": _("A rischio"),
    "andamento": _("Andamento nei periodi"),
    "spiegazione": _("Come è fatto il punteggio"),
}


def _bad_filter(request, form) -> HttpResponse:
    """A 400 naming each bad filter; the values are escaped by the page's template."""
    errors = "; ".join(f"{form.fields[n].label}: {e[0]}" for n, e in form.errors.items())
    return bad_request_page(request, _("Filtro non valido. %(errors)s") % {"errors": errors})


def _filtered(request, access):
    """The filter form, the period and the scope; None for the period when the plan has none."""
    form = DashboardFilter(request.GET or None, plan=access.plan)
    if request.GET and not form.is_valid():
        return form, None, None
    if not request.GET:
        form.cleaned_data = {}
    return form, form.period(), form.scope()


def _ente_tables(request, access, period, scope) -> dict:
    """Every table of the ente dashboard, built from a few aggregate queries."""
    plan = access.plan
    scores, points = plan_scores_with_trend(plan, period, scope)
    rows = {
        "dipartimenti": selectors.group_rows(scores.dipartimenti, "dipartimento", plan, period),
        "programmi": selectors.group_rows(scores.programmi, "programma", plan, period),
        "missioni": selectors.group_rows(scores.missioni, "missione", plan, period),
        "responsabili": selectors.responsible_rows(scores.responsibles, plan, period),
        "andamento": selectors.trend_rows(points),
    }
    tables = {
        name: (ResponsibleScoreTable if name == "responsabili" else GroupScoreTable)(
            data, prefix=f"{name}-"
        )
        for name, data in rows.items()
        if name != "andamento"
    }
    tables["andamento"] = TrendTable(rows["andamento"], prefix="andamento-")
    # Their sizes are the aggregates' counts of drafts (late once overdue) and of reports at risk.
    late = CountedRows(
        late_progress(plan, period, scope=scope), scores.ente.drafts if is_overdue(period) else 0
    )
    tables["ritardi"] = ProgressScoreTable(late, prefix="ritardi-")
    at_risk = CountedRows(at_risk_progress(plan, period, scope), scores.ente.at_risk)
    tables["rischio"] = ProgressScoreTable(at_risk, prefix="rischio-")
    return {"scores": scores, "rows": rows, "tables": tables}


@login_required
def dashboard_index(request: HttpRequest) -> HttpResponse:
    """The plans whose dashboard the user may open."""
    table = DashboardPlanTable(selectors.dashboard_plans(request.user))
    configure_table(request, table, {"per_page": 25})
    return render(request, "reporting/dashboard_index.html", {"table": table})


@login_required
def plan_dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The ente's dashboard: headline figures, tables with charts, late and at-risk lists."""
    access = selectors.get_plan_access(request.user, plan_id)
    if not access.sees_ente:
        if access.person is None:
            raise PermissionDenied
        return redirect("reporting:dashboard_responsible", access.plan.pk, access.person.pk)
    form, period, scope = _filtered(request, access)
    if form.errors:
        return _bad_filter(request, form)
    context = {"access": access, "plan": access.plan, "filter": form, "period": period}
    if period is not None:
        built = _ente_tables(request, access, period, scope)
        for table in built["tables"].values():
            configure_table(request, table, {"per_page": PER_PAGE})
        overdue = is_overdue(period)
        context |= built | {
            "headline": selectors.headline(
                built["scores"], selectors.objectives_count(access.plan), overdue
            ),
            "overdue": overdue,
            "charts": {
                name: selectors.chart_data(built["rows"][name])
                for name in ("dipartimenti", "responsabili", "missioni", "andamento")
            },
            "ente_url": selectors.explanation_url(access.plan, period, **_scope_query(scope)),
            "query": request.GET.urlencode(),
        }
    return render(request, "reporting/dashboard_ente.html", context)


def _scope_query(scope: Scope) -> dict:
    return {
        "dipartimento": scope.dipartimento_id,
        "missione": scope.missione_id,
        "programma": scope.programma_id,
        "sezione": scope.section,
    }


@login_required
def responsible_dashboard(request: HttpRequest, plan_id: int, person_id: int) -> HttpResponse:
    """A dirigente's or EQ's own dashboard: score per weight group, what is due, the ente."""
    access = selectors.get_plan_access(request.user, plan_id)
    person = selectors.get_person_of_plan(access.plan, person_id)
    access.check(Scope(responsible_id=person.pk))
    form, period, _scope = _filtered(request, access)
    if form.errors:
        return _bad_filter(request, form)
    context = {"access": access, "plan": access.plan, "person": person, "period": period}
    context["filter"] = form
    due = selectors.due_for_person(access.plan, person)
    context["due"] = list(due[:DUE_SHOWN])
    context["due_more"] = due.count() - len(context["due"])
    if period is not None:
        own, ente, points = responsible_scores(access.plan, period, person.pk)
        context["groups"] = [
            (
                group,
                selectors.explanation_url(
                    access.plan, period, responsabile=person.pk, sezione=group.section
                ),
            )
            for group in own.responsibles
        ]
        context["ente"] = ente
        trend_rows = selectors.trend_rows(points)
        context["trend"] = TrendTable(trend_rows)
        context["chart"] = selectors.chart_data(trend_rows)
    return render(request, "reporting/dashboard_responsible.html", context)


def _explanation_scope(request) -> Scope:
    """The figure to explain, from the query string (404-free: bad values are a 400)."""
    values = {}
    for param, name in (
        ("dipartimento", "dipartimento_id"),
        ("missione", "missione_id"),
        ("programma", "programma_id"),
        ("responsabile", "responsible_id"),
    ):
        raw = request.GET.get(param)
        if raw not in (None, ""):
            if not raw.isdigit():
                raise ValueError(param)
            values[name] = int(raw)
    section = request.GET.get("sezione") or None
    if section is not None and section not in Objective.Section.values:
        raise ValueError("sezione")
    return Scope(section=section, **values)


def _explanation(request, access, *, lazy: bool = False):
    try:
        scope = _explanation_scope(request)
    except ValueError as error:
        return (
            None,
            None,
            bad_request_page(request, _("Parametro non valido: %(name)s.") % {"name": error}),
        )
    access.check(scope)
    form = DashboardFilter({"periodo": request.GET.get("periodo", "")}, plan=access.plan)
    if not form.is_valid():
        return None, None, _bad_filter(request, form)
    period = form.period()
    if period is None:
        return None, None, bad_request_page(request, _("Il piano non ha periodi di monitoraggio."))
    return explain(access.plan, period, scope, lazy=lazy), period, None


@login_required
def dashboard_explanation(request: HttpRequest, plan_id: int) -> HttpResponse:
    """How one figure was made: every objective behind it, its weight, value, source, band."""
    access = selectors.get_plan_access(request.user, plan_id)
    explanation, period, error = _explanation(request, access, lazy=True)
    if error:
        return error
    table = PartTable(PartPages(explanation.parts, selectors.part_rows))
    configure_table(request, table, {"per_page": 50})
    context = {
        "access": access,
        "plan": access.plan,
        "period": period,
        "explanation": explanation,
        "score": explanation.score,
        "rules": explanation.rules,
        "table": table,
        "title": _figure_title(explanation, access),
        "query": request.GET.urlencode(),
    }
    return render(request, "reporting/dashboard_explanation.html", context)


def _figure_title(explanation, access) -> str:
    scope = explanation.scope
    if scope.responsible_id is not None:
        person = selectors.get_person_of_plan(access.plan, scope.responsible_id)
        return _("Punteggio di %(name)s") % {"name": person.full_name}
    if scope.dipartimento_id is not None:
        return _("Punteggio del dipartimento / area")
    if scope.programma_id is not None:
        return _("Punteggio del programma DUP")
    if scope.missione_id is not None:
        return _("Punteggio della missione DUP")
    return _("Punteggio dell'ente: %(name)s") % {"name": access.plan.ente.name}


@login_required
def dashboard_export(request: HttpRequest, plan_id: int, table_name: str) -> HttpResponse:
    """One dashboard table, whole, as CSV (default) or XLSX (?formato=xlsx)."""
    access = selectors.get_plan_access(request.user, plan_id)
    if table_name not in TABLES:
        return bad_request_page(request, _("Tabella sconosciuta."))
    fmt = request.GET.get("formato", "csv")
    if fmt not in ("csv", "xlsx"):
        return bad_request_page(request, _("Formato sconosciuto: usare csv o xlsx."))
    if table_name == "spiegazione":
        explanation, period, error = _explanation(request, access)
        if error:
            return error
        table = PartTable(selectors.part_rows(explanation.parts))
    else:
        if not access.sees_ente:
            raise PermissionDenied
        form, period, scope = _filtered(request, access)
        if form.errors:
            return _bad_filter(request, form)
        if period is None:
            return bad_request_page(request, _("Il piano non ha periodi di monitoraggio."))
        table = _ente_tables(request, access, period, scope)["tables"][table_name]
    filename = f"cruscotto-{access.plan.pk}-{table_name}"
    if fmt == "xlsx":
        response = HttpResponse(
            table_to_xlsx(table, title=str(TABLES[table_name])),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(table_to_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@login_required
def scoring_rules(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's SMVP rules, kept by the controllo di gestione; every change is recorded."""
    access = selectors.get_plan_access(request.user, plan_id)
    if not access.edits_rules:
        raise PermissionDenied
    plan = access.plan
    form = ScoringRulesForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _plan, reweighed = objective_services.plan_scoring_rules_update(
                plan_id=plan.pk,
                acting_user=request.user,
                achievement_cap=data["achievement_cap"],
                weight_categories=data["weight_categories"],
                scoring_rules=data["scoring_rules"],
            )
            message = _("Regole di punteggio salvate: i punteggi sono ricalcolati.")
            if reweighed:
                message += " " + _("Obiettivi ripesati per categoria: %(n)s.") % {"n": reweighed}
            messages.success(request, message)
            return redirect(reverse("reporting:dashboard_rules", args=[plan.pk]))
        response = render(
            request, "reporting/dashboard_rules.html", _rules_context(access, form), status=400
        )
        return response
    return render(request, "reporting/dashboard_rules.html", _rules_context(access, form))


def _rules_context(access, form) -> dict:
    history = access.plan.history.select_related("history_user").order_by("-history_date")[:10]
    return {"access": access, "plan": access.plan, "form": form, "history": history}


urlpatterns = [
    path("cruscotto/", dashboard_index, name="dashboard_index"),
    path("cruscotto/<int:plan_id>/", plan_dashboard, name="dashboard_plan"),
    path(
        "cruscotto/<int:plan_id>/responsabile/<int:person_id>/",
        responsible_dashboard,
        name="dashboard_responsible",
    ),
    path(
        "cruscotto/<int:plan_id>/spiegazione/", dashboard_explanation, name="dashboard_explanation"
    ),
    path(
        "cruscotto/<int:plan_id>/esporta/<slug:table_name>/",
        dashboard_export,
        name="dashboard_export",
    ),
    path("cruscotto/<int:plan_id>/regole/", scoring_rules, name="dashboard_rules"),
]
