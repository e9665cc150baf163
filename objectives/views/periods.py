"""The controllo di gestione opens and closes monitoring periods and sends reminders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from objectives import notifications, services
from objectives.models import MonitoringPeriod, Progress
from objectives.tables import PeriodTable
from organisation.access import admin_entes, user_entes
from piao.tables import configure_table


def _managed_periods(user):
    return MonitoringPeriod.objects.filter(ente__in=admin_entes(user)).select_related(
        "plan", "ente"
    )


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    if not admin_entes(request.user).exists():
        raise PermissionDenied
    periods = (
        _managed_periods(request.user)
        .annotate(
            n_reports=Count("progress"),
            n_sent=Count("progress", filter=~Q(progress__status=Progress.Status.BOZZA)),
        )
        .order_by("-reference_date", "plan__title")
    )
    table = PeriodTable(periods)
    configure_table(request, table, {"per_page": 25})
    return render(request, "objectives/period_list.html", {"table": table})


def _period_action(request: HttpRequest, pk: int, *, open_it: bool) -> HttpResponse:
    # Another ente's period is not found; the ente's own, without the role, is forbidden.
    period = get_object_or_404(
        MonitoringPeriod.objects.filter(ente__in=user_entes(request.user)), pk=pk
    )
    try:
        if open_it:
            created = services.period_open(period_id=period.pk, acting_user=request.user)
            messages.success(
                request,
                _("Periodo %(name)s aperto: %(n)s nuovi avanzamenti da compilare.")
                % {"name": period.name, "n": created},
            )
        else:
            services.period_close(period_id=period.pk, acting_user=request.user)
            messages.success(
                request,
                _("Periodo %(name)s chiuso: non accetta più invii.") % {"name": period.name},
            )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    return redirect("objectives:period_list")


@login_required
@require_POST
def period_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_action(request, pk, open_it=True)


@login_required
@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_action(request, pk, open_it=False)


@login_required
@require_POST
def period_remind(request: HttpRequest) -> HttpResponse:
    if not admin_entes(request.user).exists():
        raise PermissionDenied
    sent = notifications.send_reminders(
        timezone.localdate(), entes=list(admin_entes(request.user).values_list("pk", flat=True))
    )
    messages.success(request, _("Promemoria inviati: %(n)s.") % {"n": sent})
    return redirect("objectives:period_list")


urlpatterns = [
    path("periodi/", period_list, name="period_list"),
    path("periodi/<int:pk>/apri/", period_open, name="period_open"),
    path("periodi/<int:pk>/chiudi/", period_close, name="period_close"),
    path("periodi/promemoria/", period_remind, name="period_remind"),
]
