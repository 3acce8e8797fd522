"""Read settings from the environment through small helpers that fail loudly on a bad value."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "on"}
_FALSE = {"0", "false", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false or on/off.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, file_default: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (default: file_default)."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE", file_default)
    try:
        with open(path, encoding="ascii") as fh:
            content = fh.read().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"Set {name}, or create the file {path} (run `make keys`), or point {name}_FILE at one."
        ) from None
    if not content:
        raise ImproperlyConfigured(f"The secret file {path} for {name} is empty.")
    return content


def env_weights(name: str, default: dict[str, float]) -> dict[str, float]:
    """`key=0.1,key2=0.9` weights that must name known keys and sum to 1."""
    value = os.environ.get(name)
    if value is None:
        return default
    out = {}
    for part in value.split(","):
        key, sep, number = part.partition("=")
        try:
            out[key.strip()] = float(number)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {part!r} is not key=number.") from None
        if not sep or key.strip() not in default:
            raise ImproperlyConfigured(f"{name}: unknown key in {part!r}; keys are {sorted(default)}.")
    if abs(sum(out.values()) - 1) > 1e-6:
        raise ImproperlyConfigured(f"{name}: weights must sum to 1, not {sum(out.values())}.")
    return {**default, **out}
