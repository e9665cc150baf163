"""The Relazione sulla performance of one year of a plan (D.Lgs. 150/2009 art. 10).

Per responsible (dirigente/EQ, one section per weight group) their objectives of the year's last
monitoring period: targets of the year, measured values, computed, declared and validated %,
the achievement that counts and its source, the band and the score, the NdV's notes; their
score and pay band; the ente's summary by dipartimento; the NdV's validation statement. Every
score comes from reporting.scoring, the one place where scores and bands are computed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from objectives.models import (
    Indicator,
    Measurement,
    MonitoringPeriod,
    Objective,
    Plan,
    Progress,
    Target,
)
from objectives.plan_table import target_text
from piao.formatting import format_number
from reporting.models import FrozenScore, ValidationStatement
from reporting.scoring import (
    GroupScore,
    PlanScores,
    Score,
    Source,
    plan_scores,
    scored_progress,
)

if TYPE_CHECKING:
    from reporting.exports.pdf import PdfDocument


class RelazioneError(ValueError):
    """The Relazione cannot be built: an Italian message for the user."""


@dataclass
class ObjectiveLine:
    code: str
    title: str
    targets: str
    measured: str
    computed: Decimal | None
    declared: Decimal | None
    validated: Decimal | None
    achievement: Decimal | None
    source: str
    band: str
    score: Decimal | None
    status: str
    ndv_notes: str


@dataclass
class ResponsibleSection:
    name: str
    section: str
    score: Score | None
    pay_band: str
    balanced: bool
    lines: list[ObjectiveLine] = field(default_factory=list)
    person_id: int | None = None  # whose figures: reporting.access shows a dirigente their own


@dataclass
class Relazione:
    plan: Plan
    year: int
    period: MonitoringPeriod
    scores: PlanScores
    sections: list[ResponsibleSection]
    dipartimenti: list[GroupScore]
    statement: ValidationStatement | None
    excluded: list = field(default_factory=list)  # reports the NdV excluded, with the reason


def relazione_period(plan: Plan, year: int) -> MonitoringPeriod | None:
    """The year's last monitoring period: the year-end results."""
    return (
        MonitoringPeriod.objects.filter(ente=plan.ente_id, plan=plan, reference_date__year=year)
        .order_by("-reference_date")
        .first()
    )


def _measured(measurement: Measurement) -> str:
    if measurement.value_number is not None:
        value = format_number(measurement.value_number)
    elif measurement.value_date is not None:
        value = measurement.value_date.strftime("%d/%m/%Y")
    elif measurement.value_bool is not None:
        value = "sì" if measurement.value_bool else "no"
    else:
        value = measurement.value_text
    return f"{measurement.indicator.description}: {value}" if value else ""


def _targets(objective: Objective, year: int) -> str:
    lines = []
    for indicator in objective.indicators.all():
        texts = [target_text(t) for t in indicator.targets.all() if t.year == year]
        if texts:
            lines.append(f"{indicator.description}: {'; '.join(texts)}")
    return "\n".join(lines)


def build_relazione(plan: Plan, year: int) -> Relazione:
    """Everything the Relazione shows, in a fixed number of queries."""
    if year not in plan.years:
        raise RelazioneError(
            f"L'anno {year} è fuori dal piano ({plan.first_year}-{plan.last_year})."
        )
    period = relazione_period(plan, year)
    if period is None:
        raise RelazioneError(
            f"Il piano non ha periodi di monitoraggio nel {year}: la Relazione non ha risultati."
        )
    scores = plan_scores(plan, period)
    rules = scores.rules
    reports = scored_progress(plan, period).prefetch_related(
        Prefetch(
            "measurements",
            queryset=Measurement.objects.select_related("indicator").order_by(
                "indicator__order", "indicator_id"
            ),
        ),
        Prefetch(
            "objective__indicators",
            queryset=Indicator.objects.order_by("order", "id").prefetch_related(
                Prefetch("targets", queryset=Target.objects.order_by("year", "id"))
            ),
        ),
    )
    lines: dict[tuple[int, str], list[ObjectiveLine]] = defaultdict(list)
    for report in reports.order_by("objective__order", "objective_id"):
        objective = report.objective
        achievement = (
            Decimal(f"{report.achievement:.2f}") if report.achievement is not None else None
        )
        band = rules.band_for(Decimal(f"{report.capped:.2f}")) if achievement is not None else None
        notes = "\n".join(t for t in (report.validation_reason, report.ndv_notes) if t)
        lines[(report.responsible_id, objective.section)].append(
            ObjectiveLine(
                code=objective.code,
                title=objective.title or objective.description,
                targets=_targets(objective, year),
                measured="\n".join(m for m in map(_measured, report.measurements.all()) if m),
                computed=report.computed_achievement,
                declared=report.declared_achievement,
                validated=report.validated_achievement,
                achievement=achievement,
                source=Source.label(report.achievement_source),
                band=(band.label or band.text) if band else "",
                score=Decimal(f"{report.score:.2f}") if report.score is not None else None,
                status=report.get_status_display(),
                ndv_notes=notes,
            )
        )
    sections = []
    for responsible in scores.responsibles:
        key = (responsible.person_id, responsible.section)
        pay_band = responsible.score.pay_band
        sections.append(
            ResponsibleSection(
                name=responsible.name,
                section=responsible.section_label,
                score=responsible.score,
                pay_band=pay_band.text if pay_band else "",
                balanced=responsible.balanced,
                lines=lines.pop(key, []),
                person_id=responsible.person_id,
            )
        )
    statement = ValidationStatement.objects.filter(ente=plan.ente_id, plan=plan, year=year).first()
    if statement is not None and period.is_frozen:
        _stored_scores(period, sections, scores)  # one query
    excluded = list(
        Progress.objects.filter(ente=plan.ente_id, period=period, excluded_at__isnull=False)
        .select_related("objective", "responsible", "period")
        .order_by("objective__order", "objective_id", "responsible__full_name")
    )
    return Relazione(
        excluded=excluded,
        plan=plan,
        year=year,
        period=period,
        scores=scores,
        sections=sections,
        dipartimenti=scores.dipartimenti,
        statement=statement,
    )


def _stored_scores(period: MonitoringPeriod, sections: list, scores: PlanScores) -> None:
    """A validated year shows each group's score and pay band as stored at the validation."""
    stored = {
        (row.person_id, row.section): row
        for row in FrozenScore.objects.filter(ente=period.ente_id, period=period)
    }
    for section, responsible in zip(sections, scores.responsibles, strict=True):
        row = stored.get((responsible.person_id, responsible.section))
        if row is not None:
            section.score.value = row.score
            section.pay_band = row.pay_band
    ente = stored.get((None, ""))
    if ente is not None:
        scores.ente.value = ente.score


def relazione_pdf(
    plan: Plan, year: int, *, progress: Callable[[int], None] | None = None
) -> PdfDocument:
    from django.utils import timezone

    from reporting.exports.pdf import PAPERS, render_pdf

    relazione = build_relazione(plan, year)
    if progress:
        progress(20)
    context = {
        "relazione": relazione,
        "plan": plan,
        "paper": PAPERS["A4"],
        "issued": timezone.localdate(),
    }
    return render_pdf("reporting/relazione_pdf.html", context, progress=progress)
