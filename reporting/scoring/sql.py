"""The SQL side of scoring: which reports count (`Scope`) and each report's figures annotated in
the database (`scored_progress`)."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from objectives.models import MonitoringPeriod, Plan, Progress
from objectives.rules import (
    NO_KEY,
    Source,
    achievement_sql,
    first_dipartimento_sql,
    prerequisite_q,
    progress_in_dipartimento_q,
)
from reporting.scoring.rules import PeriodRules, Rules, Status

# -- one objective --------------------------------------------------------------------------


# The rules of one report (which figure counts, what a pre-requisite is, which dipartimento it
# counts in) and their SQL twins live in objectives.rules; the names stay importable from here.
def _figures_sql(rules: Rules | PeriodRules) -> tuple[Coalesce, Coalesce, Coalesce, Coalesce]:
    """Each report's achievement, source, capped achievement and score in SQL: those stored
    when the NdV validated the report's year (reporting.models.FrozenResult), else computed
    with the rules."""
    achievement, source = achievement_sql()
    return (
        Coalesce(F("frozen__achievement"), achievement, output_field=FloatField()),
        Coalesce(F("frozen__source"), source),
        Coalesce(F("frozen__capped"), rules.capped_sql(achievement), output_field=FloatField()),
        Coalesce(F("frozen__score"), rules.score_sql(achievement), output_field=FloatField()),
    )


PREREQUISITE = prerequisite_q("objective__")
WEIGHTED = Q(objective__weight__isnull=False)


# -- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which reports count; every field None means all. `NO_KEY` (0) selects "none" rows."""

    dipartimento_id: int | None = None
    missione_id: int | None = None
    programma_id: int | None = None
    section: str | None = None
    responsible_id: int | None = None

    def q(self, ente_id: int | None = None) -> Q:
        q = Q()
        if self.dipartimento_id is not None:
            q &= progress_in_dipartimento_q(self.dipartimento_id, ente_id)
        if self.programma_id is not None:
            q &= (
                Q(objective__programma__isnull=True)
                if self.programma_id == NO_KEY
                else Q(objective__programma_id=self.programma_id)
            )
        if self.missione_id is not None:
            q &= (
                Q(objective__programma__isnull=True)
                if self.missione_id == NO_KEY
                else Q(objective__programma__missione_id=self.missione_id)
            )
        if self.section is not None:
            q &= Q(objective__section=self.section)
        if self.responsible_id is not None:
            q &= Q(responsible_id=self.responsible_id)
        return q

    def narrower(self, **fields: object) -> "Scope":
        return Scope(**(self.__dict__ | fields))


def _base(plan: Plan, periods: Q, scope: Scope | None) -> QuerySet[Progress]:
    """The reports that count: a report the NdV excluded from the evaluation never does."""
    queryset = Progress.objects.filter(
        periods, ente_id=plan.ente_id, objective__plan=plan, excluded_at__isnull=True
    )
    return queryset.filter(scope.q(plan.ente_id)) if scope else queryset


def scored_progress(
    plan: Plan, period: MonitoringPeriod, scope: Scope | None = None
) -> QuerySet[Progress]:
    """The period's reports with achievement, source, capped and score annotated in SQL."""
    rules = Rules.for_period(period, plan)
    achievement, source, capped, score = _figures_sql(rules)
    labels = [
        When(achievement_source=key, then=Value(label))
        for key, label in Source.LABELS.items()
        if key
    ]
    statuses = [When(status=key, then=Value(str(label))) for key, label in Status.choices]
    return (
        # The objective's ente (always the plan's) lets the database walk the index on
        # (ente, plan, code) for a page of reports in code order, instead of sorting them all.
        _base(plan, Q(period=period), scope)
        .filter(objective__ente_id=plan.ente_id)
        .annotate(
            dipartimento_id=first_dipartimento_sql(),
            achievement=achievement,
            achievement_source=source,
            source_label=Case(*labels, default=Value(Source.LABELS[None])),
            status_label=Case(*statuses, default=F("status")),
            capped=capped,
            score=score,
            frozen_score=F("frozen__score"),
        )
        .select_related("objective", "responsible", "period")
    )
