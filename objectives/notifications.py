"""Emails of the monitoring cycle (console backend unless EMAIL_BACKEND says otherwise)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from objectives.models import Progress
from organisation.models import Membership
from piao.formatting import format_percent


def _send(subject: str, body: str, recipients: list[str]) -> int:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return 0
    return send_mail(f"[piao] {subject}", body, settings.DEFAULT_FROM_EMAIL, recipients)


def _responsible_addresses(progress: Progress) -> list[str]:
    person = progress.responsible
    addresses = [person.user.email if person.user_id else "", person.email]
    eq = progress.objective.eq
    if eq is not None and progress.objective.kind != "trasversale" and eq.user_id:
        addresses.append(eq.user.email)
    return addresses


def _role_addresses(ente_id: int, role: str) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(memberships__ente_id=ente_id, memberships__role=role, is_active=True)
        .values_list("email", flat=True)
    )


def _label(progress: Progress) -> str:
    objective = progress.objective
    return f"{objective.code} {objective.title[:80]} · {progress.period.name}"


def submitted(progress: Progress) -> int:
    return _send(
        f"Avanzamento inviato: {_label(progress)}",
        f"{progress.responsible} ha inviato l'avanzamento dell'obiettivo {_label(progress)}, "
        f"dichiarando {format_percent(progress.declared_achievement)}.\n"
        "Lo trovi nella coda di verifica.",
        _role_addresses(progress.ente_id, Membership.Role.SEGRETARIO),
    )


def returned(progress: Progress) -> int:
    return _send(
        f"Avanzamento restituito: {_label(progress)}",
        f"L'avanzamento dell'obiettivo {_label(progress)} ti è stato restituito.\n\n"
        f"Nota: {progress.return_note}\n\nCorreggilo e invialo di nuovo.",
        _responsible_addresses(progress),
    )


def validated(progress: Progress) -> int:
    return _send(
        f"Risultato validato dal NdV: {_label(progress)}",
        f"Il Nucleo di Valutazione ha validato l'obiettivo {_label(progress)}: "
        f"{format_percent(progress.validated_achievement)} "
        f"(dichiarato {format_percent(progress.declared_achievement)}).\n"
        + (f"Motivazione: {progress.validation_reason}\n" if progress.validation_reason else "")
        + "Puoi prenderne visione nella pagina dell'avanzamento.",
        _responsible_addresses(progress),
    )


def send_reminders(today: dt.date, *, entes: list[int] | None = None) -> int:
    """One email per responsible with their reports still to send in open periods.

    A report is due when its period is open, and overdue once the period's due date passed.
    """
    pending = (
        Progress.objects.filter(period__is_open=True, status=Progress.Status.BOZZA)
        .filter(**({"ente__in": entes} if entes is not None else {}))
        .select_related("objective", "period", "responsible__user")
        .order_by("responsible_id", "period__due_date", "objective__order")
    )
    by_person: dict[int, list[Progress]] = {}
    for progress in pending:
        by_person.setdefault(progress.responsible_id, []).append(progress)
    sent = 0
    for reports in by_person.values():
        person = reports[0].responsible
        lines = []
        for progress in reports:
            due = progress.period.due_date
            state = ""
            if due:
                state = (
                    f" — IN RITARDO (scadenza {due:%d/%m/%Y})"
                    if due < today
                    else f" — scadenza {due:%d/%m/%Y}"
                )
            lines.append(f"- {_label(progress)}{state}")
        sent += _send(
            f"Promemoria: {len(reports)} avanzamenti da inviare",
            f"Gentile {person},\nrestano da inviare questi avanzamenti:\n" + "\n".join(lines),
            [person.user.email if person.user_id else "", person.email],
        )
    return sent
