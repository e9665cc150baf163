"""Objectives, their indicators and their yearly targets."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from objectives.models.dup import Programma
from objectives.models.fields import PERCENT_MAX_DIGITS, _nonnegative, _related
from objectives.models.plan import Plan, _target_years_outside
from organisation.models import Ente, OrgUnit, Person


class Objective(models.Model):
    """An objective of the plan, with its responsible, DUP programme and weight."""

    class Kind(models.TextChoices):
        STRATEGICO = "strategico", _("Strategico")
        OPERATIVO = "operativo", _("Operativo")
        TRASVERSALE = "trasversale", _("Trasversale")

    class Section(models.TextChoices):
        SPECIFICI = "specifici", _("Obiettivi specifici / di PEG")
        ORGANIZZATIVA = "organizzativa", _("Performance organizzativa")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("piano")
    )
    code = models.CharField(_("codice"), max_length=30)
    title = models.TextField(_("finalità / titolo"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.OPERATIVO)
    section = models.CharField(
        _("sezione"), max_length=20, choices=Section.choices, default=Section.SPECIFICI
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("obiettivo strategico di riferimento"),
    )
    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("programma DUP"),
    )
    dup_text = models.TextField(_("riferimento DUP come scritto"), blank=True)
    dup_warning = models.TextField(_("avviso sul riferimento DUP"), blank=True)
    org_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="objectives", verbose_name=_("unità organizzative")
    )
    dirigente = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives_as_dirigente",
        verbose_name=_("dirigente / responsabile"),
    )
    eq = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives_as_eq",
        verbose_name=_("EQ"),
    )
    assignees = models.ManyToManyField(
        Person,
        blank=True,
        related_name="cross_cutting_objectives",
        verbose_name=_("assegnatari (obiettivi trasversali)"),
    )
    staff = models.TextField(_("personale coinvolto"), blank=True)
    weight = models.DecimalField(
        _("peso"),
        max_digits=PERCENT_MAX_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "Punti: la percentuale (5 per 5%) o i punti della categoria. "
            "Vuoto per i prerequisiti (X)."
        ),
    )
    weight_text = models.CharField(_("peso come scritto"), max_length=100, blank=True)
    expected_result = models.TextField(_("risultato atteso"), blank=True)
    deadline_text = models.CharField(_("tempi come scritti"), max_length=300, blank=True)
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    history = HistoricalRecords(m2m_fields=[org_units, assignees])

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["plan", "order", "id"]
        indexes = [
            models.Index(fields=["ente", "plan", "order"], name="objective_ente_plan_order"),
            models.Index(fields=["ente", "dirigente"], name="objective_ente_dirigente"),
            models.Index(fields=["ente", "eq"], name="objective_ente_eq"),
            models.Index(fields=["ente", "programma"], name="objective_ente_programma"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "plan", "code"],
                name="objective_unique_code_per_plan",
                violation_error_message=_("Nel piano esiste già un obiettivo con questo codice."),
            ),
            _nonnegative("weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"

    def clean(self) -> None:
        plan = _related(self, "plan")
        if plan is not None:
            self.ente_id = plan.ente_id
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("L'obiettivo di riferimento è di un altro piano.")})
        for field in ("dirigente", "eq"):
            person = getattr(self, field)
            if person is not None and person.ente_id != self.ente_id:
                raise ValidationError({field: _("La persona appartiene a un altro ente.")})
        if self.pk and plan is not None:  # moved to another plan: its targets must still fit
            targets = Target.objects.filter(ente_id=self.ente_id, indicator__objective_id=self.pk)
            if outside := _target_years_outside(targets, plan):
                raise ValidationError(
                    {
                        "plan": _("I target dell'obiettivo (%(years)s) sono fuori dal piano.")
                        % {"years": outside}
                    }
                )

    @property
    def responsible(self) -> Person | None:
        """Who answers for the objective when it is not cross-cutting."""
        return self.dirigente or self.eq

    @property
    def is_prerequisite(self) -> bool:
        """A weightless pre-requisite ("X"): the rule and its SQL twin are in objectives.rules."""
        from objectives.rules import is_prerequisite

        return is_prerequisite(self.weight, self.weight_text)


class Indicator(models.Model):
    """How an objective is measured, with its baseline."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("Numero")
        PERCENTAGE = "percentage", _("Percentuale")
        RATIO = "ratio", _("Rapporto")
        DEADLINE = "deadline", _("Scadenza")
        YES_NO = "yes_no", _("Sì/No")
        QUALITATIVE = "qualitative", _("Qualitativo")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Più alto è meglio")
        DECREASE = "decrease", _("Più basso è meglio")
        KEEP = "keep", _("Mantenimento")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("obiettivo")
    )
    order = models.PositiveIntegerField(_("ordine"), default=0)
    description = models.TextField(_("indicatore"), blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.NUMBER)
    unit = models.CharField(_("unità di misura"), max_length=50, blank=True)
    direction = models.CharField(
        _("verso"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    weight = models.DecimalField(
        _("peso nell'obiettivo"),
        max_digits=PERCENT_MAX_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    baseline_value = models.DecimalField(
        _("baseline: valore"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline: anno"), null=True, blank=True)
    baseline_text = models.TextField(_("baseline come scritta"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["objective", "order", "id"]
        indexes = [
            models.Index(fields=["ente", "objective", "order"], name="indicator_ente_objective"),
        ]
        constraints = [_nonnegative("weight")]

    def __str__(self) -> str:
        return self.description[:100]

    def clean(self) -> None:
        plan = _related(_related(self, "objective"), "plan")
        if plan is not None:
            self.ente_id = plan.ente_id
            if self.pk:  # moved to another objective: its targets must fit that plan
                targets = Target.objects.filter(ente_id=self.ente_id, indicator_id=self.pk)
                if outside := _target_years_outside(targets, plan):
                    raise ValidationError(
                        {
                            "objective": _(
                                "I target dell'indicatore (%(years)s) sono fuori dal piano."
                            )
                            % {"years": outside}
                        }
                    )


class Target(models.Model):
    """The value an indicator must reach in one year of the plan."""

    class Comparator(models.TextChoices):
        EQ = "=", _("uguale a")
        GE = ">=", _("almeno")
        LE = "<=", _("al massimo")
        GT = ">", _("più di")
        LT = "<", _("meno di")
        BY_DATE = "by_date", _("entro la data")
        YES = "yes", _("realizzato (sì/no)")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicatore")
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    comparator = models.CharField(
        _("confronto"), max_length=10, choices=Comparator.choices, default=Comparator.GE
    )
    value = models.DecimalField(_("valore"), max_digits=20, decimal_places=4, null=True, blank=True)
    date = models.DateField(_("data"), null=True, blank=True)
    relative_to_year = models.PositiveSmallIntegerField(
        _("rispetto al valore dell'anno"),
        null=True,
        blank=True,
        help_text=_('Per target come "maggiore 2022": il valore effettivo di quell\'anno.'),
    )
    text = models.TextField(_("target come scritto"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        ordering = ["indicator", "year", "id"]
        indexes = [
            models.Index(fields=["ente", "indicator", "year"], name="target_ente_indicator_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(comparator="by_date") | Q(date__isnull=False) | ~Q(text=""),
                name="target_by_date_has_date_or_text",
                violation_error_message=_("Un target a scadenza richiede la data o il testo."),
            ),
            # Within any plan's span (2000 to 2100 + 9), whatever the plan.
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2109),
                name="target_year_plausible",
                violation_error_message=_("L'anno del target deve essere tra il 2000 e il 2109."),
            ),
            models.CheckConstraint(
                condition=Q(relative_to_year__isnull=True) | Q(relative_to_year__lte=F("year")),
                name="target_relative_year_not_after_year",
                violation_error_message=_(
                    "L'anno di riferimento non può seguire l'anno del target."
                ),
            ),
        ]
        # The target's year must lie within its plan's years: a check constraint cannot see the
        # plan's row, so Target.clean, Plan.clean, Objective.clean and the importer check it.

    def __str__(self) -> str:
        return f"{self.year}: {self.text or self.value}"

    def clean(self) -> None:
        plan = _related(_related(_related(self, "indicator"), "objective"), "plan")
        if plan is None:
            return
        self.ente_id = plan.ente_id
        if self.year is not None and self.year not in plan.years:
            raise ValidationError(
                {
                    "year": _("L'anno %(year)s è fuori dal piano (%(first)s-%(last)s).")
                    % {"year": self.year, "first": plan.first_year, "last": plan.last_year}
                }
            )
        if self.relative_to_year is not None and self.relative_to_year > self.year:
            raise ValidationError(
                {"relative_to_year": _("L'anno di riferimento non può seguire l'anno del target.")}
            )
