"""The permission matrix's data set: both entes with rows in every state, and the
fingerprint that proves a refused POST changed nothing (see tests/test_permission_matrix.py)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from objectives import services
from objectives.models import (
    Missione,
    MonitoringPeriod,
    Plan,
    Programma,
    Progress,
    ProgressEvent,
)
from objectives.services import progress_rows_ensure
from organisation.models import Assignment, Membership, OrgUnit
from reporting.models import ExportJob
from tests.factories import make_indicator, make_objective, make_plan


def _report(objective, period, state: str, p, ndv, segretario) -> Progress:
    """The objective's report brought to `state` through the services."""
    progress = objective.progress.get(period=period)
    if state == "bozza":
        return progress
    Progress.objects.filter(pk=progress.pk).update(declared_achievement=Decimal(80))
    services.progress_submit(progress_id=progress.pk, version=1, acting_user=p)
    if state != "inviato":
        services.progress_verify(progress_id=progress.pk, version=2, acting_user=segretario)
    if state == "validato":
        services.progress_validate(
            progress_id=progress.pk,
            version=3,
            acting_user=ndv,
            validated=Decimal(80),
            reason="",
            ndv_notes="",
        )
    return Progress.objects.get(pk=progress.pk)


def _ente_rows(personas, ente, *, dirigente, eq, controllo, ndv, segretario, colleague=None):
    from objectives.models import ImportRecord

    plan = make_plan(ente, title=f"PIAO {ente.name}")
    unit = OrgUnit.objects.create(ente=ente, kind="dipartimento", code="01", name="Affari")
    person = dirigente.people.get(ente=ente)
    assignment = Assignment.objects.create(ente=ente, person=person, unit=unit, role="dirigente")
    objectives = {}
    for n, state in enumerate(["bozza", "inviato", "verificato", "validato"], start=1):
        eq_person = eq.people.get(ente=ente) if eq else None
        objective = make_objective(plan, code=f"{n}.1", weight=10, dirigente=person, eq=eq_person)
        objectives[state] = objective
    indicator = make_indicator(objectives["bozza"], description="Pratiche", targets=[(2024, 10)])
    if colleague is not None:
        make_objective(plan, code="9.1", weight=10, dirigente=colleague.people.get(ente=ente))
    period = MonitoringPeriod.objects.create(
        ente=ente,
        plan=plan,
        name="31/12/2024",
        reference_date=dt.date(2024, 12, 31),
        due_date=dt.date(2025, 1, 31),
        is_open=True,
    )
    closed = MonitoringPeriod.objects.create(
        ente=ente, plan=plan, name="30/06/2024", reference_date=dt.date(2024, 6, 30)
    )
    progress_rows_ensure(period=period)
    reports = {
        state: _report(objective, period, state, dirigente, ndv, segretario)
        for state, objective in objectives.items()
    }
    evidence = services.evidence_add(
        progress_id=reports["bozza"].pk,
        acting_user=dirigente,
        upload=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    job = ExportJob.objects.create(
        ente=ente, plan=plan, kind="plan", format="csv", status=ExportJob.Status.DONE
    )
    job.file.save("piano.csv", ContentFile(b"a;b\n"), save=True)
    published = make_plan(ente, title=f"Piano pubblicato {ente.name}", status=Plan.Status.VALIDATO)
    monitored = make_plan(
        ente,
        title=f"Piano in monitoraggio {ente.name}",
        status=Plan.Status.IN_MONITORAGGIO,
        approval_act_number="1",
        approval_act_date=dt.date(2024, 1, 15),
    )
    monitored_period = MonitoringPeriod.objects.create(
        ente=ente, plan=monitored, name="30/06/2024", reference_date=dt.date(2024, 6, 30)
    )
    queued_job = ExportJob.objects.create(
        ente=ente, plan=plan, kind="plan", format="pdf", requested_by=dirigente
    )
    # A draft report of the closed period, never sent: the NdV may exclude it.
    progress_rows_ensure(period=closed)
    excludable = Progress.objects.get(
        period=closed, objective=objectives["inviato"], responsible=person
    )
    record = ImportRecord.objects.create(ente=ente, file_name="piano.xlsx", outcome="refused")
    upload_token = _upload(controllo, ente)
    target = indicator.targets.first()
    reports = {state: Progress.objects.get(pk=report.pk) for state, report in reports.items()}
    event = ProgressEvent.objects.filter(progress=reports["inviato"]).first()
    return SimpleNamespace(
        ente=ente,
        plan=plan,
        published=published,
        objective=objectives["bozza"],
        indicator=indicator,
        period=period,
        closed_period=closed,
        responsible=person,
        evidence=evidence,
        job=job,
        queued_job=queued_job,
        monitored=monitored,
        monitored_period=monitored_period,
        excludable=excludable,
        upload_token=upload_token,
        **reports,
        admin_rows={
            "organisation.ente": ente,
            "organisation.orgunit": unit,
            "organisation.person": person,
            "organisation.assignment": assignment,
            "organisation.membership": Membership.objects.get(user=controllo, ente=ente),
            "objectives.plan": plan,
            "objectives.objective": objectives["bozza"],
            "objectives.indicator": indicator,
            "objectives.target": target,
            "objectives.monitoringperiod": period,
            "objectives.evidence": evidence,
            "objectives.progress": reports["bozza"],
            "objectives.progressevent": event,
            "objectives.importrecord": record,
            "objectives.missione": Missione.objects.order_by("pk").first(),
            "objectives.programma": Programma.objects.order_by("pk").first(),
            "auth.user": dirigente,
            "auth.group": controllo.groups.first(),
            "axes.accessattempt": None,
            "axes.accesslog": None,
            "axes.accessfailurelog": None,
            "django_tasks_database.dbtaskresult": None,
        },
    )


def _upload(controllo, ente) -> str:
    """A sheet the controllo uploaded for import, with one rejected row (nothing to save)."""
    from objectives.plan_import.uploads import receive_upload

    sheet = b"codice;obiettivo;peso\n1.1;;abc\n"
    choice = {
        "file": SimpleUploadedFile("piano.csv", sheet),
        "ente": ente,
        "plan": None,
        "title": "Piano importato",
        "first_year": 2024,
        "last_year": 2024,
    }
    return receive_upload(choice, user=controllo)


def _login_records() -> dict:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "anna"}
    seen |= {"http_accept": "*/*", "path_info": "/accesso/"}
    return {
        "axes.accessattempt": AccessAttempt.objects.create(
            **seen, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(**seen),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**seen),
    }


def _member(ente, username, role):
    from tests.factories import make_user

    return make_user(username, ente=ente, role=role)


FINGERPRINT_MODELS = [
    "organisation",
    "objectives",
    "reporting",
    "auth.user",
    "auth.group",
]


def _fingerprint_sql() -> str:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.app_label in FINGERPRINT_MODELS or label in FINGERPRINT_MODELS:
            tables.append(model._meta.db_table)
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    return f"SELECT {counts}"


def fingerprint() -> tuple:
    """Counts of every table of ours (history included) and the states that a write moves."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        counts = cursor.fetchone()
    return (
        counts,
        list(Progress.objects.order_by("pk").values_list("pk", "status", "version")),
        list(MonitoringPeriod.objects.order_by("pk").values_list("pk", "is_open")),
        list(Plan.objects.order_by("pk").values_list("pk", "status", "scoring_rules")),
        list(ExportJob.objects.order_by("pk").values_list("pk", "status")),
    )


# ----------------------------------------------------------------------------------------------
# The requests
