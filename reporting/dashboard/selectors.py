"""Reads of the dashboards: who may see which plan's figures, and the rows of their tables."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from objectives.models import MonitoringPeriod, Objective, Plan, Progress
from organisation.access import user_entes
from organisation.models import Membership, Person
from reporting.access import role_sees_ente
from reporting.scoring import GroupScore, Part, PeriodScore, PlanScores, ResponsibleScore, Scope

Role = Membership.Role


@dataclass(frozen=True)
class Access:
    """What a user may see of one plan's figures."""

    plan: Plan
    role: str
    person: Person | None  # the user's own person in the ente, if any

    @property
    def sees_ente(self) -> bool:
        """Segretario, NdV, controllo and viewers see every figure of the ente."""
        return role_sees_ente(self.role)

    @property
    def edits_rules(self) -> bool:
        return self.role == Role.CONTROLLO

    def may_see(self, scope: Scope) -> bool:
        """A responsabile sees their own groups' figures only (and the ente's headline)."""
        if self.sees_ente:
            return True
        return self.person is not None and scope.responsible_id == self.person.pk

    def check(self, scope: Scope) -> None:
        if not self.may_see(scope):
            raise PermissionDenied


def dashboard_plans(user: AbstractBaseUser) -> QuerySet[Plan]:
    """The plans of the user's entes, with their objective and period counts."""
    return (
        Plan.objects.filter(ente__in=user_entes(user))
        .select_related("ente")
        .annotate(n_objectives=Count("objectives", distinct=True))
        .order_by("ente__name", "-first_year", "title")
    )


def get_plan_access(user: AbstractBaseUser, plan_id: int) -> Access:
    """The plan and the user's role in its ente; 404 for anyone outside the ente."""
    plan = Plan.objects.filter(pk=plan_id, ente__in=user_entes(user)).select_related("ente").first()
    if plan is None:
        raise Http404("Piano non trovato.")
    role = (
        Membership.objects.filter(user=user, ente_id=plan.ente_id)
        .values_list("role", flat=True)
        .first()
    )
    person = Person.objects.filter(ente_id=plan.ente_id, user=user).first()
    return Access(plan=plan, role=role, person=person)


def get_person_of_plan(plan: Plan, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id, ente_id=plan.ente_id).first()
    if person is None:
        raise Http404("Persona non trovata.")
    return person


def explanation_url(plan: Plan, period: MonitoringPeriod, **scope: object) -> str:
    query = {"periodo": period.pk} | {k: v for k, v in scope.items() if v is not None}
    return f"{reverse('reporting:dashboard_explanation', args=[plan.pk])}?{urlencode(query)}"


def group_rows(
    groups: list[GroupScore], kind: str, plan: Plan, period: MonitoringPeriod
) -> list[dict]:
    """Table rows of dipartimenti, programmes or missions, each with its drill-down link."""
    return [
        {
            "label": group.label,
            "url": explanation_url(plan, period, **{kind: group.key}),
            "score": group.score.value,
            "coverage": group.score.coverage,
            "reports": group.score.reports,
            "reported": group.score.share(group.score.reported),
            "validated": group.score.share(group.score.validated),
            "at_risk": group.score.at_risk,
        }
        for group in groups
    ]


def responsible_rows(
    responsibles: list[ResponsibleScore], plan: Plan, period: MonitoringPeriod
) -> list[dict]:
    return [
        {
            "label": r.name,
            "section": r.section_label,
            "url": explanation_url(plan, period, responsabile=r.person_id, sezione=r.section),
            "dashboard_url": reverse(
                "reporting:dashboard_responsible", args=[plan.pk, r.person_id]
            ),
            "score": r.score.value,
            "coverage": r.score.coverage,
            "reports": r.score.reports,
            "reported": r.score.share(r.score.reported),
            "validated": r.score.share(r.score.validated),
            "at_risk": r.score.at_risk,
            "pay_band": r.score.pay_band.text if r.score.pay_band else "",
            "note": "; ".join(
                note
                for note, applies in [
                    ("azzerato da un prerequisito", r.score.gated),
                    ("pesi che non sommano 100%", not r.balanced),
                ]
                if applies
            ),
        }
        for r in responsibles
    ]


def trend_rows(points: list[PeriodScore]) -> list[dict]:
    return [
        {
            "label": p.period.name,
            "score": p.score.value,
            "coverage": p.score.coverage,
            "reports": p.score.reports,
            "reported": p.score.share(p.score.reported),
            "validated": p.score.share(p.score.validated),
        }
        for p in points
    ]


def part_rows(parts: Iterable[Part]) -> list[dict]:
    return [
        {
            "code": part.objective.code,
            "title": part.objective.title,
            "url": reverse("objectives:objective_detail", args=[part.objective.pk]),
            "responsible": part.progress.responsible.full_name,
            "section": part.objective.get_section_display(),
            "status": part.progress.get_status_display(),
            "weight": part.weight,
            "weight_text": part.objective.weight_text,
            "share": part.share,
            "achievement": part.achievement,
            "source": part.source_label,
            "band": part.band.text if part.band else "",
            "score": part.score,
            "contribution": part.contribution if part.counted else None,
            "note": _part_note(part),
        }
        for part in parts
    ]


def _part_note(part: Part) -> str:
    if part.is_prerequisite:
        if part.prerequisite_met is None:
            return "prerequisito non ancora misurato"
        return "prerequisito raggiunto" if part.prerequisite_met else "prerequisito NON raggiunto"
    if part.gated:
        return "azzerato da un prerequisito non raggiunto"
    if part.weight is None:
        return "senza peso"
    if not part.counted:
        return "non misurato: escluso"
    if part.achievement is not None and part.capped != part.achievement:
        return "raggiungimento ridotto al tetto"
    return ""


def chart_data(rows: list[dict]) -> dict:
    """Labels and values for a chart drawn beside its table."""
    return {
        "labels": [row["label"] for row in rows],
        "values": [float(row["score"]) if row["score"] is not None else None for row in rows],
    }


def objectives_count(plan: Plan) -> int:
    return Objective.objects.filter(plan=plan).count()


def due_for_person(plan: Plan, person: Person) -> QuerySet[Progress]:
    """The person's reports still to send in the plan's open periods."""
    return (
        Progress.objects.filter(
            ente_id=plan.ente_id,
            objective__plan=plan,
            responsible=person,
            status=Progress.Status.BOZZA,
            period__is_open=True,
        )
        .select_related("objective", "period")
        .order_by("period__reference_date", "objective__order", "pk")
    )


def headline(scores: PlanScores, n_objectives: int, overdue: bool) -> dict:
    ente = scores.ente
    return {
        "objectives": n_objectives,
        "reports": ente.reports,
        "reported": ente.share(ente.reported),
        "verified": ente.share(ente.verified),
        "validated": ente.share(ente.validated),
        "score": ente.value,
        "coverage": ente.coverage,
        "late": ente.drafts if overdue else 0,
        "at_risk": ente.at_risk,
    }
