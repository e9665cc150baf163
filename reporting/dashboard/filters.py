"""The dashboards' filter (period and scope) and the scoring rules form of the controllo."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from objectives.models import Missione, MonitoringPeriod, Objective, Plan, Programma
from objectives.scoring_rules import (
    PREREQUISITE_RULES,
    UNREPORTED_RULES,
    validate_scoring_rules,
    with_defaults,
)
from organisation.models import OrgUnit
from piao.formatting import format_number
from reporting.scoring import Scope


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        is_select = field.widget.__class__.__name__.endswith("Select")
        field.widget.attrs["class"] = "form-select" if is_select else "form-control"


class ListSelect(forms.Select):
    """A select whose options are written in one template (Django's includes one template per
    option: a hundred DUP programmes cost more than the rest of the form). The template is in
    the app's templates/, where the default form renderer looks."""

    template_name = "reporting/widgets/select.html"


class DashboardFilter(forms.Form):
    """Which period, and which part of the plan, a dashboard shows."""

    periodo = forms.ModelChoiceField(
        queryset=MonitoringPeriod.objects.none(),
        required=False,
        label=_("Periodo di monitoraggio"),
        empty_label=None,
        widget=ListSelect,
    )
    dipartimento = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        required=False,
        label=_("Dipartimento / Area"),
        widget=ListSelect,
    )
    missione = forms.ModelChoiceField(
        queryset=Missione.objects.none(), required=False, label=_("Missione DUP"), widget=ListSelect
    )
    programma = forms.ModelChoiceField(
        queryset=Programma.objects.none(),
        required=False,
        label=_("Programma DUP"),
        widget=ListSelect,
    )
    sezione = forms.ChoiceField(
        choices=[("", _("Tutte")), *Objective.Section.choices],
        required=False,
        label=_("Sezione"),
        widget=ListSelect,
    )

    def __init__(self, data, *, plan: Plan):
        super().__init__(data)
        self.plan = plan
        self.fields["periodo"].queryset = MonitoringPeriod.objects.filter(plan=plan).order_by(
            "-reference_date"
        )
        self.fields["periodo"].label_from_instance = lambda period: period.name
        self.fields["dipartimento"].queryset = OrgUnit.objects.filter(
            ente_id=plan.ente_id, kind=OrgUnit.Kind.DIPARTIMENTO
        ).order_by("code", "name")
        used = Programma.objects.filter(objectives__plan=plan)
        self.fields["programma"].queryset = used.distinct().order_by("code")
        self.fields["missione"].queryset = Missione.objects.filter(
            programmi__in=used.values("pk")
        ).distinct()
        _bootstrap(self)

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            dipartimento_id=data["dipartimento"].pk if data.get("dipartimento") else None,
            missione_id=data["missione"].pk if data.get("missione") else None,
            programma_id=data["programma"].pk if data.get("programma") else None,
            section=data.get("sezione") or None,
        )

    def period(self) -> MonitoringPeriod | None:
        """The chosen period, else the latest open one, else the latest one."""
        if self.cleaned_data.get("periodo"):
            return self.cleaned_data["periodo"]
        periods = list(self.fields["periodo"].queryset)
        return next((p for p in periods if p.is_open), periods[0] if periods else None)


# A rule's number is a percentage or a few points: anything longer or larger is refused before
# any arithmetic (a 100,000-digit string or 1e999999 pinned a worker for minutes).
NUMBER_MAX_CHARS = 20
NUMBER_MAX = Decimal(1_000_000)


def _number(text: str, where: str) -> Decimal:
    text = text.strip().replace("%", "").strip()
    if len(text) > NUMBER_MAX_CHARS:
        raise ValidationError(
            _("%(where)s: numero troppo lungo (al massimo %(n)s caratteri).")
            % {"where": where, "n": NUMBER_MAX_CHARS}
        )
    if "," in text:  # Italian: 1.234,5
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(
            _("%(where)s: «%(text)s» non è un numero.") % {"where": where, "text": text}
        ) from None
    if abs(number) > NUMBER_MAX:
        raise ValidationError(
            _("%(where)s: «%(text)s» è fuori misura (al massimo un milione).")
            % {"where": where, "text": text}
        )
    return number


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


RULES_TEXT_MAX = 2000  # a table of bands is a few lines
LINE = re.compile(r"^\s*([^:=]+?)\s*[:=]\s*(.+?)\s*$")


def _lines(text: str, name: str) -> list[tuple[str, str, int]]:
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise ValidationError(
                _("%(name)s, riga %(n)s: scrivere «soglia: valore».") % {"name": name, "n": number}
            )
        result.append((match.group(1), match.group(2), number))
    return result


