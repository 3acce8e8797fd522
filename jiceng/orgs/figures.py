"""Structure figures (A1–A3) for a unit and everything under it."""

from jiceng.core.scope import subtree_q
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, BigCommittee, PartTimeMember, PartyOrg, UnitTally


def figures(unit, *, today) -> dict:
    tally = UnitTally.objects.filter(unit_id=unit.pk).first()
    by_kind = {kind: (getattr(tally, kind) if tally else 0) + (unit.kind == kind)
               for kind in ("county", "street", "community", "grid")}
    live = BigCommittee.objects.filter(subtree_q(unit.path, "unit_path"), level="community",
                                       term_start__lte=today, term_end__gte=today)
    return {
        "counties": by_kind.get("county", 0),
        "streets": by_kind.get("street", 0),
        "communities": by_kind.get("community", 0),
        "grids": by_kind.get("grid", 0),
        "grid_party_orgs": PartyOrg.objects.filter(subtree_q(unit.path, "unit_path"),
                                                   kind__in=GRID_PARTY_ORG_KINDS).count(),
        "community_big_committees": live.values("unit_id").distinct().count(),
        "part_time_committee_members": PartTimeMember.objects.filter(
            committee__in=live, active=True).count(),
    }
