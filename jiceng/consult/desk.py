"""consult's panel on the community desk (registered in ConsultConfig.ready): matters overdue for a decision
and the open follow-up actions of decisions."""

from jiceng.consult.selectors import deliberation_actions_open, matters_overdue


def desk_context(*, user, unit, today) -> dict:
    return {"matters_overdue": list(matters_overdue(user=user, unit=unit, today=today)[:50]),
            "deliberation_actions": list(deliberation_actions_open(user=user, unit=unit)[:50]), "today": today}
