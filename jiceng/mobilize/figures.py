"""Co-building figures (C1, C2) for a unit and everything under it."""

from jiceng.core.scope import subtree_q
from jiceng.mobilize.models import AgencyRegistration, MatchedProject, Member, RegistrationStatus


def figures(unit, *, today) -> dict:
    under = subtree_q(unit.path, "unit_path")
    return {
        "agency_orgs_registered": AgencyRegistration.objects.filter(
            under, status=RegistrationStatus.CONFIRMED).count(),
        "in_service_members_registered": Member.objects.filter(under, status=RegistrationStatus.CONFIRMED).count(),
        "projects_matched_year": MatchedProject.objects.filter(under, set_at__year=today.year).count(),
    }
