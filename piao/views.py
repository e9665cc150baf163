from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from objectives.filters import PlanFilter
from objectives.selectors import plans_for_user
from objectives.tables import PlanTable
from organisation.access import user_entes
from piao.tables import configure_table


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each user's entes and their plans; the role pages will hang from here."""
    plan_filter = PlanFilter(request.GET, queryset=plans_for_user(request.user), user=request.user)
    table = PlanTable(plan_filter.qs)
    configure_table(request, table, {"per_page": 25})
    context = {"entes": user_entes(request.user), "filter": plan_filter, "table": table}
    template = "home.html#plan-table" if request.htmx else "home.html"
    return render(request, template, context)
