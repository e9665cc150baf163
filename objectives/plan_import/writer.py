"""Write a checked plan document: create the plan or update it, matching objectives by code.

Rows are matched to what exists (objectives by code, indicators by position, targets by year)
and updated in place, so that the progress and measurements recorded against them survive a
re-import; a row whose values did not change is not written and gets no history record.
Writes go in batches, with one history record per row written.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from objectives.models import Indicator, Objective, Plan, Target
from objectives.plan_import.errors import PlanImportError
from organisation.models import Assignment, Ente, OrgUnit, Person

OBJECTIVE_FIELDS = [
    "title",
    "description",
    "kind",
    "section",
    "programma",
    "dup_text",
    "dup_warning",
    "staff",
    "weight",
    "weight_text",
    "expected_result",
    "deadline_text",
    "deadline",
    "notes",
]
# Foreign keys: compared by id, so that no related row is fetched.
OBJECTIVE_KEYS = ["ente", "plan", "parent", "programma", "dirigente", "eq"]
OBJECTIVE_LINKS = {"org_units": "orgunit_id", "assignees": "person_id"}
INDICATOR_FIELDS = [
    "order",
    "description",
    "kind",
    "unit",
    "direction",
    "weight",
    "baseline_value",
    "baseline_year",
    "baseline_text",
]
TARGET_FIELDS = ["year", "comparator", "value", "date", "relative_to_year", "text"]


@dataclass
class ImportSummary:
    plan: Plan
    plan_created: bool
    objectives_created: int = 0
    objectives_updated: int = 0
    objectives_unchanged: int = 0
    indicators: int = 0
    targets: int = 0
    units: int = 0
    people: int = 0
    warnings: list[str] = field(default_factory=list)


def _assign(row: models.Model, values: dict[str, Any]) -> bool:
    """Set the values on the row; True when any of them differs from what it had."""
    changed = row.pk is None
    for name, value in values.items():
        if isinstance(value, models.Model) or value is None and name in OBJECTIVE_KEYS:
            current, new = getattr(row, f"{name}_id"), value.pk if value is not None else None
        else:
            current, new = getattr(row, name), value
        if current != new:
            changed = True
            setattr(row, name, value)
    return changed


class _Directory:
    """People and units of one ente, found or created once each during an import."""

    def __init__(self, ente: Ente, summary: ImportSummary) -> None:
        self.ente = ente
        self.summary = summary
        self.people = {p.full_name: p for p in Person.objects.filter(ente=ente)}
        self.units = {(u.kind, u.name, u.parent_id): u for u in OrgUnit.objects.filter(ente=ente)}

    def add_people(self, names) -> None:
        """Create in one batch the people of the file the ente does not have yet."""
        new = [
            Person(ente=self.ente, full_name=name)
            for name in dict.fromkeys(names)
            if name and name not in self.people
        ]
        for person in new:
            person.full_clean(exclude=["ente", "user"], validate_unique=False)
        for person in Person.objects.bulk_create(new, batch_size=500):
            self.people[person.full_name] = person
        self.summary.people += len(new)

    def person(self, name: str | None) -> Person | None:
        if not name:
            return None
        if name not in self.people:
            person = Person(ente=self.ente, full_name=name)
            person.full_clean()
            person.save()
            self.people[name] = person
            self.summary.people += 1
        return self.people[name]

    def find_unit(self, item: dict) -> OrgUnit:
        """A unit named without its place in the tree: the one of that kind and name."""
        for (kind, name, _parent_id), unit in self.units.items():
            if kind == item["kind"] and name == item["name"]:
                return unit
        return self.unit_path([item])[-1]

    def unit_path(self, path: list[dict]) -> list[OrgUnit]:
        """The units of a top-down path, each under the one before it."""
        units: list[OrgUnit] = []
        parent = None
        for item in path:
            key = (item["kind"], item["name"], parent.pk if parent else None)
            unit = self.units.get(key)
            if unit is None:
                unit = OrgUnit(
                    ente=self.ente,
                    parent=parent,
                    kind=item["kind"],
                    code=item["code"],
                    name=item["name"],
                )
                unit.full_clean()
                unit.save()
                self.units[key] = unit
                self.summary.units += 1
            elif item["code"] and not unit.code:
                unit.code = item["code"]
                unit.save(update_fields=["code"])
            units.append(unit)
            parent = unit
        return units


def _among(column: str, values: list) -> tuple[str, list]:
    """`column IN (...)`: one array parameter on PostgreSQL (psycopg parses every placeholder
    of a statement, and caches none of a long one), a placeholder per value elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _copy_to_history(
    model, pks: list[int], history_type: str, user, *, column: str | None = None
) -> None:
    """One history record per row, copied by the database from the rows just written.

    The same records simple-history makes (every tracked column, when, who, + or ~), written
    with one INSERT … SELECT per batch instead of a Python object per row. The rows are those
    whose primary key, or `column`, is in `pks`.
    """
    if not pks:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [field.column for field in model._meta.concrete_fields]
    history_columns = {field.column for field in history._meta.concrete_fields}
    assert set(columns) <= history_columns, "the history table must track every column"
    extra = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    target = ", ".join(quote(column) for column in [*columns, *extra])
    source = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 500):
            among, params = _among(quote(column or model._meta.pk.column), pks[start : start + 500])
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({target}) "
                f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {among}",
                [timezone.now(), history_type, user.pk if user else None, None, *params],
            )


