"""Funds figures (G5) for a unit and everything under it, computed live from budgets and projects."""

from jiceng.funds.selectors import compliance_summary, projects_chosen_in_year


def figures(unit, *, today) -> dict:
    summary = compliance_summary(unit, today.year)
    return {
        "streets_running_funds_compliant": summary["streets_compliant"],
        "communities_funds_compliant": summary["communities_compliant"],
        "livelihood_projects_year": projects_chosen_in_year(unit, today.year),
    }
