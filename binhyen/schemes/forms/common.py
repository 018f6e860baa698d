"""Form helpers shared by every area of the registry's pages."""

from django import forms
from django.core.exceptions import ValidationError

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "size": 10, "autocomplete": "off"}


def date_field(label, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE_ATTRS))


def apply_service_errors(form: forms.Form, exc: ValidationError, rename=None) -> None:
    """Put a service's refusal (a ValidationError keyed by model field) on the form's
    fields, renamed through `rename` where the form calls a field otherwise; keys the form
    does not have become errors of the whole form."""
    rename = rename or {}
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages in errors.items():
        name = rename.get(key, key)
        form.add_error(name if name in form.fields else None, messages)