def _copy_links_to_history(pks: list[int], after_record: int) -> None:
    """The units and assignees of the history records just written (those numbered after
    `after_record`), as simple-history keeps them: one INSERT … SELECT per batch."""
    quote = connection.ops.quote_name
    history = Objective.history.model
    with connection.cursor() as cursor:
        for name, attname in OBJECTIVE_LINKS.items():
            through = getattr(Objective, name).through
            m2m_history = history._meta.get_field(f"historicalobjective_{name}").related_model
            for start in range(0, len(pks), 500):
                among, params = _among("t.objective_id", pks[start : start + 500])
                cursor.execute(
                    f"INSERT INTO {quote(m2m_history._meta.db_table)} "
                    f"(id, objective_id, {quote(attname)}, history_id) "
                    f"SELECT t.id, t.objective_id, t.{quote(attname)}, h.history_id "
                    f"FROM {quote(through._meta.db_table)} t "
                    f"JOIN {quote(history._meta.db_table)} h ON h.id = t.objective_id "
                    f"WHERE h.history_id > %s AND {among}",
                    [after_record, *params],
                )


def _insert_plain(model, names: list[str], rows: list[tuple]) -> None:
    """Insert rows given as tuples of values, many rows per statement, without a model
    instance per row: for the many rows whose primary keys nobody needs (the targets of new
    indicators)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    # Only dates and decimals need the backend's adaptation; other values go as they are.
    adapt = [
        field if isinstance(field, models.DateField | models.DecimalField) else None
        for field in fields
    ]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)

    def prepared(batch: list[tuple]) -> list[list]:
        """The batch's values, column by column."""
        return [
            [value if field is None else field.get_db_prep_save(value, connection) for value in col]
            for field, col in zip(adapt, zip(*batch, strict=True), strict=True)
        ]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column, as Django's own bulk_create does there: a few parameters
            # per statement however many rows.
            types = [field.db_type(connection).split("(")[0] for field in fields]
            unnest = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
            for start in range(0, len(rows), 5000):
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({unnest})",
                    prepared(rows[start : start + 5000]),
                )
            return
        row_marks = f"({', '.join(['%s'] * len(fields))})"
        size = min(1000, connection.ops.bulk_batch_size(fields, rows))
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(batch))}",
                [value for row in zip(*prepared(batch), strict=True) for value in row],
            )


def _write_rows(model, new: list, changed: list, fields: list[str], user) -> None:
    """Create and update in batches, with one history record for each row written."""
    model.objects.bulk_create(new, batch_size=500)
    model.objects.bulk_update(changed, fields, batch_size=500)
    _copy_to_history(model, [row.pk for row in new], "+", user)
    _copy_to_history(model, [row.pk for row in changed], "~", user)


