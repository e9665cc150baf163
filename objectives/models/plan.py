"""The plan and its life (bozza, approvato, in monitoraggio, chiuso, validato)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from objectives.models.fields import PERCENT_MAX_DIGITS
from objectives.scoring_rules import default_scoring_rules, validate_scoring_rules
from organisation.models import Ente


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
            "di risultato. Si modificano più comodamente da Cruscotto → Regole di punteggio."
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
            from objectives.models.objective import Target

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
