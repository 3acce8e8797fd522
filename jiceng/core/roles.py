"""Roles and what each may do. A user holds (role, unit) grants; a capability applies in that subtree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator (organization department)")
    COUNTY_OFFICIAL = "county_official", _("County official")
    STREET_OFFICIAL = "street_official", _("Street official")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    GRID_WORKER = "grid_worker", _("Grid worker")
    PARTY_MEMBER = "party_member", _("Party member")
    RESIDENT = "resident", _("Resident")


# Capabilities:
#   read            see the objects under the unit
#   write           create and change records under the unit (people, households, cases …)
#   structure       create, rename and move units and party organizations under the unit
#   reveal_pii      see identity and phone numbers in full (each reveal is audited)
#   manage_users    give grants under the unit
#   supervise       supervision boards, assessments, publishing results
CAPABILITIES = {
    Role.CITY_ADMIN: {"read", "write", "structure", "reveal_pii", "manage_users", "supervise"},
    Role.COUNTY_OFFICIAL: {"read", "write", "structure", "reveal_pii", "manage_users", "supervise"},
    Role.STREET_OFFICIAL: {"read", "write", "structure", "reveal_pii", "supervise"},
    Role.COMMUNITY_WORKER: {"read", "write", "structure", "reveal_pii"},
    Role.GRID_WORKER: {"read", "write"},
    Role.PARTY_MEMBER: {"read"},
    Role.RESIDENT: {"read"},
}

# The unit kind a grant of each role normally sits on (used by forms and the demo).
ROLE_UNIT_KIND = {
    Role.CITY_ADMIN: "city",
    Role.COUNTY_OFFICIAL: "county",
    Role.STREET_OFFICIAL: "street",
    Role.COMMUNITY_WORKER: "community",
    Role.GRID_WORKER: "grid",
    Role.PARTY_MEMBER: "community",
    Role.RESIDENT: "household",
}


def role_has(role: str, capability: str) -> bool:
    return capability in CAPABILITIES.get(role, ())


# Audiences: who uses a part of the platform day to day (menus and landing pages, not access: every page
# still checks its own scope and capability). A NAV entry of an app's urls.py names a capability above or
# one of these audiences, and the menu shows it to a user holding a grant whose role `role_can` it.
AUDIENCES = {
    # everyone who works in the system: the staff of the unit tree down to the grid
    "staff": {Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER, Role.GRID_WORKER},
    # staff who run a community or an area above it (registries, funds, meetings, the workforce)
    "office": {Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER},
    # staff and the party members who take part in the community's work (calls, activities, meetings)
    "members": {Role.CITY_ADMIN, Role.COUNTY_OFFICIAL, Role.STREET_OFFICIAL, Role.COMMUNITY_WORKER,
                Role.PARTY_MEMBER},
    "grid_workers": {Role.GRID_WORKER},
    "party_members": {Role.PARTY_MEMBER},
    "residents": {Role.RESIDENT},
    # residents and party members: the people the platform serves
    "public": {Role.RESIDENT, Role.PARTY_MEMBER},
    "everyone": set(Role),
}


def role_can(role: str, need: str | None) -> bool:
    """Whether a role uses what `need` names: a capability (CAPABILITIES) or an audience (AUDIENCES);
    None is everyone."""
    if need is None:
        return True
    if need in AUDIENCES:
        return role in AUDIENCES[need]
    if not any(need in caps for caps in CAPABILITIES.values()):
        raise ValueError(f"unknown capability or audience {need!r}")
    return role_has(role, need)


# The landing page of each role (after login and at `/`): a URL name; a user with several grants lands
# where the first of them in this order points.
LANDING = {
    Role.CITY_ADMIN: "cases:board",
    Role.COUNTY_OFFICIAL: "cases:board",
    Role.STREET_OFFICIAL: "cases:board",
    Role.COMMUNITY_WORKER: "cases:desk",
    Role.GRID_WORKER: "cases:queue",
    Role.PARTY_MEMBER: "mobilize:my_calls",
    Role.RESIDENT: "cases:mine",
}