class ScoringRulesForm(forms.Form):
    """The SMVP rules of a plan, one simple text per table (one line per band)."""

    achievement_cap = forms.DecimalField(
        label=_("Tetto del raggiungimento (%)"), min_value=0, max_value=1000, decimal_places=2
    )
    bands = forms.CharField(
        label=_("Fasce di raggiungimento"),
        max_length=RULES_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Una fascia per riga, «da soglia %: punteggio» oppure «da soglia %: proporzionale». "
            "Per esempio «0: 0» e «50: proporzionale»: sotto il 50% vale zero, sopra conta il "
            "raggiungimento."
        ),
    )
    at_risk_below = forms.DecimalField(
        label=_("A rischio sotto il (%)"), min_value=0, max_value=1000, decimal_places=2
    )
    prerequisites = forms.ChoiceField(
        label=_("Prerequisiti (X)"), choices=list(PREREQUISITE_RULES.items())
    )
    prerequisite_met_at = forms.DecimalField(
        label=_("Prerequisito raggiunto dal (%)"), min_value=0, max_value=1000, decimal_places=2
    )
    unreported = forms.ChoiceField(
        label=_("Obiettivi senza raggiungimento"), choices=list(UNREPORTED_RULES.items())
    )
    pay_bands = forms.CharField(
        label=_("Fasce della retribuzione di risultato"),
        max_length=RULES_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Una fascia per riga, «da punteggio %: quota % nome», per esempio «95: 100 A»."
        ),
    )
    weight_categories = forms.CharField(
        label=_("Punti per categoria di peso"),
        max_length=RULES_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Una categoria per riga, «categoria: punti», per esempio «2: 2». Cambiandoli, gli "
            "obiettivi pesati per categoria ricevono i nuovi punti."
        ),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        if not args or args[0] is None:
            kwargs.setdefault("initial", self.initial_for(plan))
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    @staticmethod
    def initial_for(plan: Plan) -> dict:
        rules = with_defaults(plan.scoring_rules)
        bands = [
            f"{format_number(b['min'])}: "
            + ("proporzionale" if b.get("proportional") else format_number(b["score"]))
            for b in rules["bands"]
        ]
        pay = [
            f"{format_number(b['min'])}: {format_number(b['share'])} {b.get('label', '')}".strip()
            for b in rules["pay_bands"]
        ]
        return {
            "achievement_cap": plan.achievement_cap,
            "bands": "\n".join(bands),
            "at_risk_below": rules["at_risk_below"],
            "prerequisites": rules["prerequisites"],
            "prerequisite_met_at": rules["prerequisite_met_at"],
            "unreported": rules["unreported"],
            "pay_bands": "\n".join(pay),
            "weight_categories": "\n".join(
                f"{k}: {format_number(v)}" for k, v in (plan.weight_categories or {}).items()
            ),
        }

    def clean_bands(self) -> list[dict]:
        bands = []
        for low, value, _n in _lines(self.cleaned_data["bands"], _("Fasce di raggiungimento")):
            band: dict = {"min": _plain(_number(low, _("soglia")))}
            if value.strip().lower().startswith("prop"):
                band["proportional"] = True
            else:
                band["score"] = _plain(_number(value, _("punteggio")))
            bands.append(band)
        return bands

    def clean_pay_bands(self) -> list[dict]:
        bands = []
        for low, value, n in _lines(self.cleaned_data["pay_bands"], _("Fasce retributive")):
            share, _space, label = value.partition(" ")
            bands.append(
                {
                    "min": _plain(_number(low, _("riga %(n)s") % {"n": n})),
                    "share": _plain(_number(share, _("riga %(n)s") % {"n": n})),
                    "label": label.strip(),
                }
            )
        return bands

    def clean_weight_categories(self) -> dict:
        categories = {}
        for key, value, n in _lines(self.cleaned_data["weight_categories"], _("Categorie")):
            if not re.fullmatch(r"[0-9]{1,4}", key.strip()):
                raise ValidationError(
                    _("Categorie, riga %(n)s: la categoria è un numero.") % {"n": n}
                )
            points = _number(value, _("Categorie, riga %(n)s") % {"n": n})
            if points < 0:
                raise ValidationError(_("Categorie, riga %(n)s: punti negativi.") % {"n": n})
            categories[str(int(key))] = _plain(points)
        return categories

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        rules = {
            "bands": data["bands"],
            "at_risk_below": _plain(data["at_risk_below"]),
            "prerequisites": data["prerequisites"],
            "prerequisite_met_at": _plain(data["prerequisite_met_at"]),
            "unreported": data["unreported"],
            "pay_bands": data["pay_bands"],
        }
        validate_scoring_rules(rules)
        data["scoring_rules"] = rules
        return data
