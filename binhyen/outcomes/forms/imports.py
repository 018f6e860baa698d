"""Forms of the registers' import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..registers import LABELS, SLUGS

MAX_UPLOAD_MB = 20


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB: import it with the import_outcomes command.") % {
        "mb": MAX_UPLOAD_MB
    }


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))
    register = forms.ChoiceField(
        label=_("Register"),
        required=False,
        choices=[("", _("Detect (sheet names or header)"))] + [(s, LABELS[s]) for s in SLUGS],
        help_text=_(
            "Needed only for a CSV file or a one-sheet workbook whose header is ambiguous."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(too_large_message())
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
