"""The rules every page asks of a plan, each written once: in Python for one row and, beside it,
its SQL twin for querysets and aggregates.

- **Pre-requisite** ("X"): `is_prerequisite` / `prerequisite_q`.
- **Which figure counts**: the NdV's validated %, else the declared % once the report is
  submitted, else the computed %: `achievement_of` / `achievement_sql`, `measured_q`.
- **Who has a report line**: the assignees of a cross-cutting objective, else its dirigente, else
  its EQ: `responsible_ids` (its SQL twin is `objectives.weights.weight_groups`). Who *fills in* a
  line is `objectives.permissions.answers_for`, with its SQL twin `reports_of` beside it.
- **Which dipartimento**: a unit belongs to the dipartimento/area it sits in (itself or the
  nearest one above it); an objective to the dipartimenti of the units it names or, only when it
  names no unit at all, to those its responsibles are posted to; a report to the dipartimenti of
  its objective's units or, when there are none, to those of its own responsible's posts:
  `dipartimenti` / `progress_in_dipartimento_q`, `objective_in_dipartimento_q`,
  `with_dipartimento`.

tests/objectives/test_rules.py gives each rule and its twin the same rows and expects the same
answer. The plan page, its PDF and workbook, the report lists, the dashboards, the score
explanations and the Relazione all ask these functions.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    Exists,
    Expression,
    F,
    FilteredRelation,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

from objectives.models import Objective, Progress
from organisation.models import Assignment, OrgUnit

NO_KEY = 0  # "no dipartimento"
DIPARTIMENTO = OrgUnit.Kind.DIPARTIMENTO

# -- pre-requisite ----------------------------------------------------------------------------

PREREQUISITE_MARK = "X"
BLANKS = " \t\r\n\xa0"  # what a cell may wrap a mark in; stripped alike in Python and in SQL


def is_prerequisite(weight: Decimal | None, weight_text: str) -> bool:
    """A weightless pre-requisite ("X", "x", " X "): it gates the score and carries no points."""
    return weight is None and (weight_text or "").strip(BLANKS).upper() == PREREQUISITE_MARK


class _TrimBlanks(Func):
    """TRIM(text, BLANKS): SQLite's trim and PostgreSQL's btrim take the characters to strip."""

    function = "TRIM"
    output_field = CharField()

    def __init__(self, expression: Expression | str) -> None:
        super().__init__(expression, Value(BLANKS))

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: object
    ) -> tuple[str, list]:
        return self.as_sql(compiler, connection, function="BTRIM", **extra)


def prerequisite_q(prefix: str = "") -> Q:
    """SQL twin of `is_prerequisite` (prefix "objective__" from a report)."""
    mark = In(
        _TrimBlanks(F(f"{prefix}weight_text")), [PREREQUISITE_MARK, PREREQUISITE_MARK.lower()]
    )
    return Q(**{f"{prefix}weight__isnull": True}) & Q(mark)


# -- which figure counts ----------------------------------------------------------------------

Status = Progress.Status
SUBMITTED = (Status.INVIATO, Status.VERIFICATO, Status.VALIDATO)


class Source:
    """Where a report's achievement comes from."""

    VALIDATED = "validated"
    DECLARED = "declared"
    COMPUTED = "computed"
    LABELS = {
        VALIDATED: "validato NdV",
        DECLARED: "dichiarato",
        COMPUTED: "calcolato",
        None: "non misurato",
    }

    @classmethod
    def label(cls, source: str | None) -> str:
        return cls.LABELS[source]


@dataclass(frozen=True)
class Achievement:
    value: Decimal | None
    source: str | None

    @property
    def source_label(self) -> str:
        return Source.label(self.source)


def achievement_of(progress: Progress) -> Achievement:
    """The achievement of one report that counts, and where it comes from: validated, else
    declared once submitted (a draft's declared figure is not yet a declaration), else
    computed."""
    if progress.validated_achievement is not None:
        return Achievement(progress.validated_achievement, Source.VALIDATED)
    if progress.declared_achievement is not None and progress.status in SUBMITTED:
        return Achievement(progress.declared_achievement, Source.DECLARED)
    if progress.computed_achievement is not None:
        return Achievement(progress.computed_achievement, Source.COMPUTED)
    return Achievement(None, None)


def achievement_sql(prefix: str = "") -> tuple[Cast, Case]:
    """SQL twin of `achievement_of`: (value as a float, source) expressions."""
    validated, declared, computed = (
        F(f"{prefix}{name}_achievement") for name in ("validated", "declared", "computed")
    )
    submitted = Q(**{f"{prefix}status__in": SUBMITTED})
    declared_counts = Case(When(submitted, then=declared), default=None)
    value = Coalesce(validated, declared_counts, computed)
    source = Case(
        When(Q(**{f"{prefix}validated_achievement__isnull": False}), then=Value(Source.VALIDATED)),
        When(
            Q(**{f"{prefix}declared_achievement__isnull": False}) & submitted,
            then=Value(Source.DECLARED),
        ),
        When(Q(**{f"{prefix}computed_achievement__isnull": False}), then=Value(Source.COMPUTED)),
        default=None,
        output_field=CharField(),
    )
    return Cast(value, FloatField()), source


