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
