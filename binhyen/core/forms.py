"""Form helpers shared by every app's pages: dates typed as dd/mm/yyyy, and a service's
refusal (a ValidationError keyed by field) shown next to the fields it concerns."""

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


def submitted(form: forms.Form, action, rename=None) -> bool:
    """Validate the form and run `action(cleaned_data)` (a service call). True when it went
    through; otherwise the form carries the errors (its own, or the service's refusal) and
    the page is shown again with what was typed."""
    if not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc, rename)
        return False
    return True
