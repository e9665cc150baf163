"""Forms of the objectives pages: they parse and validate; the services decide."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.achievement import Measured
from objectives.evidence import max_bytes
from objectives.models import Indicator, Plan, Progress
from objectives.plan_import.sheets import MAX_BYTES
from objectives.plan_import.writer import locked_plan_refusal
from objectives.services import DraftValues

PERCENT_LIMITS = {"min_value": Decimal(0), "max_value": Decimal(1000), "decimal_places": 2}
# Every free text a user submits is bounded: one 2 MB justification made two pages 4 MB each.
# The model fields stay TextField; the forms (and so every view) refuse longer texts.
TEXT_MAX = 5000
YES_NO_CHOICES = [("", _("— non indicato —")), ("1", _("Sì, realizzato")), ("0", _("No"))]


class StyledForm(forms.Form):
    """Bootstrap Italia classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


def _field_name(indicator: Indicator) -> str:
    return f"m_{indicator.pk}"


def _measure_field(indicator: Indicator) -> forms.Field:
    label = indicator.description or _("Indicatore %(n)s") % {"n": indicator.order}
    common = {"label": label, "required": False}
    kind = indicator.kind
    if kind == Indicator.Kind.DEADLINE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("Data di realizzazione"),
            **common,
        )
    if kind == Indicator.Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO_CHOICES,
            coerce=lambda value: value == "1",
            empty_value=None,
            **common,
        )
    if kind == Indicator.Kind.QUALITATIVE:
        return forms.CharField(
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("Descrivi il risultato: l'indicatore non si calcola."),
            **common,
        )
    unit = "%" if kind == Indicator.Kind.PERCENTAGE else indicator.unit
    return forms.DecimalField(
        max_digits=20,
        decimal_places=4,
        localize=True,
        help_text=_("Valore misurato") + (f" ({unit})" if unit else ""),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **common,
    )


def _initial_value(measurement):
    if measurement.value_bool is not None:
        return "1" if measurement.value_bool else "0"
    number = measurement.value_number
    if number is not None:
        return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return measurement.value_date or measurement.value_text or None


