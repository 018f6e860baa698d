"""Optimistic locking of edits: two officers editing the same record, the second is told
and nothing is overwritten silently.

A record that can be edited carries a `version` (a PositiveIntegerField, editable=False,
default 1). Every write of the row increments it. An edit carries the version it started
from (a hidden form field, or `version` in the API): the service locks the row
(`select_for_update`) and refuses with `StaleEdit` if the version changed since. The page
then answers 409 with the form as typed and the differences with what is now saved
(`stale_context`, template `core/_stale_edit.html`); the API answers 409
(schemes/api/views/base.py `Conflict`).

Without a version (imports, commands, an API client that sends none) an edit is not
checked: the last write wins, as before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext as _

VERSION = "version"


class StaleEdit(Exception):
    """Someone else saved the record since it was read: nothing was overwritten."""


# ---- services ------------------------------------------------------------------------------


def check(row: models.Model, version: int | None) -> None:
    """Refuse (StaleEdit) when `version` was given and the row's is another."""
    if version is not None and row.version != version:
        raise StaleEdit


def lock(model_or_queryset, pk, version: int | None = None) -> models.Model:
    """The row locked until the end of the transaction, checked against `version`."""
    queryset = getattr(model_or_queryset, "objects", model_or_queryset)
    row = queryset.select_for_update().get(pk=pk)
    check(row, version)
    return row


def bump(row: models.Model) -> list[str]:
    """Count one more write of the row (before its save); the fields to add to an
    `update_fields`."""
    row.version += 1
    return [VERSION]


# ---- forms ---------------------------------------------------------------------------------


def version_field() -> forms.IntegerField:
    """The hidden field that carries the version an edit form started from."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


def carry_version(form: forms.Form, instance: models.Model | None) -> None:
    """Give an edit form (of a saved `instance`) the hidden version it starts from; a form
    of a new record has none."""
    if instance is not None and instance.pk:
        form.fields[VERSION] = version_field()
        form.initial.setdefault(VERSION, instance.version)


def version_of(form: forms.Form) -> int | None:
    return form.cleaned_data.get(VERSION) if hasattr(form, "cleaned_data") else None


def shown(value) -> str:
    """A value as the differences table shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return ", ".join(sorted(shown(v) for v in value))
    return str(value)


def differences(form: forms.Form, theirs: dict, mine: dict | None = None) -> list[tuple]:
    """(label, their saved value, what was typed) of every field where they differ.
    `theirs` maps the form's field names to the values now saved; what was typed is the
    form's cleaned value (its raw value when the field did not validate), or `mine`'s."""
    cleaned = {**getattr(form, "cleaned_data", {}), **(mine or {})}
    rows = []
    for name, saved in theirs.items():
        field = form.fields.get(name)
        if name in cleaned:
            mine = cleaned[name]
        elif field is not None:
            mine = form[name].value()
        else:
            continue
        if shown(saved) != shown(mine):
            label = (field.label if field is not None else None) or name
            rows.append((label, _choice(field, saved), _choice(field, mine)))
    return rows


def _choice(field: forms.Field | None, value) -> str:
    """A coded value by its label when the field is a choice among codes."""
    plain = isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.ModelChoiceField | forms.ModelMultipleChoiceField
    )
    if not plain:
        return shown(value)
    labels = {str(code): label for code, label in field.choices if not isinstance(label, list)}
    if isinstance(value, list | tuple):
        return ", ".join(sorted(str(labels.get(str(v), v)) for v in value))
    return shown(labels.get(str(value), value)) if value not in (None, "") else ""


def resubmitted(data, current: models.Model, prefix: str = ""):
    """What was typed, with the version now saved: the form shown again after a stale
    edit, so that saving it again is a deliberate choice made with their changes in view."""
    data = data.copy()
    data[f"{prefix}-{VERSION}" if prefix else VERSION] = current.version
    return data


def stale_context(form: forms.Form, theirs: dict, mine: dict | None = None) -> dict:
    """The template context of the stale message (`core/_stale_edit.html`)."""
    return {"stale": True, "differences": differences(form, theirs, mine)}


# ---- API -----------------------------------------------------------------------------------


def api_version_field():
    """The `version` of a write serializer: optional; when sent, an edit is refused with
    409 if the record was saved by someone else since that version was read."""
    from rest_framework import serializers

    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version read (of the record's `version`): if someone saved the record "
        "since, the answer is 409 and nothing changes. Without it the edit is not checked.",
    )


STALE_DESCRIPTION = "Someone else saved the record since the version sent: nothing changed."
