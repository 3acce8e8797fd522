"""Cockpit figures of A7 for a unit and everything under it: the share of registered new organizations with
party-organization coverage, the share with party-work coverage, and the "should build" gaps."""

from jiceng.neworgs.selectors import coverage


def figures(unit, *, today) -> dict:
    c = coverage(unit.path)
    return {
        "new_orgs_registered": c["total"],
        "new_orgs_party_org_coverage": c["org_share"],
        "new_orgs_party_work_coverage": c["work_share"],
        "new_orgs_should_build_gaps": c["gaps"],
    }
