from django import forms
from django.utils.translation import gettext_lazy as _


class ValidationStatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Documento di validazione"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        max_length=20_000,
    )
    validated_on = forms.DateField(
        label=_("Data della validazione"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    signatories = forms.CharField(
        label=_("Firmatari"),
        help_text=_("Un nome per riga, con il ruolo nel Nucleo di Valutazione."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2_000,
    )