class _PlanWriter:
    def __init__(self, plan: Plan, summary: ImportSummary, directory: _Directory, user) -> None:
        self.plan = plan
        self.ente = plan.ente
        self.summary = summary
        self.directory = directory
        self.user = user

    # -- objectives ----------------------------------------------------------------------

    def objectives(self, documents: list[dict]) -> list[tuple[Objective, dict]]:
        existing = {o.code: o for o in Objective.objects.filter(plan=self.plan)}
        # The links as pairs of ids: a prefetch would make a queryset per objective.
        linked = {name: defaultdict(set) for name in OBJECTIVE_LINKS}
        if existing:
            for name, attname in OBJECTIVE_LINKS.items():
                through = getattr(Objective, name).through
                pairs = through.objects.filter(objective__plan=self.plan)
                for objective_id, item_id in pairs.values_list("objective_id", attname):
                    linked[name][objective_id].add(item_id)
        rows: list[tuple[Objective, dict]] = []
        for order, data in enumerate(documents, start=1):
            objective = existing.pop(data["code"], None) or Objective(
                ente=self.ente, plan=self.plan, code=data["code"]
            )
            links = {
                "org_units": self.directory.unit_path(data["org_units"]),
                "assignees": list(
                    dict.fromkeys(self.directory.person(name) for name in data["assignees"])
                ),
            }
            old_links = (
                {name: linked[name].get(objective.pk, set()) for name in links}
                if objective.pk
                else {}
            )
            values = {key: data[key] for key in OBJECTIVE_FIELDS} | {
                "order": order,
                "dirigente": self.directory.person(data["dirigente"]),
                "eq": self.directory.person(data["eq"]),
            }
            changed = _assign(objective, values) or any(
                {item.pk for item in items} != old_links.get(name) for name, items in links.items()
            )
            rows.append((objective, data | {"links": links, "changed": changed}))
        self._save_objectives(rows)
        if existing:
            self.summary.warnings.append(
                "Obiettivi del piano assenti dal file, lasciati invariati: "
                + ", ".join(sorted(existing))
            )
        return rows

    def _save_objectives(self, rows: list[tuple[Objective, dict]]) -> None:
        by_code = {objective.code: objective for objective, _data in rows}
        for objective, data in rows:
            parent = by_code[data["parent"]] if data["parent"] else None
            if objective.parent_id != (parent.pk if parent else None):
                objective.parent = parent
                data["changed"] = True
        new = [objective for objective, data in rows if objective.pk is None]
        changed = [o for o, data in rows if o.pk is not None and data["changed"]]
        self.summary.objectives_created += len(new)
        self.summary.objectives_updated += len(changed)
        self.summary.objectives_unchanged += len(rows) - len(new) - len(changed)

        # New objectives first without parents (a parent may be new too), then the parents.
        parents = {o: o.parent for o in new if o.parent_id or o.parent}
        for objective in parents:
            objective.parent = None
        Objective.objects.bulk_create(new, batch_size=500)
        for objective, parent in parents.items():
            objective.parent = parent
        fields = [*OBJECTIVE_FIELDS, "order", "dirigente", "eq", "parent"]
        Objective.objects.bulk_update([*parents, *changed], fields, batch_size=500)

        written = {objective.pk for objective in [*new, *changed]}
        for name, attname in OBJECTIVE_LINKS.items():
            through = getattr(Objective, name).through
            through.objects.filter(objective__in=changed).delete()
            through.objects.bulk_create(
                [
                    through(objective_id=objective.pk, **{attname: item.pk})
                    for objective, data in rows
                    if objective.pk in written
                    for item in data["links"][name]
                ],
                batch_size=1000,
            )
        last_record = Objective.history.aggregate(last=models.Max("history_id"))["last"] or 0
        _copy_to_history(Objective, [o.pk for o in new], "+", self.user)
        _copy_to_history(Objective, [o.pk for o in changed], "~", self.user)
        _copy_links_to_history(sorted(written), last_record)

    # -- indicators and targets ----------------------------------------------------------

    def indicators(self, rows: list[tuple[Objective, dict]]) -> None:
        existing: dict[int, list[Indicator]] = {}
        for indicator in Indicator.objects.filter(objective__plan=self.plan).order_by(
            "objective_id", "order", "id"
        ):
            existing.setdefault(indicator.objective_id, []).append(indicator)
        # Targets grouped here, not prefetched: a prefetch would make a queryset per indicator.
        self.existing_targets: dict[int, list[Target]] = defaultdict(list)
        if existing:
            for target in Target.objects.filter(indicator__objective__plan=self.plan).order_by(
                "indicator_id", "year", "id"
            ):
                self.existing_targets[target.indicator_id].append(target)

        indicator_rows: list[tuple[Indicator, dict]] = []
        surplus: list[int] = []
        for objective, data in rows:
            olds = existing.get(objective.pk, [])
            for order, i_data in enumerate(data["indicators"], start=1):
                indicator = olds[order - 1] if order <= len(olds) else Indicator(ente=self.ente)
                indicator.objective = objective  # the instance whose plan is already loaded
                values = {name: i_data[name] for name in INDICATOR_FIELDS[1:]} | {"order": order}
                created = indicator.pk is None
                changed = _assign(indicator, values)
                indicator_rows.append(
                    (indicator, i_data | {"changed": changed, "created": created})
                )
            surplus += [old.pk for old in olds[len(data["indicators"]) :]]
        Indicator.objects.filter(pk__in=surplus).delete()
        _write_rows(
            Indicator,
            [i for i, _d in indicator_rows if i.pk is None],
            [i for i, d in indicator_rows if i.pk is not None and d["changed"]],
            INDICATOR_FIELDS,
            self.user,
        )
        self.summary.indicators = len(indicator_rows)
        self._targets(indicator_rows)

    def _targets(self, indicator_rows: list[tuple[Indicator, dict]]) -> None:
        new: list[Target] = []
        changed: list[Target] = []
        surplus: list[int] = []
        # The targets of an indicator created just now are all new: plain rows, with their
        # history copied by indicator.
        plain: list[tuple] = []
        plain_indicators: list[int] = []
        for indicator, i_data in indicator_rows:
            if i_data["created"]:
                plain_indicators.append(indicator.pk)
                for t_data in i_data["targets"]:
                    plain.append(
                        (self.ente.pk, indicator.pk, *(t_data[name] for name in TARGET_FIELDS))
                    )
                self.summary.targets += len(i_data["targets"])
                continue
            by_year: dict[int, list[Target]] = {}
            for old in self.existing_targets.get(indicator.pk, []):
                by_year.setdefault(old.year, []).append(old)
            for t_data in i_data["targets"]:
                same_year = by_year.get(t_data["year"])
                target = same_year.pop(0) if same_year else Target(ente=self.ente)
                target.indicator = indicator
                if _assign(target, {name: t_data[name] for name in TARGET_FIELDS}):
                    (new if target.pk is None else changed).append(target)
                self.summary.targets += 1
            surplus += [old.pk for rest in by_year.values() for old in rest]
        Target.objects.filter(pk__in=surplus).delete()
        _insert_plain(Target, ["ente", "indicator", *TARGET_FIELDS], plain)
        _copy_to_history(Target, plain_indicators, "+", self.user, column="indicator_id")
        _write_rows(Target, new, changed, TARGET_FIELDS, self.user)

    # -- people --------------------------------------------------------------------------

    def people(self, documents: list[dict]) -> None:
        """The posts the file names (dirigente, EQ...), those the ente lacks added at once."""
        known = set(
            Assignment.objects.filter(ente=self.ente).values_list("person_id", "role", "unit_id")
        )
        new = []
        for data in documents:
            person = self.directory.person(data["name"])
            unit = self.directory.find_unit(data["unit"]) if data["unit"] else None
            key = (person.pk, data["role"], unit.pk if unit else None)
            if key not in known:
                known.add(key)
                new.append(Assignment(ente=self.ente, person=person, role=data["role"], unit=unit))
        Assignment.objects.bulk_create(new, batch_size=500)