class ProgressForm(StyledForm):
    """The responsible's report: one typed field per indicator, the declared %, notes."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    declared_achievement = forms.DecimalField(
        label=_("Raggiungimento dichiarato %"),
        required=False,
        localize=True,
        max_digits=7,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Vuoto: vale il calcolato. Se è diverso dal calcolato serve la motivazione."),
        **PERCENT_LIMITS,
    )
    justification = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Motivazione del dichiarato"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    responsible_notes = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Note del responsabile"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[_field_name(indicator)] = _measure_field(indicator)
        self.style_fields()

    @classmethod
    def initial_for(cls, progress: Progress) -> dict:
        initial = {
            "version": progress.version,
            "declared_achievement": progress.declared_achievement,
            "justification": progress.justification,
            "responsible_notes": progress.responsible_notes,
        }
        for measurement in progress.measurements.all():
            initial[f"m_{measurement.indicator_id}"] = _initial_value(measurement)
        return initial

    def measure_fields(self):
        return [(indicator, self[_field_name(indicator)]) for indicator in self.indicators]

    def measured(self) -> dict[int, Measured]:
        data = self.cleaned_data
        result = {}
        for indicator in self.indicators:
            value = data.get(_field_name(indicator))
            if indicator.kind == Indicator.Kind.DEADLINE:
                result[indicator.pk] = Measured(date=value)
            elif indicator.kind == Indicator.Kind.YES_NO:
                result[indicator.pk] = Measured(flag=value)
            elif indicator.kind == Indicator.Kind.QUALITATIVE:
                result[indicator.pk] = Measured(text=(value or "").strip())
            else:
                result[indicator.pk] = Measured(number=value)
        return result

    def draft_values(self) -> DraftValues:
        return DraftValues(
            measured=self.measured(),
            declared=self.cleaned_data.get("declared_achievement"),
            justification=(self.cleaned_data.get("justification") or "").strip(),
            notes=(self.cleaned_data.get("responsible_notes") or "").strip(),
        )


class VersionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(VersionForm):
    note = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Nota per il responsabile"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Cosa correggere: il responsabile la vede nella sua pagina."),
    )


class ValidateForm(VersionForm):
    validated = forms.DecimalField(
        label=_("Raggiungimento validato %"),
        localize=True,
        max_digits=7,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **PERCENT_LIMITS,
    )
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatoria se il validato è diverso dal dichiarato."),
    )
    ndv_notes = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Note del NdV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(VersionForm):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Motivazione della riapertura"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExcludeForm(VersionForm):
    reason = forms.CharField(
        label=_("Motivo dell'esclusione dalla valutazione"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceForm(StyledForm):
    file = forms.FileField(
        label=_("Evidenza"),
        help_text=_("PDF, immagini, documenti Office/OpenDocument o testo; al massimo %(mb)s MB.")
        % {"mb": max_bytes() // (1024 * 1024)},
    )


class BulkValidateForm(forms.Form):
    progress = forms.ModelMultipleChoiceField(queryset=Progress.objects.none(), label="")

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].queryset = queryset


class PlanImportForm(forms.Form):
    """What to import and where: a file, the ente, and a new plan or one to update."""

    ente = forms.ModelChoiceField(queryset=None, label=_("Ente"), empty_label=None)
    plan = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Piano da aggiornare"),
        empty_label=_("— nessuno: crea un piano nuovo —"),
        help_text=_("Gli obiettivi sono abbinati per codice: nessun duplicato."),
    )
    title = forms.CharField(label=_("Titolo del nuovo piano"), required=False, max_length=200)
    first_year = forms.IntegerField(label=_("Primo anno"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Ultimo anno"), min_value=2000, max_value=2100)
    file = forms.FileField(
        label=_("File (XLSX, ODS, XLS, CSV o TSV, al massimo 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.ods,.xls,.csv,.tsv,.txt"}),
    )

    def __init__(self, *args, entes, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ente"].queryset = entes
        self.fields["plan"].queryset = plans
        year = timezone.localdate().year if not self.initial.get("first_year") else None
        if year:
            self.initial.setdefault("first_year", year)
            self.initial.setdefault("last_year", year + 2)
        for name, field in self.fields.items():
            css = "form-select" if name in {"ente", "plan"} else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Il file è troppo grande (%(mb).1f MB): il massimo è 10 MB.")
                % {"mb": upload.size / 1024 / 1024}
            )
        return upload

    def clean(self):
        data = super().clean()
        plan: Plan | None = data.get("plan")
        if plan is not None:
            if data.get("ente") and plan.ente_id != data["ente"].pk:
                self.add_error("plan", _("Il piano scelto è di un altro ente."))
            data["title"] = plan.title
        elif not data.get("title"):
            self.add_error("title", _("Indica il titolo del nuovo piano, o scegli un piano."))
        elif data.get("ente"):
            plan = Plan.objects.filter(ente=data["ente"], title=data["title"]).first()
        refusal = locked_plan_refusal(plan)
        if refusal:
            self.add_error("plan" if data.get("plan") else "title", refusal)
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and not 0 <= last - first <= 9:
            self.add_error(
                "last_year", _("L'ultimo anno deve seguire il primo, per non più di dieci anni.")
            )
        return data


class PlanApproveForm(forms.Form):
    """The approval act of a plan: delibera number and date, both required."""

    act_number = forms.CharField(label=_("Delibera n."), max_length=50)
    act_date = forms.DateField(label=_("del"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["act_number"].error_messages["required"] = _("Indica il numero della delibera.")
        self.fields["act_date"].error_messages["required"] = _("Indica la data della delibera.")
        self.fields["act_date"].error_messages["invalid"] = _(
            "La data della delibera non è valida."
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


def year_range(first: str | None, last: str | None) -> range:
    """The years of a template asked for in the address, or the next three."""
    this_year = timezone.localdate().year
    try:
        start = int(first) if first else this_year
        end = int(last) if last else start + 2
    except ValueError:
        start, end = this_year, this_year + 2
    if not 2000 <= start <= 2100 or not 0 <= end - start <= 9:
        start, end = this_year, this_year + 2
    return range(start, end + 1)
