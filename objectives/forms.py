"""Forms of the objectives pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import Plan
from objectives.plan_import.sheets import MAX_BYTES


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
        label=_("File (XLSX, CSV o TSV, al massimo 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.tsv,.txt"}),
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
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and not 0 <= last - first <= 9:
            self.add_error(
                "last_year", _("L'ultimo anno deve seguire il primo, per non più di dieci anni.")
            )
        return data


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
