"""The DUP taxonomy: missions and their programmes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
