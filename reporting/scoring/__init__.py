"""Scores of a plan in a monitoring period: objectives, responsibles, units, programmes, the ente.

The one place where piao turns achievements into scores. It reads objectives and organisation
and writes nothing. Every figure is computed at read time with its period's rules
(`Rules.for_period`): an open period's are the plan's in force (objectives/scoring_rules.py), so
a change of the rules shows at once there; a closed period's are those recorded when it closed,
so a later change leaves its figures as they were. A year the NdV has validated is frozen: its
reports' figures are read from `reporting.models.FrozenResult`, stored at the validation.

Rules, in the order they apply to one progress report (one objective, one responsible, one
period):

1. **Achievement** = the NdV's validated % if there is one, else the declared % once the report
   has been submitted (a draft's declared figure is not yet a declaration), else the computed %.
   Its **source** is "validated", "declared" or "computed" (`Source`); none: not yet measured.
   This rule, what a pre-requisite is and which dipartimento a report counts in are decided in
   objectives/rules.py (each in Python and in SQL, tested to agree) and only used here.
2. **Cap**: the achievement is capped at `plan.achievement_cap` (100 unless the SMVP says
   otherwise).
3. **Band**: the capped achievement falls in one of the rules' bands, which gives the **score**
   that counts (a fixed figure, or the achievement itself when the band is proportional).
4. **Responsible in a weight group** (plan + responsible + section, objectives.weights): the
   weighted mean of the scores by each objective's share of the group. A cross-cutting
   objective has one report per assignee and counts in each assignee's group separately.
   Objectives without an achievement are left out ("score so far") or count zero, as the rules
   say (`unreported`). Pre-requisites ("X", no weight) carry no points; with the rule `gate`,
   one that was measured below `prerequisite_met_at` zeroes the group's score.
5. **Aggregates** (dipartimento, DUP programme and mission, the ente): the weighted mean of the
   same scores, each report weighing its share of its own group, so that groups in points and
   groups in percentages weigh alike; a gated group's reports count zero there too. A report
   counts in each dipartimento its objective's units sit in (walked up the unit tree) or, only
   when the objective names no unit, in each dipartimento its responsible is posted to: the
   same rule as the plan page's headings (objectives.rules).
6. **Pay band**: a responsible's score in a group falls in one of the rules' pay bands (share of
   the result pay).

Public API (stable: extend, don't rename), re-exported here from the package's modules: `rules`
(Rules, PeriodRules, bands), `sql` (Scope, scored_progress), `figures` (plan_scores, trend),
`explanations` (explain), `lists` (late and at-risk reports):

- `Source`: the three sources of an achievement, with Italian labels.
- `Rules.for_plan(plan) -> Rules`: the plan's rules in force; `Rules.for_period(period, plan=None)`
  the rules a period's figures are computed with (recorded at its close, else the plan's);
  `rules.apply(achievement) -> (score, Band)`, `rules.pay_band_for(score) -> PayBand | None`.
  `PeriodRules.for_periods(plan, periods)`: each period's rules, for aggregates over periods.
- `achievement_of(progress) -> Achievement`: value and source of one Progress, in Python.
- `Scope(dipartimento_id=, missione_id=, programma_id=, section=, responsible_id=)`: which reports
  count (None = all); a `Scope` also names one figure to explain (see `explain`).
- `scored_progress(plan, period, scope=None) -> QuerySet[Progress]`: the period's reports
  annotated in SQL with `achievement`, `achievement_source` (and its Italian `source_label`,
  `status_label`), `capped`, `score` and `dipartimento_id`; `objective`, `responsible`,
  `period` selected.
- `plan_scores(plan, period, scope=None) -> PlanScores`: every figure of a dashboard in a fixed
  number of queries (8, whatever the plan's size; 5 `with_dipartimenti=False`, which leaves
  `.dipartimenti` empty): `.ente` (`Score`), `.responsibles`
  (`[ResponsibleScore]`, one per weight group), `.dipartimenti`, `.programmi`, `.missioni`
  (`[GroupScore]`), `.rules`.
- `plan_scores_with_trend(plan, period, scope=None) -> (PlanScores, [PeriodScore])`: both from
  one aggregate over all periods (9 queries).
- `responsible_scores(plan, period, person_id) -> (PlanScores, Score, [PeriodScore])`: a
  responsible's own groups and trend and the ente's score, from one aggregate (6 queries).
- `explain(plan, period, scope, lazy=False) -> Explanation`: one figure and the parts it is
  made of (`[Part]`: objective, responsible, weight, share, achievement, source, band, score,
  contribution), whose contributions add up to the figure; `lazy=True` gives `Parts`, read from
  the database a slice at a time (`.ordered(*fields)` for another order).
- `trend(plan, scope=None) -> [PeriodScore]`: the ente's (or the scope's) score in every period.
- `late_progress(plan, period, today=None)`, `at_risk_progress(plan, period, scope=None)`:
  reports of an overdue period still in draft; reports whose achievement is under the plan's
  at-risk threshold.

`Score.value` is a Decimal percent with two decimals, or None when nothing could be scored.
"""

from objectives.rules import NO_KEY, SUBMITTED, Achievement, Source, achievement_of
from reporting.scoring.explanations import EXPLANATION_ORDER, Explanation, Part, Parts, explain
from reporting.scoring.figures import (
    GroupScore,
    PeriodScore,
    PlanScores,
    ResponsibleScore,
    Score,
    plan_scores,
    plan_scores_with_trend,
    responsible_scores,
    trend,
)
from reporting.scoring.lists import at_risk_progress, is_overdue, late_progress
from reporting.scoring.rules import Band, PayBand, PeriodRules, Rules
from reporting.scoring.sql import Scope, scored_progress

__all__ = [
    "EXPLANATION_ORDER",
    "NO_KEY",
    "SUBMITTED",
    "Achievement",
    "Band",
    "Explanation",
    "GroupScore",
    "Part",
    "Parts",
    "PayBand",
    "PeriodRules",
    "PeriodScore",
    "PlanScores",
    "ResponsibleScore",
    "Rules",
    "Score",
    "Scope",
    "Source",
    "achievement_of",
    "at_risk_progress",
    "explain",
    "is_overdue",
    "late_progress",
    "plan_scores",
    "plan_scores_with_trend",
    "responsible_scores",
    "scored_progress",
    "trend",
]
