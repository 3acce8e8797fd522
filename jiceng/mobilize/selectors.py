"""Reads for mobilization, always within the user's scope (one access helper per object type)."""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.scope import scope_filter, scoped_get, subtree_q
from jiceng.mobilize.models import (
    Activity,
    AgencyRegistration,
    Assignment,
    AssignmentState,
    Call,
    MatchedProject,
    Member,
    Need,
    Post,
    Resource,
    Signup,
)
from jiceng.mobilize.services import match_score


def agency_get(*, user, pk):
    return scoped_get(AgencyRegistration.objects.all(), user=user, pk=pk)


def member_get(*, user, pk) -> Member:
    m = Member.objects.filter(pk=pk).first()
    if m is not None and getattr(user, "person_id", None) == m.person_id:
        return m
    return scoped_get(Member.objects.all(), user=user, pk=pk)


def need_get(*, user, pk) -> Need:
    return scoped_get(Need.objects.select_related("community"), user=user, pk=pk)


def resource_get(*, user, pk) -> Resource:
    return scoped_get(Resource.objects.all(), user=user, pk=pk)


def project_get(*, user, pk) -> MatchedProject:
    project = MatchedProject.objects.filter(pk=pk).first()
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    if project is not None and person is not None and person.unit_path.startswith(project.unit_path):
        return project  # residents of the community see (and evaluate) its projects
    return scoped_get(MatchedProject.objects.all(), user=user, pk=pk)


def activity_get(*, user, pk) -> Activity:
    act = Activity.objects.filter(pk=pk).first()
    me = member_for_user(user)
    if act is not None and me is not None and me.unit_path == act.unit_path:
        return act  # a member may see and join the activities of their home community
    return scoped_get(Activity.objects.all(), user=user, pk=pk)


def call_get(*, user, pk) -> Call:
    return scoped_get(Call.objects.select_related("unit"), user=user, pk=pk)


def post_get(*, user, pk) -> Post:
    post = Post.objects.select_related("call").filter(pk=pk).first()
    me = member_for_user(user)
    if post is not None and me is not None and me.unit_path.startswith(post.call.pool_path):
        return post  # members of the call's pool see its posts
    return scoped_get(Post.objects.select_related("call"), user=user, pk=pk)


def assignment_get(*, user, pk) -> Assignment:
    a = Assignment.objects.select_related("member", "post", "call").filter(pk=pk).first()
    if a is not None and getattr(user, "person_id", None) == a.member.person_id:
        return a
    return scoped_get(Assignment.objects.select_related("member", "post", "call"), user=user, pk=pk)


def member_for_user(user) -> Member | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    cached = getattr(user, "_mobilize_member", False)
    if cached is False:
        cached = Member.objects.filter(person_id=person_id).first()
        user._mobilize_member = cached
    return cached


