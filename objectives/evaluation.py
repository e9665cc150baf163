"""The computed achievement of a progress report, from its measured values and the targets."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from objectives.achievement import Measured, Result, indicator_achievement, objective_achievement
from objectives.models import Indicator, Measurement, Progress, Target


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    target: Target | None
    measured: Measured
    result: Result


@dataclass(frozen=True)
class Evaluation:
    lines: list[Line]
    result: Result

    @property
    def achievement(self) -> Decimal | None:
        return self.result.achievement


def measured_of(measurement: Measurement | None) -> Measured:
    if measurement is None:
        return Measured()
    return Measured(
        number=measurement.value_number,
        date=measurement.value_date,
        flag=measurement.value_bool,
        text=measurement.value_text,
    )


def indicators_with_targets(progress: Progress) -> list[Indicator]:
    """The objective's indicators, each with only the target of the period's year."""
    year = progress.period.reference_date.year
    return list(
        Indicator.objects.filter(objective_id=progress.objective_id)
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.filter(year=year), to_attr="year_targets")
        )
        .order_by("order", "id")
    )


def reference_values(
    progress: Progress, indicators: list[Indicator]
) -> dict[int, dict[int, Decimal]]:
    """Per indicator, the values of past years a relative target may point to.

    The baseline gives its year; the responsible's own measurement in the last period of an
    earlier year gives that year.
    """
    values: dict[int, dict[int, Decimal]] = {
        i.pk: (
            {i.baseline_year: i.baseline_value}
            if i.baseline_year and i.baseline_value is not None
            else {}
        )
        for i in indicators
    }
    earlier = (
        Measurement.objects.filter(
            indicator__in=[i.pk for i in indicators],
            progress__responsible_id=progress.responsible_id,
            progress__period__reference_date__year__lt=progress.period.reference_date.year,
            value_number__isnull=False,
        )
        .order_by("progress__period__reference_date")
        .values_list("indicator_id", "progress__period__reference_date", "value_number")
    )
    for indicator_id, date, value in earlier:
        values[indicator_id][date.year] = value  # the latest period of each year wins
    return values


def evaluate(
    progress: Progress,
    measured: dict[int, Measured],
    *,
    indicators: list[Indicator] | None = None,
) -> Evaluation:
    """The computed achievement for these measured values (saved or just typed)."""
    indicators = indicators if indicators is not None else indicators_with_targets(progress)
    references = reference_values(progress, indicators)
    cap = progress.objective.plan.achievement_cap
    lines = []
    for indicator in indicators:
        target = indicator.year_targets[0] if indicator.year_targets else None
        value = measured.get(indicator.pk, Measured())
        result = indicator_achievement(
            indicator, target, value, cap=cap, reference_values=references[indicator.pk]
        )
        lines.append(Line(indicator, target, value, result))
    return Evaluation(
        lines, objective_achievement([(line.indicator, line.result) for line in lines])
    )


def saved_measurements(progress: Progress) -> dict[int, Measured]:
    return {m.indicator_id: measured_of(m) for m in progress.measurements.all()}
