"""Panels on the community desk contributed by apps above cases.

The desk is a cases page, and cases sits below the apps that have something to show there (deliberation
in consult, for one). Rather than cases importing them, each such app registers a panel from its
AppConfig.ready(): a template and a function that returns the template's context for the desk's user,
unit and day. The desk renders the panels in their order.
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable  # (user, unit, today) -> dict
    order: int = 100


PANELS: dict[str, Panel] = {}


def panel_register(*, key: str, template: str, context: Callable, order: int = 100) -> None:
    PANELS[key] = Panel(key, template, context, order)


def panels_for(*, user, unit, today) -> list[dict]:
    """The registered panels with their context, in order."""
    return [{"key": p.key, "template": p.template, **p.context(user=user, unit=unit, today=today)}
            for p in sorted(PANELS.values(), key=lambda p: (p.order, p.key))]
