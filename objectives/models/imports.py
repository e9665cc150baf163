"""The record of each import of a plan from a file."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from objectives.models.plan import Plan
from organisation.models import Ente


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