def measured_q(prefix: str = "") -> Q:
    """SQL twin of `achievement_of(progress).value is not None`."""
    return (
        Q(**{f"{prefix}validated_achievement__isnull": False})
        | Q(**{f"{prefix}computed_achievement__isnull": False})
        | Q(**{f"{prefix}declared_achievement__isnull": False, f"{prefix}status__in": SUBMITTED})
    )


# -- who has a report line --------------------------------------------------------------------


def responsible_ids(objective: Objective) -> list[int]:
    """The people with a report line (and a weight group) on the objective: the assignees of a
    cross-cutting objective, else its dirigente, else its EQ (assignees must be prefetched)."""
    assignee_ids = [person.pk for person in objective.assignees.all()]
    if assignee_ids:
        return assignee_ids
    person_id = objective.dirigente_id or objective.eq_id
    return [person_id] if person_id else []


# -- which dipartimento -----------------------------------------------------------------------

UNIT_DEPTH = 3  # levels walked up from a unit: ufficio > servizio > dipartimento, and one more
UNIT_PARENTS = "__".join(["parent"] * UNIT_DEPTH)  # select_related() of units this rule walks


def unit_dipartimento(unit: OrgUnit | None) -> OrgUnit | None:
    """The dipartimento/area a unit sits in: itself, or the nearest one above it (parents
    select_related `UNIT_PARENTS`)."""
    for _level in range(UNIT_DEPTH + 1):
        if unit is None or unit.kind == DIPARTIMENTO:
            return unit
        unit = unit.parent
    return None


def unit_in_dipartimento_q(dipartimento: int | OuterRef, prefix: str = "") -> Q:
    """SQL twin of `unit_dipartimento(unit).pk == dipartimento` (an id or an OuterRef)."""
    q = Q()
    for level in range(UNIT_DEPTH + 1):
        path = prefix + "parent__" * level
        here = Q(**{f"{path}id": dipartimento, f"{path}kind": DIPARTIMENTO})
        for below in range(level):
            here &= ~Q(**{f"{prefix}{'parent__' * below}kind": DIPARTIMENTO})
        q |= here
    return q


def unit_has_dipartimento_q(prefix: str = "") -> Q:
    """SQL twin of `unit_dipartimento(unit) is not None`."""
    q = Q()
    for level in range(UNIT_DEPTH + 1):
        q |= Q(**{f"{prefix}{'parent__' * level}kind": DIPARTIMENTO})
    return q


class Posts:
    """Each person's dipartimenti through their posts (the units of their assignments, walked
    up), read in one query the first time a person is asked for."""

    def __init__(self, ente_id: int) -> None:
        self.ente_id = ente_id
        self._of: dict[int, dict[int, OrgUnit]] | None = None

    def __getitem__(self, person_id: int) -> dict[int, OrgUnit]:
        if self._of is None:
            self._of = {}
            assignments = Assignment.objects.filter(
                ente_id=self.ente_id, unit__isnull=False
            ).select_related(f"unit__{UNIT_PARENTS}")
            for assignment in assignments:
                dipartimento = unit_dipartimento(assignment.unit)
                if dipartimento is not None:
                    self._of.setdefault(assignment.person_id, {})[dipartimento.pk] = dipartimento
        return self._of.get(person_id, {})


def dipartimenti(
    units: Iterable[OrgUnit], responsibles: Iterable[int], posts: Posts
) -> list[OrgUnit]:
    """THE rule: the dipartimenti of the units named (walked up); only when no unit is named,
    those the responsibles are posted to. Sorted by code and name; empty: none."""
    units = list(units)
    found: dict[int, OrgUnit] = {}
    if units:
        for unit in units:
            if (dipartimento := unit_dipartimento(unit)) is not None:
                found[dipartimento.pk] = dipartimento
    else:
        for person_id in responsibles:
            found |= posts[person_id]
    return sorted(found.values(), key=lambda u: (u.code, u.name, u.pk))


def objective_dipartimenti(objective: Objective, posts: Posts) -> list[OrgUnit]:
    """An objective's dipartimenti (org_units prefetched with `UNIT_PARENTS`, assignees too):
    the union of those of its report lines."""
    return dipartimenti(objective.org_units.all(), responsible_ids(objective), posts)


