"""The plan page: the plan's objectives in the seeds' columns, filtered, with downloads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from objectives import selectors
from objectives.filters import ObjectiveFilter
from objectives.plan_table import LazyPlanRows
from objectives.tables import LazyRowsData, ObjectiveTable
from piao.tables import configure_table

PER_PAGE = 50
FORMATS = ("pdf", "xlsx", "csv", "json")


def download_links(url_name: str, args: list, query: str, formats=FORMATS) -> list[dict]:
    """The download buttons of a list: each format, with the list's filters."""
    suffix = f"?{query}" if query else ""
    return [{"format": f, "url": reverse(url_name, args=[*args, f]) + suffix} for f in formats]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    objective_filter = ObjectiveFilter(
        request.GET, queryset=selectors.plan_objectives(plan), plan=plan
    )
    if not objective_filter.is_valid():
        response = render(
            request, "objectives/plan_detail.html", {"plan": plan, "filter": objective_filter}
        )
        response.status_code = 400
        return response
    table = ObjectiveTable(LazyRowsData(LazyPlanRows(plan, objective_filter.qs)), years=plan.years)
    configure_table(request, table, {"per_page": PER_PAGE})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "filter": objective_filter,
        "table": table,
        "query": query.urlencode(),
        "downloads": download_links("reporting:plan_export", [plan.pk], query.urlencode()),
    }
    template = "objectives/plan_detail.html"
    if request.htmx:
        template += "#plan-objectives"
    return render(request, template, context)


urlpatterns = [path("<int:pk>/", plan_detail, name="plan_detail")]
