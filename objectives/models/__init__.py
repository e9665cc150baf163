"""The plan: DUP taxonomy, objectives, indicators, targets, monitoring periods and progress."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from objectives.scoring_rules import default_scoring_rules, validate_scoring_rules
from organisation.models import Ente, OrgUnit, Person

PERCENT_MAX_DIGITS = 7


def _related(instance, name: str):
    """A related object, also an unsaved one set on the instance (as inline forms do), or None."""
    if instance is None:
        return None
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


class Missione(models.Model):
    """A mission of the national classification (D.Lgs. 118/2011, Allegato 14)."""

    code = models.CharField(_("codice"), max_length=2, unique=True)
    name = models.CharField(_("nome"), max_length=200)

    class Meta:
        verbose_name = _("missione")
        verbose_name_plural = _("missioni")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programma(models.Model):
    """A programme within a mission ("01.02 Segreteria generale"), shared by all entes."""

    missione = models.ForeignKey(
        Missione, on_delete=models.PROTECT, related_name="programmi", verbose_name=_("missione")
    )
    code = models.CharField(_("codice"), max_length=5, unique=True)
    name = models.CharField(_("nome"), max_length=300)
    regions_only = models.BooleanField(
        _("solo per le Regioni"),
        default=False,
        help_text=_("Programmi della politica regionale unitaria, non usati dai comuni."),
    )

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Plan(models.Model):
    """A performance plan of an ente (PIAO section 2.2 / PEG) over a span of years."""

    class Status(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        APPROVATO = "approvato", _("Approvato")
        IN_MONITORAGGIO = "in_monitoraggio", _("In monitoraggio")
        CHIUSO = "chiuso", _("Chiuso")
        VALIDATO = "validato", _("Validato")

    class WeightMode(models.TextChoices):
        PERCENT = "percent", _("Percentuali: ogni gruppo somma 100%")
        POINTS = "points", _("Punti o categorie: quota proporzionale")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    title = models.CharField(_("titolo"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("primo anno"))
    last_year = models.PositiveSmallIntegerField(_("ultimo anno"))
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.BOZZA
    )
    approval_act_number = models.CharField(_("delibera n."), max_length=50, blank=True)
    approval_act_date = models.DateField(_("delibera del"), null=True, blank=True)
    weight_mode = models.CharField(
        _("tipo di pesi"), max_length=10, choices=WeightMode.choices, default=WeightMode.PERCENT
    )
    achievement_cap = models.DecimalField(
        _("tetto del raggiungimento %"),
        max_digits=PERCENT_MAX_DIGITS,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Di norma 100: il superamento del target non è premiato (regole SMVP)."),
    )
    weight_categories = models.JSONField(
        _("punti per categoria di peso"),
        default=dict,
        blank=True,
        help_text=_(
            'Per esempio {"1": 1, "2": 2}: la categoria "2 - rilevante strategico" vale 2.'
        ),
    )
    scoring_rules = models.JSONField(
        _("regole di punteggio (SMVP)"),
        default=default_scoring_rules,
        blank=True,
        validators=[validate_scoring_rules],
        help_text=_(
            "Fasce di raggiungimento, soglia di rischio, prerequisiti, fasce della retribuzione "
            "di risultato: vedi objectives/scoring_rules.py."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("piano")
        verbose_name_plural = _("piani")
        ordering = ["ente", "-first_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "title"],
                name="plan_unique_title_per_ente",
                violation_error_message=_("L'ente ha già un piano con questo titolo."),
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")) & Q(last_year__lte=F("first_year") + 9),
                name="plan_years_ordered",
                violation_error_message=_(
                    "L'ultimo anno deve seguire il primo, per non più di dieci anni."
                ),
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=2000) & Q(first_year__lte=2100),
                name="plan_first_year_plausible",
                violation_error_message=_("Il primo anno deve essere tra il 2000 e il 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.ente}"

    def clean(self) -> None:
        if self.scoring_rules is None:  # an emptied field in a form: back to the defaults
            self.scoring_rules = default_scoring_rules()
        if self.first_year and self.last_year and not 0 <= self.last_year - self.first_year <= 9:
            raise ValidationError(
                {"last_year": _("L'ultimo anno deve seguire il primo, per non più di dieci anni.")}
            )
        if self.pk and self.first_year and self.last_year:
            outside = _target_years_outside(
                Target.objects.filter(ente_id=self.ente_id, indicator__objective__plan_id=self.pk),
                self,
            )
            if outside:
                raise ValidationError(
                    _(
                        "Il piano ha target negli anni %(years)s: gli anni %(first)s-%(last)s "
                        "non li coprono. Modifica prima quei target."
                    )
                    % {"years": outside, "first": self.first_year, "last": self.last_year}
                )

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def weights_must_total_100(self) -> bool:
        return self.weight_mode == self.WeightMode.PERCENT

    @property
    def is_content_editable(self) -> bool:
        """Objectives, indicators, targets and weights change only while the plan is a draft:
        an approved plan changes through a variazione, a validated one never."""
        return self.status == self.Status.BOZZA

    @property
    def accepts_periods(self) -> bool:
        """A monitoring period opens only on an approved plan, or one already monitored."""
        return self.status in (self.Status.APPROVATO, self.Status.IN_MONITORAGGIO)


def _target_years_outside(targets: models.QuerySet, plan: Plan) -> str:
    """The years of `targets` outside the plan's, as text ("2023, 2027"); empty when none (one
    query). Guards what a check constraint cannot see: the plan's row."""
    years = (
        targets.exclude(year__range=(plan.first_year, plan.last_year))
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    return ", ".join(str(year) for year in years)


def _nonnegative(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
        name=f"%(class)s_{name}_nonnegative",
        violation_error_message=_("Il valore non può essere negativo."),
    )


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


class MonitoringPeriod(models.Model):
    """A monitoring date of a plan (30/06, 31/12) during which progress is reported."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="periods", verbose_name=_("piano")
    )
    name = models.CharField(_("nome"), max_length=100)
    reference_date = models.DateField(_("data di riferimento"))
    due_date = models.DateField(_("scadenza per l'invio"), null=True, blank=True)
    is_open = models.BooleanField(_("aperto"), default=False)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    rules = models.JSONField(
        _("regole in vigore alla chiusura"),
        null=True,
        blank=True,
        help_text=_(
            "Regole di punteggio, tetto e categorie di peso del piano registrate alla chiusura: "
            "le cifre del periodo si calcolano con queste."
        ),
    )
    frozen_at = models.DateTimeField(
        _("anno validato dal NdV il"),
        null=True,
        blank=True,
        help_text=_("Da allora risultati, punteggi e fasce del periodo sono definitivi."),
    )

    class Meta:
        verbose_name = _("periodo di monitoraggio")
        verbose_name_plural = _("periodi di monitoraggio")
        ordering = ["plan", "reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "plan", "name"],
                name="period_unique_name_per_plan",
                violation_error_message=_("Il piano ha già un periodo con questo nome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.plan.title}"

    @property
    def is_frozen(self) -> bool:
        """The NdV validated the period's year: its figures are stored and never move."""
        return self.frozen_at is not None

    def clean(self) -> None:
        if self.plan_id:
            self.ente_id = self.plan.ente_id
            if self.reference_date and self.reference_date.year not in self.plan.years:
                raise ValidationError(
                    {"reference_date": _("La data di riferimento è fuori dagli anni del piano.")}
                )


def _percent_field(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=PERCENT_MAX_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )


def _actor_field(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class Progress(models.Model):
    """One responsible's report on one objective for one monitoring period."""

    class Status(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        INVIATO = "inviato", _("Inviato")
        VERIFICATO = "verificato", _("Verificato")
        VALIDATO = "validato", _("Validato")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="progress", verbose_name=_("obiettivo")
    )
    responsible = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="progress", verbose_name=_("responsabile")
    )
    period = models.ForeignKey(
        MonitoringPeriod,
        on_delete=models.PROTECT,
        related_name="progress",
        verbose_name=_("periodo"),
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.BOZZA
    )
    computed_achievement = _percent_field(_("raggiungimento calcolato %"))
    declared_achievement = _percent_field(_("raggiungimento dichiarato %"))
    justification = models.TextField(_("motivazione del dichiarato"), blank=True)
    responsible_notes = models.TextField(_("note del responsabile"), blank=True)
    return_note = models.TextField(_("nota di restituzione"), blank=True)
    validated_achievement = _percent_field(_("raggiungimento validato NdV %"))
    validation_reason = models.TextField(_("motivazione NdV"), blank=True)
    ndv_notes = models.TextField(_("note NdV"), blank=True)
    submitted_by = _actor_field(_("inviato da"))
    submitted_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    reviewed_by = _actor_field(_("verificato da"))
    reviewed_at = models.DateTimeField(_("verificato il"), null=True, blank=True)
    validated_by = _actor_field(_("validato da"))
    validated_at = models.DateTimeField(_("validato il"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("presa visione il"), null=True, blank=True)
    excluded_reason = models.TextField(_("motivo dell'esclusione (NdV)"), blank=True)
    excluded_by = _actor_field(_("escluso da"))
    excluded_at = models.DateTimeField(_("escluso dalla valutazione il"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versione"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avanzamento")
        verbose_name_plural = _("avanzamenti")
        ordering = ["period", "objective", "responsible"]
        indexes = [
            models.Index(fields=["ente", "period", "status"], name="progress_ente_period_status"),
            models.Index(
                fields=["ente", "responsible", "period"], name="progress_ente_responsible"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "objective", "responsible", "period"],
                name="progress_unique_per_responsible_period",
                violation_error_message=_(
                    "Esiste già un avanzamento di questo responsabile per l'obiettivo e il periodo."
                ),
            ),
            _nonnegative("computed_achievement"),
            _nonnegative("declared_achievement"),
            _nonnegative("validated_achievement"),
        ]

    def __str__(self) -> str:
        return f"{self.objective.code} · {self.responsible} · {self.period.name}"

    def clean(self) -> None:
        plan = _related(_related(self, "objective"), "plan")
        if plan is not None:
            self.ente_id = plan.ente_id
            if self.period_id and self.period.plan_id != self.objective.plan_id:
                raise ValidationError({"period": _("Il periodo è di un altro piano.")})

    @property
    def is_excluded(self) -> bool:
        """The NdV left the report out of the evaluation, with a reason: it scores nothing."""
        return self.excluded_at is not None


class Measurement(models.Model):
    """The value measured for one indicator in one progress report."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    progress = models.ForeignKey(
        Progress,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("avanzamento"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicatore"),
    )
    value_number = models.DecimalField(
        _("valore numerico"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    value_date = models.DateField(_("data"), null=True, blank=True)
    value_bool = models.BooleanField(_("realizzato"), null=True, blank=True)
    value_text = models.TextField(_("valore descrittivo"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("misurazione")
        verbose_name_plural = _("misurazioni")
        indexes = [models.Index(fields=["ente", "progress"], name="measurement_ente_progress")]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "progress", "indicator"],
                name="measurement_unique_per_indicator",
                violation_error_message=_(
                    "L'indicatore ha già una misurazione in questo avanzamento."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} = {self.value_number or self.value_date or self.value_text}"


class ProgressEvent(models.Model):
    """The audit trail of a progress report: every save and transition, who, when and what."""

    class Action(models.TextChoices):
        SAVE = "save", _("Salvataggio bozza")
        SUBMIT = "submit", _("Invio")
        RETURN = "return", _("Restituzione")
        VERIFY = "verify", _("Verifica")
        VALIDATE = "validate", _("Validazione NdV")
        REOPEN = "reopen", _("Riapertura NdV")
        EXCLUDE = "exclude", _("Esclusione dalla valutazione (NdV)")
        ACKNOWLEDGE = "acknowledge", _("Presa visione")
        EVIDENCE_ADD = "evidence_add", _("Evidenza aggiunta")
        EVIDENCE_REMOVE = "evidence_remove", _("Evidenza rimossa")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    progress = models.ForeignKey(
        Progress, on_delete=models.CASCADE, related_name="events", verbose_name=_("avanzamento")
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("da stato"), max_length=20, choices=Progress.Status.choices)
    to_status = models.CharField(_("a stato"), max_length=20, choices=Progress.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("autore"),
    )
    at = models.DateTimeField(_("quando"))
    version = models.PositiveIntegerField(_("versione risultante"))
    note = models.TextField(_("nota"), blank=True)
    changes = models.JSONField(_("modifiche"), default=dict, blank=True)

    class Meta:
        verbose_name = _("evento dell'avanzamento")
        verbose_name_plural = _("eventi degli avanzamenti")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ente", "progress", "at"], name="event_ente_progress_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%d/%m/%Y %H:%M}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is not the user's: it is served only through a view that checks access.
    return f"evidenze/{instance.ente_id}/{instance.progress_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file a responsible attaches to a progress report to prove a result."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    progress = models.ForeignKey(
        Progress, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("avanzamento")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"))

    class Meta:
        verbose_name = _("evidenza")
        verbose_name_plural = _("evidenze")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["ente", "progress"], name="evidence_ente_progress")]

    def __str__(self) -> str:
        return self.original_name


class ImportRecord(models.Model):
    """One import of a plan from a file, accepted or refused: who, when, which file, outcome."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Importato")
        REFUSED = "refused", _("Rifiutato")
        DRY_RUN = "dry_run", _("Verificato senza salvare")

    class Source(models.TextChoices):
        WEB = "web", _("Pagina di importazione")
        COMMAND = "command", _("Comando import_plan")

    ente = models.ForeignKey(
        Ente, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("ente")
    )
    ente_slug = models.CharField(_("sigla dell'ente indicata"), max_length=80, blank=True)
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("piano"),
    )
    plan_title = models.CharField(_("titolo del piano indicato"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    file_name = models.CharField(_("nome del file"), max_length=255)
    file_format = models.CharField(_("formato"), max_length=10, blank=True)
    file_size = models.PositiveIntegerField(_("dimensione (byte)"), default=0)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices)
    rows = models.PositiveIntegerField(_("righe lette"), default=0)
    objectives = models.PositiveIntegerField(_("obiettivi"), default=0)
    indicators = models.PositiveIntegerField(_("indicatori"), default=0)
    targets = models.PositiveIntegerField(_("target"), default=0)
    units = models.PositiveIntegerField(_("unità nuove"), default=0)
    people = models.PositiveIntegerField(_("persone nuove"), default=0)
    errors = models.PositiveIntegerField(_("errori"), default=0)
    warnings = models.PositiveIntegerField(_("avvisi"), default=0)
    messages = models.JSONField(_("messaggi (i primi 200)"), default=list, blank=True)

    class Meta:
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ente", "-created_at"], name="importrecord_ente_created")]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_outcome_display()} · {self.created_at:%d/%m/%Y %H:%M}"
