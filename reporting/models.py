"""What reporting stores of its own: the background export jobs and their files."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from objectives.models import MonitoringPeriod, Plan, Progress
from organisation.models import Ente, Person


def export_path(instance: "ExportJob", filename: str) -> str:
    # Served only through a view that checks the ente: the stored name is not guessable.
    return f"esportazioni/{instance.ente_id}/{uuid.uuid4().hex}/{filename}"


class ExportJob(models.Model):
    """A whole-plan export: a background task rendered in a process of its own, with its progress,
    its attempts and its file.

    The task (django-tasks) runs it; what the library does not know lives here: the progress, the
    cancellation, the attempts after a crash, the heartbeat, and the request's key that merges
    identical requests (one active job per key, enforced by the database)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Tabelle del piano")
        RELAZIONE = "relazione", _("Relazione sulla performance")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF (A4 orizzontale)")
        PDF_A3 = "pdf_a3", _("PDF (A3 orizzontale)")
        XLSX = "xlsx", _("XLSX")
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In preparazione")
        DONE = "done", _("Pronto")
        FAILED = "failed", _("Non riuscito")
        CANCELLED = "cancelled", _("Annullato")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("piano")
    )
    kind = models.CharField(_("documento"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("formato"), max_length=10, choices=Format.choices)
    filters = models.JSONField(_("filtri"), default=dict, blank=True)
    year = models.PositiveSmallIntegerField(_("anno"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("richiesto da"),
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento %"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=300, blank=True)
    file_name = models.CharField(_("nome del file"), max_length=200, blank=True)
    pages = models.PositiveIntegerField(_("pagine"), null=True, blank=True)
    error = models.TextField(_("errore"), blank=True)
    request_key = models.CharField(
        _("chiave della richiesta"),
        max_length=64,
        blank=True,
        help_text=_(
            "Piano, documento, parametri e versione dei dati: richieste uguali si uniscono."
        ),
    )
    task_id = models.CharField(_("attività in coda"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    heartbeat_at = models.DateTimeField(_("ultimo segnale del worker"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annullata da"),
    )
    created_at = models.DateTimeField(_("richiesto il"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finito il"), null=True, blank=True)

    class Meta:
        verbose_name = _("esportazione")
        verbose_name_plural = _("esportazioni")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ente", "-created_at"], name="exportjob_ente_created"),
            models.Index(fields=["status", "ente"], name="exportjob_status_ente"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="exportjob_progress_percent"
            ),
            # Identical requests are merged: one queued or running job per request key.
            models.UniqueConstraint(
                fields=["ente", "request_key"],
                condition=models.Q(status__in=["queued", "running"]) & ~models.Q(request_key=""),
                name="exportjob_one_active_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_format_display()} · {self.plan.title}"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.ACTIVE

    def may_cancel(self, user) -> bool:
        """The person who asked for it, or the ente's controllo di gestione, while it is active."""
        from objectives.permissions import role_in
        from organisation.models import Membership

        if self.is_finished or not user.is_authenticated:
            return False
        if self.requested_by_id is not None and self.requested_by_id == user.pk:
            return True
        return role_in(user, self.ente_id) == Membership.Role.CONTROLLO


class ValidationStatement(models.Model):
    """The NdV's validation of the Relazione sulla performance of one year of a plan."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="validations", verbose_name=_("piano")
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    statement = models.TextField(_("documento di validazione"))
    validated_on = models.DateField(_("data della validazione"))
    signatories = models.TextField(
        _("firmatari"), help_text=_("Un nome per riga, con il ruolo nel Nucleo di Valutazione.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    recorded_at = models.DateTimeField(_("registrata il"))

    class Meta:
        verbose_name = _("validazione della Relazione")
        verbose_name_plural = _("validazioni della Relazione")
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "plan", "year"],
                name="validation_statement_unique_per_year",
                violation_error_message=_("La Relazione di quest'anno è già validata."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.title} · {self.year}"

    @property
    def signatory_list(self) -> list[str]:
        return [line.strip() for line in self.signatories.splitlines() if line.strip()]


class FrozenResult(models.Model):
    """A report's figures as they stood when the NdV validated its year: stored once, then read
    instead of computed (reporting.scoring coalesces them over the computed ones)."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    period = models.ForeignKey(
        MonitoringPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("periodo")
    )
    progress = models.OneToOneField(
        Progress, on_delete=models.CASCADE, related_name="frozen", verbose_name=_("avanzamento")
    )
    achievement = models.FloatField(_("raggiungimento %"), null=True, blank=True)
    # NULL, not "": the SQL coalesces it over the computed source.
    source = models.CharField(_("fonte"), max_length=20, null=True, blank=True)  # noqa: DJ001
    capped = models.FloatField(_("raggiungimento con tetto %"), null=True, blank=True)
    score = models.FloatField(_("punteggio %"), null=True, blank=True)
    band_label = models.CharField(_("fascia"), max_length=200, blank=True)
    frozen_at = models.DateTimeField(_("registrato il"))

    class Meta:
        verbose_name = _("risultato definitivo")
        verbose_name_plural = _("risultati definitivi")
        indexes = [models.Index(fields=["ente", "period"], name="frozenresult_ente_period")]

    def __str__(self) -> str:
        return f"{self.progress_id} · {self.score}"


class FrozenScore(models.Model):
    """A weight group's score and pay band (or, without a person, the ente's score) in a period
    of a year the NdV validated, as stored at the validation."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    period = models.ForeignKey(
        MonitoringPeriod, on_delete=models.CASCADE, related_name="+", verbose_name=_("periodo")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsabile"),
    )
    section = models.CharField(_("sezione"), max_length=20, blank=True)
    score = models.DecimalField(
        _("punteggio %"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    pay_band = models.CharField(_("fascia della retribuzione di risultato"), max_length=200)
    frozen_at = models.DateTimeField(_("registrato il"))

    class Meta:
        verbose_name = _("punteggio definitivo")
        verbose_name_plural = _("punteggi definitivi")
        indexes = [models.Index(fields=["ente", "period"], name="frozenscore_ente_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "period", "person", "section"],
                name="frozenscore_unique_per_group",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id or 'ente'} · {self.section} · {self.score}"
