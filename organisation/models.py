"""The ente and its organisation: units, people, their posts, and users' membership."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Ente(models.Model):
    """A comune or Unione di comuni: the tenant every other row belongs to."""

    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("sigla"), max_length=80, unique=True)
    istat_code = models.CharField(_("codice ISTAT"), max_length=6, blank=True)
    ipa_code = models.CharField(_("codice IPA"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("ente")
        verbose_name_plural = _("enti")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A dipartimento/area, servizio or ufficio; a rename is a new unit, old plans keep theirs."""

    class Kind(models.TextChoices):
        DIPARTIMENTO = "dipartimento", _("Dipartimento / Area")
        SERVIZIO = "servizio", _("Servizio")
        UFFICIO = "ufficio", _("Ufficio")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("unità superiore"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("codice"), max_length=30, blank=True)
    name = models.CharField(_("nome"), max_length=300)
    valid_from_year = models.PositiveSmallIntegerField(_("valida dall'anno"), null=True, blank=True)
    valid_to_year = models.PositiveSmallIntegerField(
        _("valida fino all'anno"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("unità organizzativa")
        verbose_name_plural = _("unità organizzative")
        ordering = ["ente", "code", "name"]
        indexes = [models.Index(fields=["ente", "kind", "name"], name="orgunit_ente_kind_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True)
                | Q(valid_from_year__isnull=True)
                | Q(valid_to_year__gte=F("valid_from_year")),
                name="orgunit_validity_ordered",
                violation_error_message=_("L'anno di fine validità precede quello di inizio."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        if self.parent_id and self.ente_id and self.parent.ente_id != self.ente_id:
            raise ValidationError({"parent": _("L'unità superiore appartiene a un altro ente.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Un'unità non può stare sotto sé stessa.")})


class Person(models.Model):
    """Someone named in a plan: dirigente, EQ, segretario, NdV member, staff."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("utente"),
    )

    class Meta:
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "full_name"],
                name="person_unique_name_per_ente",
                violation_error_message=_("Esiste già una persona con questo nome nell'ente."),
            ),
            models.UniqueConstraint(
                fields=["ente", "user"],
                name="person_unique_user_per_ente",
                violation_error_message=_("Questo utente è già collegato a una persona dell'ente."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Assignment(models.Model):
    """A person's post in a unit for a span of time (dirigente, EQ, staff, segretario, NdV)."""

    class Role(models.TextChoices):
        DIRIGENTE = "dirigente", _("Dirigente")
        EQ = "eq", _("EQ (Elevata Qualificazione)")
        STAFF = "staff", _("Personale")
        SEGRETARIO = "segretario", _("Segretario generale")
        NDV = "ndv", _("Nucleo di Valutazione")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("persona")
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("unità"),
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("dal"), null=True, blank=True)
    end_date = models.DateField(_("al"), null=True, blank=True)

    class Meta:
        verbose_name = _("incarico")
        verbose_name_plural = _("incarichi")
        ordering = ["person__full_name", "role"]
        indexes = [models.Index(fields=["ente", "role"], name="assignment_ente_role")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="assignment_dates_ordered",
                violation_error_message=_("La data di fine precede quella di inizio."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.person_id:
            self.ente_id = self.person.ente_id
            if self.unit_id and self.unit.ente_id != self.ente_id:
                raise ValidationError({"unit": _("L'unità appartiene a un altro ente.")})


class Membership(models.Model):
    """A user's access to an ente, with the role that decides what they may do there."""

    class Role(models.TextChoices):
        CONTROLLO = "controllo", _("Controllo di gestione")
        SEGRETARIO = "segretario", _("Segretario generale")
        NDV = "ndv", _("Nucleo di Valutazione")
        RESPONSABILE = "responsabile", _("Dirigente / EQ")
        VIEWER = "viewer", _("Lettore")

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, verbose_name=_("ente"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utente"),
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("accesso all'ente")
        verbose_name_plural = _("accessi agli enti")
        constraints = [
            models.UniqueConstraint(
                fields=["ente", "user"],
                name="membership_unique_user_per_ente",
                violation_error_message=_("L'utente ha già un accesso a questo ente."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.ente} · {self.get_role_display()}"
