"""The figures of a year the NdV has validated, stored once so that they never move.

`figures_freeze` runs inside the NdV's validation (reporting.services.validation_statement_save)
and stores, per report of the period, the achievement, its source, the capped achievement, the
score and the band (`FrozenResult`), and per weight group and for the ente the score and pay band
(`FrozenScore`). reporting.scoring reads the stored report figures instead of computing them, so
every page, export, Relazione and open-data file of the year shows them.
"""

from decimal import Decimal

from django.utils import timezone

from objectives.models import MonitoringPeriod, Plan
from reporting.models import FrozenResult, FrozenScore
from reporting.scoring import Rules, plan_scores, scored_progress


def figures_freeze(*, plan: Plan, period: MonitoringPeriod) -> int:
    """Store the period's figures as they stand (computed with the period's own rules);
    returns how many reports were stored. Call inside the validation's transaction."""
    now = timezone.now()
    rules = Rules.for_period(period, plan)
    results = []
    for report in scored_progress(plan, period).iterator(chunk_size=2000):
        band = (
            rules.band_for(Decimal(f"{report.capped:.6f}")) if report.capped is not None else None
        )
        results.append(
            FrozenResult(
                ente_id=plan.ente_id,
                period=period,
                progress_id=report.pk,
                achievement=report.achievement,
                source=report.achievement_source,
                capped=report.capped,
                score=report.score,
                band_label=(band.label or band.text) if band else "",
                frozen_at=now,
            )
        )
    FrozenResult.objects.bulk_create(results, batch_size=500)
    scores = plan_scores(plan, period, with_dipartimenti=False)
    groups = [
        FrozenScore(
            ente_id=plan.ente_id,
            period=period,
            person_id=None,
            section="",
            score=scores.ente.value,
            pay_band="",
            frozen_at=now,
        )
    ]
    for responsible in scores.responsibles:
        pay_band = responsible.score.pay_band
        groups.append(
            FrozenScore(
                ente_id=plan.ente_id,
                period=period,
                person_id=responsible.person_id,
                section=responsible.section,
                score=responsible.score.value,
                pay_band=pay_band.text if pay_band else "",
                frozen_at=now,
            )
        )
    FrozenScore.objects.bulk_create(groups, batch_size=500)
    return len(results)
