"""Monitoring periods and what is reported in them: progress, measurements, events, evidence."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from objectives.models.fields import PERCENT_MAX_DIGITS, _nonnegative, _related
from objectives.models.objective import Indicator, Objective
from objectives.models.plan import Plan
from organisation.models import Ente, Person


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

    history = HistoricalRecords()

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
