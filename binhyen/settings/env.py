"""Read settings from the environment; a malformed value stops start-up with its name."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def csp_source(url: str) -> list[str]:
    """The Content-Security-Policy source of a tile server's URL template
    (https://{s}.tiles.example.vn/{z}/{x}/{y}.png → https://*.tiles.example.vn); none
    for a URL on this server. A template CSP cannot express stops start-up with its name."""
    from urllib.parse import urlsplit

    if not url:
        return []
    parts = urlsplit(url)
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if not host:
        return []  # a path on this server: 'self' covers it
    if "{" in host or "}" in host:
        raise ImproperlyConfigured(
            f"MAP_TILES_URL: only a whole first label of the host may vary ({{s}}.), not {url!r}"
        )
    return [f"{parts.scheme}://{host}" if parts.scheme else host]