def progress_dipartimenti(progress: Progress, posts: Posts) -> list[OrgUnit]:
    """A report's dipartimenti (objective's org_units prefetched with `UNIT_PARENTS`)."""
    return dipartimenti(progress.objective.org_units.all(), [progress.responsible_id], posts)


def _units_of(ente_id: int | None) -> QuerySet:
    """The objective-unit links (optionally of one ente)."""
    links = Objective.org_units.through.objects.all()
    return links.filter(orgunit__ente_id=ente_id) if ente_id else links


def _posts_of(ente_id: int | None) -> QuerySet:
    posts = Assignment.objects.filter(unit__isnull=False)
    return posts.filter(ente_id=ente_id) if ente_id else posts


def _in_sets(unit_id: int, ente_id: int | None) -> tuple[QuerySet, QuerySet, QuerySet]:
    """(objectives naming a unit, objectives naming a unit in it, people posted in it) as
    uncorrelated subqueries, which the database runs once; NO_KEY: in any dipartimento."""
    links = _units_of(ente_id)
    named = links.values("objective_id")
    if unit_id == NO_KEY:
        inside = links.filter(unit_has_dipartimento_q("orgunit__"))
        posted = _posts_of(ente_id).filter(unit_has_dipartimento_q("unit__"))
    else:
        inside = links.filter(unit_in_dipartimento_q(unit_id, "orgunit__"))
        posted = _posts_of(ente_id).filter(unit_in_dipartimento_q(unit_id, "unit__"))
    return named, inside.values("objective_id"), posted.values("person_id")


def progress_in_dipartimento_q(unit_id: int, ente_id: int | None = None) -> Q:
    """SQL twin of `unit_id in {u.pk for u in progress_dipartimenti(progress)}` (NO_KEY: the
    report is in none)."""
    named, inside, posted = _in_sets(unit_id, ente_id)
    in_it = Q(objective_id__in=inside) | (~Q(objective_id__in=named) & Q(responsible_id__in=posted))
    return ~in_it if unit_id == NO_KEY else in_it


def objective_in_dipartimento_q(unit_id: int, ente_id: int | None = None) -> Q:
    """SQL twin of `unit_id in {u.pk for u in objective_dipartimenti(objective)}` (NO_KEY:
    the objective is in none)."""
    named, inside, posted = _in_sets(unit_id, ente_id)
    shared = Objective.assignees.through.objects
    responsible_posted = Q(pk__in=shared.filter(person_id__in=posted).values("objective_id")) | (
        ~Q(pk__in=shared.values("objective_id"))
        & (Q(dirigente_id__in=posted) | Q(dirigente__isnull=True, eq_id__in=posted))
    )
    in_it = Q(pk__in=inside) | (~Q(pk__in=named) & responsible_posted)
    return ~in_it if unit_id == NO_KEY else in_it


def _report_in(objective_ref: OuterRef, responsible_ref: OuterRef, dipartimento_ref: OuterRef) -> Q:
    """The correlated form of `progress_in_dipartimento_q`, for one report and one dipartimento
    given as references to an outer query."""
    links = Objective.org_units.through.objects.filter(objective_id=objective_ref)
    inside = links.filter(unit_in_dipartimento_q(dipartimento_ref, "orgunit__"))
    posted = Assignment.objects.filter(person_id=responsible_ref).filter(
        unit_in_dipartimento_q(dipartimento_ref, "unit__")
    )
    return Q(Exists(inside)) | (~Q(Exists(links)) & Q(Exists(posted)))


def with_dipartimento(reports: QuerySet[Progress]) -> QuerySet[Progress]:
    """SQL twin of `progress_dipartimenti` for aggregates: each report once per dipartimento of
    its ente it counts in, annotated `dipartimento` (the unit's id); reports in none are left
    out (`progress_in_dipartimento_q(NO_KEY)` selects those)."""
    return (
        reports.annotate(
            _dipartimento=FilteredRelation(
                "ente__orgunit", condition=Q(ente__orgunit__kind=DIPARTIMENTO)
            )
        )
        .annotate(dipartimento=F("_dipartimento__id"))
        .filter(
            _report_in(
                OuterRef("objective_id"), OuterRef("responsible_id"), OuterRef("dipartimento")
            )
        )
    )


def first_dipartimento_sql() -> Subquery:
    """SQL twin of the first (by code) of `progress_dipartimenti(progress)`, or NULL."""
    report = OuterRef(OuterRef("objective_id")), OuterRef(OuterRef("responsible_id"))
    return Subquery(
        OrgUnit.objects.filter(ente_id=OuterRef("ente_id"), kind=DIPARTIMENTO)
        .filter(_report_in(*report, OuterRef("pk")))
        .order_by("code", "name", "pk")
        .values("pk")[:1]
    )