def members_in(*, user, unit, status: str | None = None):
    qs = scope_filter(Member.objects.all(), user, "unit_path").filter(subtree_q(unit.path, "unit_path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("unit_path", "id")


def calls_in(*, user, unit=None):
    qs = scope_filter(Call.objects.select_related("unit"), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    return qs.order_by("-issued_at")


def call_board(call: Call) -> dict:
    """Seats filled/required per post and people on duty now: two queries."""
    filled = Q(assignments__active=True, assignments__state__in=[
        AssignmentState.ACCEPTED, AssignmentState.CHECKED_IN, AssignmentState.CHECKED_OUT])
    posts = list(Post.objects.filter(call=call).order_by("shift_start", "id").annotate(
        filled=Count("assignments", filter=filled),
        offered=Count("assignments", filter=Q(assignments__active=True,
                                               assignments__state=AssignmentState.OFFERED)),
        on_duty=Count("assignments", filter=Q(assignments__active=True,
                                               assignments__state=AssignmentState.CHECKED_IN)),
    ))
    return {
        "posts": posts,
        "required": sum(p.headcount for p in posts),
        "filled": sum(p.filled for p in posts),
        "offered": sum(p.offered for p in posts),
        "on_duty": sum(p.on_duty for p in posts),
        "as_of": timezone.now(),
    }


def my_calls(member: Member | None, *, limit: int = 50):
    """The member's assignments, open ones first: one query."""
    if member is None:
        return []
    return list(Assignment.objects.filter(member=member).exclude(state=AssignmentState.RELEASED)
                .select_related("post", "call").order_by("-active", "shift_start")[:limit])


def match_suggestions(need: Need, *, limit: int = 10) -> list[tuple[Resource, dict]]:
    """Resources of the need's street that are available in the wanted period, best first."""
    street_path = "/".join(need.unit_path.split("/")[:-2]) + "/"
    candidates = Resource.objects.select_related("agency").filter(subtree_q(street_path, "unit_path"),
                                         available_to__gte=need.wanted_from, available_from__lte=need.wanted_to)
    scored = [(r, match_score(need, r)) for r in candidates[:2000]]
    scored.sort(key=lambda rs: (-rs[1]["score"], rs[0].pk))
    return scored[:limit]


def member_year_summary(member: Member, year: int) -> dict:
    signups = Signup.objects.filter(member=member, year=year)
    agg = signups.aggregate(hours=Sum("hours"), n=Count("id", filter=Q(checked_out_at__isnull=False)))
    shifts = Assignment.objects.filter(member=member, shift_start__year=year,
                                       state=AssignmentState.CHECKED_OUT)
    return {"member": member.pk, "year": year, "activities": agg["n"] or 0, "hours": float(agg["hours"] or 0),
            "wartime_shifts": shifts.count()}


def employer_rows(*, user, employer: str, year: int) -> list[dict]:
    members = scope_filter(Member.objects.filter(employer=employer), user, "unit_path").select_related("community")
    members = members.annotate(
        hours=Sum("signups__hours", filter=Q(signups__year=year)),
        activities=Count("signups", filter=Q(signups__year=year, signups__checked_out_at__isnull=False),
                         distinct=True),
    ).order_by("community__code", "name")
    shifts = dict(Assignment.objects.filter(member__employer=employer, shift_start__year=year,
                                            state=AssignmentState.CHECKED_OUT)
                  .values("member_id").annotate(n=Count("id")).order_by().values_list("member_id", "n"))
    return [{"name": m.name, "community": m.community.name, "activities": m.activities, "hours": m.hours or 0,
             "shifts": shifts.get(m.pk, 0)} for m in members]


# --- the co-building pages (C1–C3): lists within the user's area, a fixed number of queries each ----------
#
# A list shows its first LIST_LIMIT rows. Where rows carry counts (members of an agency, sign-ups of an
# activity …), the page's rows are chosen first in a subquery (an index scan in the list's order, see
# migration 0005) and only they are joined and grouped: the work is one page's, whatever the city's size
# (a GROUP BY over every row of the area before the LIMIT took seconds at a million residents).

LIST_LIMIT = 200


def _page_of(qs, *order):
    """The rows of the list's first page, counted afterwards: pk IN (the page's ids, in the list's order)."""
    return qs.model.objects.filter(pk__in=qs.order_by(*order).values("pk")[:LIST_LIMIT])


def writable_communities(user):
    """The communities where `user` may register, list and run activities (the pages' choice lists)."""
    from jiceng.orgs.models import Unit, UnitKind

    return scope_filter(Unit.objects.filter(kind=UnitKind.COMMUNITY), user, "path", capability="write").order_by(
        "path")


def home_community(person):
    """The community a person lives in (the community on their household's path); 422 when none."""
    from jiceng.core.errors import ValidationFailed
    from jiceng.orgs.models import Unit, UnitKind

    prefixes, parts = [], [p for p in person.unit_path.split("/") if p]
    for i in range(1, len(parts) + 1):
        prefixes.append("/" + "/".join(parts[:i]) + "/")
    unit = Unit.objects.filter(kind=UnitKind.COMMUNITY, path__in=prefixes).first()
    if unit is None:
        raise ValidationFailed(_("Your household is not in a community of this city."), field="community")
    return unit


def agencies_list(*, user, status: str | None = None):
    qs = scope_filter(AgencyRegistration.objects.all(), user, "unit_path")
    if status:
        qs = qs.filter(status=status)
    order = ("-created_at", "-id")
    return list(_page_of(qs, *order).select_related("community").annotate(n_members=Count("members"))
                .order_by(*order))


def members_list(*, user, status: str | None = None, agency=None):
    qs = scope_filter(Member.objects.select_related("community", "agency"), user, "unit_path")
    if status:
        qs = qs.filter(status=status)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return list(qs.order_by("-created_at", "-id")[:LIST_LIMIT])


def needs_list(*, user):
    order = ("-open", "-created_at", "-id")
    qs = _page_of(scope_filter(Need.objects.all(), user, "unit_path"), *order)
    return list(qs.select_related("community").annotate(n_projects=Count("projects")).order_by(*order))


def resources_list(*, user):
    qs = scope_filter(Resource.objects.select_related("community", "agency", "member"), user, "unit_path")
    return list(qs.order_by("-created_at", "-id")[:LIST_LIMIT])


def projects_list(*, user, need=None):
    qs = scope_filter(MatchedProject.objects.all(), user, "unit_path")
    if need is not None:
        qs = qs.filter(need=need)
    order = ("-set_at", "-id")
    return list(_page_of(qs, *order).select_related("need")
                .annotate(n_resources=Count("resources", distinct=True),
                          n_evaluations=Count("evaluations", distinct=True)).order_by(*order))


def project_resources(project: MatchedProject) -> list[Resource]:
    return list(project.resources.select_related("agency", "member").order_by("id"))


def activities_list(*, user):
    qs = scope_filter(Activity.objects.all(), user, "unit_path")
    me = member_for_user(user)
    if me is not None:  # a member also sees the activities of their home community
        qs = Activity.objects.filter(Q(pk__in=qs.values("pk")) | Q(unit_path=me.unit_path))
    order = ("-starts_at", "-id")
    return list(_page_of(qs, *order).select_related("community").annotate(
        signed_up=Count("signups"),
        checked_in=Count("signups", filter=Q(signups__checked_in_at__isnull=False)),
        hours=Sum("signups__hours"),
    ).order_by(*order))


def activity_signups(activity: Activity) -> list[Signup]:
    return list(Signup.objects.filter(activity=activity).select_related("member").order_by("member__name", "id"))


def signup_candidates(activity: Activity):
    """Confirmed members of the activity's community not yet signed up (the worker's choice list)."""
    return (Member.objects.filter(unit_path=activity.unit_path, status="confirmed")
            .exclude(signups__activity=activity).order_by("name", "id"))


def agency_report(*, user, year: int) -> list[dict]:
    """The yearly report to each employer party organization in the user's area: its confirmed
    registered members, the distinct activities they completed (checked out) and the hours credited
    to them in `year`. One query; only the page's agencies (the first LIST_LIMIT by community and name)
    are joined with their members and sign-ups."""
    confirmed = Q(members__status="confirmed")
    order = ("unit_path", "name")  # an agency's unit_path is its community's path
    page = _page_of(scope_filter(AgencyRegistration.objects.all(), user, "unit_path"), *order)
    qs = page.select_related("community").annotate(
        n_members=Count("members", filter=confirmed, distinct=True),
        n_activities=Count("members__signups__activity", distinct=True, filter=confirmed & Q(
            members__signups__year=year, members__signups__checked_out_at__isnull=False)),
        hours=Sum("members__signups__hours", filter=confirmed & Q(members__signups__year=year)),
    ).order_by(*order)
    return [{"agency": a, "members": a.n_members, "activities": a.n_activities, "hours": a.hours or 0}
            for a in qs]


def agency_member_rows(agency: AgencyRegistration, year: int) -> list[dict]:
    """The agency's members with their activities completed and hours in `year`. One query."""
    members = Member.objects.filter(agency=agency).select_related("community").annotate(
        hours=Sum("signups__hours", filter=Q(signups__year=year)),
        activities=Count("signups", filter=Q(signups__year=year, signups__checked_out_at__isnull=False)),
    ).order_by("status", "name", "id")
    return [{"member": m, "activities": m.activities, "hours": m.hours or 0} for m in members]
