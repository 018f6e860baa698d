"""All writes of the reports app. Each runs in one transaction; reported figures are
audited through the model registry (core.audit)."""

from .figures import (
    Change,
    clean_figure,
    delete_figure,
    dimension_keys,
    figures_for_user,
    get_figure_for_user,
    record_figure,
    save_figure,
    update_figure,
)

__all__ = [
    "Change",
    "clean_figure",
    "delete_figure",
    "dimension_keys",
    "figures_for_user",
    "get_figure_for_user",
    "record_figure",
    "save_figure",
    "update_figure",
]
