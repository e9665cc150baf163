"""The plan's scoring rules (SMVP) as validated data: bands, at-risk threshold, pre-requisites, pay.

Stored in `Plan.scoring_rules` (JSON) next to `Plan.achievement_cap` and `Plan.weight_categories`;
a plan without rules (or with some keys missing) gets the defaults below. The rules are read at
scoring time (reporting.scoring), so a change shows at once everywhere; every change of the plan
is kept in its history.

    {
      "bands": [{"min": 0, "score": 0}, {"min": 50, "proportional": true}],
      "at_risk_below": 60,
      "prerequisites": "gate",        # gate: an unmet pre-requisite ("X") zeroes the group's score
      "prerequisite_met_at": 100,     # achievement % at which a pre-requisite counts as met
      "unreported": "exclude",        # exclude: only reported objectives count; zero: they count 0
      "pay_bands": [{"min": 0, "share": 0, "label": "E"}, {"min": 95, "share": 100, "label": "A"}]
    }

Bands map an achievement % (after the cap) to the score that counts: each band runs from its
`min` to the next band's `min`; it gives either a fixed `score` or the achievement itself
(`proportional`). Pay bands map a responsible's score to the share of result pay (art. 18-20
D.Lgs. 150/2009 forbids automatic pay: the table is the ente's).
"""

import copy
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PREREQUISITE_RULES = {
    "gate": "un prerequisito non raggiunto azzera il punteggio del gruppo",
    "ignore": "i prerequisiti non incidono sul punteggio",
}
UNREPORTED_RULES = {
    "exclude": "contano solo gli obiettivi con un raggiungimento (punteggio finora)",
    "zero": "gli obiettivi senza raggiungimento contano zero",
}

DEFAULT_SCORING_RULES: dict = {
    "bands": [{"min": 0, "proportional": True}],
    "at_risk_below": 60,
    "prerequisites": "gate",
    "prerequisite_met_at": 100,
    "unreported": "exclude",
    "pay_bands": [
        {"min": 0, "share": 0, "label": "E"},
        {"min": 70, "share": 70, "label": "D"},
        {"min": 80, "share": 80, "label": "C"},
        {"min": 90, "share": 90, "label": "B"},
        {"min": 95, "share": 100, "label": "A"},
    ],
}
KEYS = set(DEFAULT_SCORING_RULES)


def default_scoring_rules() -> dict:
    """A fresh copy of the defaults (the model field's default)."""
    return copy.deepcopy(DEFAULT_SCORING_RULES)


def with_defaults(rules: dict | None) -> dict:
    """The rules with every missing key filled from the defaults."""
    return default_scoring_rules() | dict(rules or {})


def _percent(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(_("%(what)s: serve un numero.") % {"what": what})
    if len(str(value)) > 20:  # refused before any arithmetic on a huge number
        raise ValidationError(_("%(what)s: deve stare tra 0 e 1000.") % {"what": what})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(
            _("%(what)s: «%(v)s» non è un numero.") % {"what": what, "v": value}
        ) from None
    if not number.is_finite() or number < 0 or number > 1000:
        raise ValidationError(_("%(what)s: deve stare tra 0 e 1000.") % {"what": what})
    return number


def _ascending(items: list, name: str) -> None:
    if not isinstance(items, list) or not items:
        raise ValidationError(_("%(name)s: serve almeno una fascia.") % {"name": name})
    mins = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "min" not in item:
            raise ValidationError(
                _("%(name)s, fascia %(n)s: manca la soglia minima.") % {"name": name, "n": index}
            )
        mins.append(_percent(item["min"], f"{name}, fascia {index}"))
    if mins[0] != 0:
        raise ValidationError(_("%(name)s: la prima fascia deve partire da 0.") % {"name": name})
    if any(b <= a for a, b in zip(mins, mins[1:], strict=False)):
        raise ValidationError(
            _("%(name)s: le soglie devono essere crescenti e diverse.") % {"name": name}
        )


def validate_scoring_rules(value) -> None:
    """Refuse rules that scoring could not apply, with an Italian message saying what is wrong."""
    if not isinstance(value, dict):
        raise ValidationError(_("Le regole di punteggio devono essere un oggetto JSON."))
    unknown = set(value) - KEYS
    if unknown:
        raise ValidationError(
            _("Regole di punteggio: chiavi sconosciute %(keys)s.")
            % {"keys": ", ".join(sorted(unknown))}
        )
    rules = with_defaults(value)
    _ascending(rules["bands"], _("Fasce di raggiungimento"))
    for index, band in enumerate(rules["bands"], start=1):
        proportional = band.get("proportional", False)
        if not isinstance(proportional, bool):
            raise ValidationError(_("Fascia %(n)s: «proportional» è vero o falso.") % {"n": index})
        if proportional == ("score" in band):
            raise ValidationError(
                _("Fascia %(n)s: indicare un punteggio fisso oppure «proporzionale».")
                % {"n": index}
            )
        if not proportional:
            _percent(band["score"], _("Fascia %(n)s, punteggio") % {"n": index})
    _percent(rules["at_risk_below"], _("Soglia di rischio"))
    _percent(rules["prerequisite_met_at"], _("Soglia dei prerequisiti"))
    if rules["prerequisites"] not in PREREQUISITE_RULES:
        raise ValidationError(_("Regola dei prerequisiti sconosciuta: usare gate o ignore."))
    if rules["unreported"] not in UNREPORTED_RULES:
        raise ValidationError(_("Regola per gli obiettivi senza valore: usare exclude o zero."))
    _ascending(rules["pay_bands"], _("Fasce di retribuzione di risultato"))
    for index, band in enumerate(rules["pay_bands"], start=1):
        share = _percent(band.get("share"), _("Fascia retributiva %(n)s, quota") % {"n": index})
        if share > 100:
            raise ValidationError(
                _("Fascia retributiva %(n)s: la quota non può superare 100%%.") % {"n": index}
            )
        if not isinstance(band.get("label", ""), str):
            raise ValidationError(_("Fascia retributiva %(n)s: nome non valido.") % {"n": index})
