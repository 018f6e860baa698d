"""Forms of the spreadsheet import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.imports import KINDS

MAX_UPLOAD_MB = 20
KIND_LABELS = {
    "types": _("Scheme types"),
    "hosts": _("Host organisations"),
    "points": _("Scheme points"),
    "groups": _("Groups"),
    "households": _("Households"),
    "members": _("Group members"),
}


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB: import it with the import_schemes command.") % {
        "mb": MAX_UPLOAD_MB
    }


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))
    kind = forms.ChoiceField(
        label=_("Kind of records"),
        required=False,
        choices=[("", _("Detect (sheet names or header)"))] + [(k, KIND_LABELS[k]) for k in KINDS],
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