def locked_plan_refusal(plan: Plan | None) -> str | None:
    """Why an import may not rewrite this plan (None: a draft, or no plan yet)."""
    if plan is None or plan.is_content_editable:
        return None
    if plan.status == Plan.Status.VALIDATO:
        return (
            f"Il piano «{plan.title}» è validato dal NdV: non si modifica più, "
            "nemmeno importando un file."
        )
    return (
        f"Il piano «{plan.title}» è {plan.get_status_display().lower()}: un piano approvato "
        "cambia solo con una variazione, non importando un file."
    )


def refuse_locked_plan(plan: Plan) -> None:
    """An import rewrites only a draft plan: an approved one changes through a variazione."""
    message = locked_plan_refusal(plan)
    if message:
        raise PlanImportError([message])


def write_plan_document(document: dict, *, acting_user=None) -> ImportSummary:
    """Write a document that `read_plan_document` accepted; call inside a transaction."""
    ente, _created = Ente.objects.get_or_create(
        slug=document["ente"]["slug"],
        defaults={
            "name": document["ente"]["name"] or document["ente"]["slug"],
            "istat_code": document["ente"]["istat"],
        },
    )
    plan_data = document["plan"]
    plan = Plan.objects.filter(ente=ente, title=plan_data["title"]).first()
    plan_created = plan is None
    if plan is not None:
        refuse_locked_plan(plan)
    else:
        # A plan is born a draft: its status changes only through the lifecycle services.
        plan = Plan(ente=ente, title=plan_data["title"], status=Plan.Status.BOZZA)
    fields = ("first_year", "last_year", "weight_mode", "weight_categories")
    # An unchanged plan is not saved: saving would add a record to its history.
    if plan_created or any(getattr(plan, key) != plan_data[key] for key in fields):
        for key in fields:
            setattr(plan, key, plan_data[key])
        plan.full_clean()
        plan._history_user = acting_user
        plan.save()
    summary = ImportSummary(plan=plan, plan_created=plan_created)
    directory = _Directory(ente, summary)
    directory.add_people(
        [
            *(
                name
                for o in document["objectives"]
                for name in (o["dirigente"], o["eq"], *o["assignees"])
            ),
            *(p["name"] for p in document["people"]),
        ]
    )
    writer = _PlanWriter(plan, summary, directory, acting_user)
    rows = writer.objectives(document["objectives"])
    writer.indicators(rows)
    writer.people(document["people"])
    return summary
