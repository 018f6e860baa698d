"""Views declare how they scope data; the guard refuses undeclared views to restricted users.

    @scoping(PUBLIC)        no restricted data (units, login, the public API)
    @scoping(JURISDICTION)  the view filters everything through accounts.jurisdiction

For class-based views set the class attribute `scoping = JURISDICTION`.
"""

PUBLIC = "public"
JURISDICTION = "jurisdiction"
DECLARATIONS = {PUBLIC, JURISDICTION}


def scoping(kind: str):
    if kind not in DECLARATIONS:
        raise ValueError(f"unknown scoping {kind!r}")

    def mark(view):
        view.scoping = kind
        return view

    return mark


def declared_scoping(view_func) -> str | None:
    for candidate in (
        view_func,
        getattr(view_func, "view_class", None),
        getattr(view_func, "cls", None),
    ):
        kind = getattr(candidate, "scoping", None)
        if kind in DECLARATIONS:
            return kind
    return None
