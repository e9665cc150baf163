"""Reminders of due and overdue reports, by command and from the periods page."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from objectives.models import MonitoringPeriod, Progress

pytestmark = pytest.mark.django_db


def ours(mailoutbox) -> list:
    """The emails to this test's ente (the demo plans may be loaded beside it)."""
    return [m for m in mailoutbox if m.to[0].endswith("@example.org")]


def test_each_responsible_gets_one_email_listing_their_reports(cycle, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Promemoria inviati:" in out.getvalue()
    assert sorted(m.to[0] for m in ours(mailoutbox)) == ["anna@example.org", "dario@example.org"]
    to_anna = next(m for m in mailoutbox if m.to == ["anna@example.org"])
    assert "1.1 Ridurre i tempi delle pratiche · 31/12/2024" in to_anna.body
    assert "scadenza 31/01/2025" in to_anna.body


def test_overdue_reports_are_marked_and_sent_ones_are_left_out(cycle, mailoutbox):
    MonitoringPeriod.objects.filter(pk=cycle.period.pk).update(due_date=dt.date(2020, 1, 31))
    Progress.objects.filter(pk=cycle.other_progress.pk).update(status="inviato")
    call_command("send_reminders", stdout=io.StringIO())
    assert [m.to for m in ours(mailoutbox)] == [["anna@example.org"]]
    assert "IN RITARDO (scadenza 31/01/2020)" in ours(mailoutbox)[0].body


def test_a_closed_period_sends_no_reminder(cycle, mailoutbox):
    MonitoringPeriod.objects.filter(pk=cycle.period.pk).update(is_open=False)
    call_command("send_reminders", stdout=io.StringIO())
    assert ours(mailoutbox) == []


def test_the_controllo_di_gestione_sends_them_from_the_periods_page(cycle, client, mailoutbox):
    client.force_login(cycle.controllo)
    response = client.post(reverse("objectives:period_remind"), follow=True)
    assert "Promemoria inviati: 2." in response.content.decode()
    assert len(mailoutbox) == 2
