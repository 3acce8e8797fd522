"""Participatory-budget ballots: create, add options, open, vote (SMS code or paper), tally, close, publish.

Secrecy: a vote writes a `BallotParticipation` (the household voted) and a `BallotPaper` (what was chosen)
that share nothing but the ballot; the paper has a random key and no time; the audit event names the
ballot and the method, never the household or the paper.
"""

import datetime
import hashlib
import hmac
import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult.models.ballots import Ballot, BallotOption, BallotPaper, BallotParticipation, VoteCode
from jiceng.consult.services import require_area
from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_rows
from jiceng.core.crypto import lookup_hash
from jiceng.core.errors import Conflict, Throttled, ValidationFailed
from jiceng.core.notify import Message, encrypt_contact, notify
from jiceng.core.pii import mask_phone, validate_phone
from jiceng.core.scope import require_scope, subtree_q, user_can, user_grants
from jiceng.core.text import checked_text
from jiceng.funds import services as funds
from jiceng.funds.services import parse_amount
from jiceng.orgs.models import Unit
from jiceng.people.models import Person

CODE_TTL = datetime.timedelta(minutes=10)
CODE_TRIES = 5
CODE_GAP = datetime.timedelta(seconds=60)
CODES_PER_PHONE_HOUR = 5
MAX_OPTIONS = 100


# ---------------------------------------------------------------- set-up


def ballot_create(*, actor, unit: Unit, title: str, budget, closes_at: datetime.datetime, description: str = "",
                  proposal_round=None, now=None) -> Ballot:
    require_scope(actor, unit.path, "supervise")
    if unit.kind not in ("street", "community", "compound"):
        raise ValidationFailed(_("A ballot is put to the residents of a street, community or compound."),
                               field="unit")
    title = checked_text(title, "title", 120)
    description = checked_text(description, "description", 4000, required=False)
    budget = parse_amount(budget, "budget", allow_zero=False)
    now = now or timezone.now()
    if not isinstance(closes_at, datetime.datetime) or closes_at <= now:
        raise ValidationFailed(_("The ballot closes at a time in the future."), field="closes_at")
    if closes_at > now + datetime.timedelta(days=366):
        raise ValidationFailed(_("A ballot is open for at most a year."), field="closes_at")
    with transaction.atomic():
        ballot = Ballot.objects.create(unit=unit, unit_path=unit.path, title=title, description=description,
                                       budget=budget, closes_at=closes_at, proposal_round=proposal_round,
                                       created_by=actor)
        audit_record(actor=actor, action="ballot.create", obj=ballot, changes={"budget": str(budget)})
    return ballot


def ballot_option_add(*, actor, ballot: Ballot, title: str, cost, description: str = "",
                      proposal=None) -> BallotOption:
    require_area(actor, ballot.unit_path, "supervise")
    if ballot.status != "draft":
        raise Conflict(_("Options can be changed only before the ballot opens."))
    title = checked_text(title, "title", 120)
    description = checked_text(description, "description", 2000, required=False)
    cost = parse_amount(cost, "cost", allow_zero=False)
    if cost > ballot.budget:
        raise ValidationFailed(_("An option cannot cost more than the whole budget."), field="cost")
    with transaction.atomic():
        if BallotOption.objects.filter(ballot=ballot).count() >= MAX_OPTIONS:
            raise ValidationFailed(_("At most %(n)d options on a ballot.") % {"n": MAX_OPTIONS}, field="title")
        option = BallotOption.objects.create(ballot=ballot, title=title, description=description, cost=cost,
                                             proposal=proposal)
        audit_record(actor=actor, action="ballot.option_add", obj=option, unit_path=ballot.unit_path,
                     changes={"cost": str(cost)})
    return option


def ballot_open(*, actor, ballot: Ballot, now=None) -> Ballot:
    require_area(actor, ballot.unit_path, "supervise")
    now = now or timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.status != "draft":
            raise Conflict(_("The ballot is open or closed already."))
        if BallotOption.objects.filter(ballot=ballot).count() < 2:
            raise ValidationFailed(_("A ballot needs at least two options."), field="options")
        if ballot.closes_at <= now:
            raise ValidationFailed(_("The ballot closes at a time in the future."), field="closes_at")
        ballot.status, ballot.opened_at = "open", now
        ballot.save(update_fields=["status", "opened_at"])
        notify(Message(kind="consult.ballot", unit_path=ballot.unit_path, subject_type="consult.ballot",
                       subject_id=str(ballot.pk), subject_label=ballot.title[:80],
                       link=reverse("consult:ballot", args=[ballot.pk]), key=f"consult.ballot.open:{ballot.pk}",
                       text=_("Ballot “%(title)s” is open until %(closes)s.") % {
                           "title": ballot.title, "closes": timezone.localtime(ballot.closes_at).strftime("%Y-%m-%d %H:%M")}))
        audit_record(actor=actor, action="ballot.open", obj=ballot)
    return ballot


# ---------------------------------------------------------------- voting


def _is_open(ballot: Ballot, now) -> bool:
    return ballot.status == "open" and ballot.closes_at > now


def choices_check(ballot: Ballot, option_ids) -> list[int]:
    try:
        ids = sorted({int(i) for i in option_ids or []})
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose projects from the ballot."), field="options") from None
    if not ids:
        raise ValidationFailed(_("Choose at least one project."), field="options", code="no_choice")
    costs = dict(BallotOption.objects.filter(ballot=ballot, pk__in=ids).values_list("pk", "cost"))
    if len(costs) != len(ids):
        raise ValidationFailed(_("Choose projects from the ballot."), field="options")
    total = sum(costs.values(), Decimal("0"))
    if total > ballot.budget:
        raise ValidationFailed(_("Your choice costs %(t)s yuan, more than the budget of %(b)s yuan. Drop a project.")
                               % {"t": total, "b": ballot.budget}, field="options", code="over_budget")
    return ids


def _participation_insert(*, ballot: Ballot, household: Unit, method: str, recorded_by, recorded_by_name: str) -> bool:
    """Insert the participation unless the household has one on this ballot (the unique constraint
    decides, so two concurrent votes of one household cannot both pass). One statement, no savepoint:
    INSERT … ON CONFLICT DO NOTHING RETURNING (PostgreSQL and SQLite >= 3.35). False when it existed."""
    table = connection.ops.quote_name(BallotParticipation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (ballot_id, household_id, unit_path, method, recorded_by_id, recorded_by_name) "  # noqa: S608  # nosec B608  # table from model metadata, values bound
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (ballot_id, household_id) DO NOTHING RETURNING id",
            [ballot.pk, household.pk, household.path, method, getattr(recorded_by, "pk", None), recorded_by_name])
        return cursor.fetchone() is not None


def _cast(*, ballot: Ballot, household: Unit, ids: list[int], method: str, recorded_by=None,
          recorded_by_name: str = "", actor=None) -> None:
    """Write the participation and the paper. Must run inside the caller's transaction."""
    if not _participation_insert(ballot=ballot, household=household, method=method, recorded_by=recorded_by,
                                 recorded_by_name=recorded_by_name):
        raise Conflict(_("This household has voted on this ballot already; a household votes once."),
                       code="already_voted")
    BallotPaper.objects.create(ballot=ballot, choices=",".join(str(i) for i in ids))
    # The event names the ballot and the method; not the household, not the paper, not the choice.
    audit_record(actor=actor, action="ballot.vote", object_type="consult.ballot", object_id=ballot.pk,
                 unit_path=ballot.unit_path, changes={"method": method})


def _code_hash(ballot_id: int, phone_hash: str, code: str) -> str:
    return hashlib.sha256(f"{ballot_id}:{phone_hash}:{code}".encode("ascii", "replace")).hexdigest()


def _households_of(phone_hash: str, ballot: Ballot) -> list[Unit]:
    ids = set(Person.objects.filter(subtree_q(ballot.unit_path, "unit_path"), phone_hash=phone_hash,
                                    household__isnull=False).values_list("household_id", flat=True))
    return list(Unit.objects.filter(pk__in=ids, kind="household").order_by("id"))


def vote_code_send(*, ballot: Ballot, phone: str, client_address: str, household_code: str = "",
                   now=None) -> dict:
    """Send a 6-digit code to a phone registered on a household of the ballot's area. Returns the masked
    number and the household's name."""
    now = now or timezone.now()
    if not _is_open(ballot, now):
        raise Conflict(_("The ballot is not open for voting."), code="ballot_closed")
    phone = validate_phone(phone or "")
    if not phone.startswith("1"):
        raise ValidationFailed(_("An SMS code needs a mobile number (11 digits)."), field="phone", code="not_mobile")
    phone_hash = lookup_hash(phone)
    households = _households_of(phone_hash, ballot)
    if household_code:
        households = [h for h in households if h.code == household_code]
    if not households:
        raise ValidationFailed(_("This number is not registered on a household in the ballot's area. Ask your "
                                 "grid worker to check the registration or to record a paper ballot."),
                               field="phone", code="phone_unknown")
    if len(households) > 1:
        raise ValidationFailed(_("This number is registered on several households; ask your grid worker to record "
                                 "a paper ballot."), field="phone", code="phone_ambiguous")
    household = households[0]
    if BallotParticipation.objects.filter(ballot=ballot, household=household).exists():
        raise Conflict(_("This household has voted on this ballot already; a household votes once."),
                       code="already_voted")
    address = (client_address or "unknown")[:64]
    hour_ago = now - datetime.timedelta(hours=1)
    sent = list(VoteCode.objects.filter(ballot=ballot, phone_hash=phone_hash, created_at__gte=hour_ago)
                .order_by("-created_at").values_list("created_at", flat=True))
    if sent and now - sent[0] < CODE_GAP:
        wait = int((CODE_GAP - (now - sent[0])).total_seconds()) + 1
        raise Throttled(_("A code was sent to this number just now; you can ask again in %(s)d seconds.") % {"s": wait})
    per_address = getattr(settings, "JICENG_VOTE_CODES_PER_ADDRESS_HOUR", 30)
    if len(sent) >= CODES_PER_PHONE_HOUR or VoteCode.objects.filter(
            address=address, created_at__gte=hour_ago).count() >= per_address:
        raise Throttled(_("Too many codes were asked for. Please try again in an hour."))
    code = f"{secrets.randbelow(10 ** 6):06d}"
    with transaction.atomic():
        VoteCode.objects.create(ballot=ballot, household=household, phone_hash=phone_hash,
                                code_hash=_code_hash(ballot.pk, phone_hash, code), address=address, created_at=now,
                                expires_at=now + CODE_TTL)
        notify(Message(kind="consult.vote_code", channels=["sms"], phone_enc=encrypt_contact(phone),
                       text=_("Your code for voting on “%(t)s” is %(code)s, valid for 10 minutes. Do not tell it to "
                              "anyone.") % {"t": ballot.title[:30], "code": code}))
        audit_record(actor=None, action="ballot.vote_code_send", obj=ballot, changes={})
    return {"masked": mask_phone(phone), "household": household.name}


def ballot_vote_sms(*, ballot: Ballot, phone: str, code: str, option_ids, now=None) -> None:
    """A resident votes with the code sent to the phone registered on their household."""
    now = now or timezone.now()
    phone = validate_phone(phone or "")
    code = (code or "").strip()
    if not code.isdigit() or len(code) != 6:
        raise ValidationFailed(_("The SMS code has 6 digits."), field="code", code="code_format")
    phone_hash = lookup_hash(phone)
    wrong = None
    with transaction.atomic():
        ballot = Ballot.objects.get(pk=ballot.pk)
        if not _is_open(ballot, now):
            raise Conflict(_("The ballot is closed; votes are no longer taken."), code="ballot_closed")
        ids = choices_check(ballot, option_ids)
        check = (VoteCode.objects.select_for_update(of=("self",)).select_related("household")
                 .filter(ballot=ballot, phone_hash=phone_hash, used=False, expires_at__gt=now)
                 .order_by("-created_at").first())
        if check is None:
            raise ValidationFailed(_("Ask for an SMS code first; a code is valid for 10 minutes."), field="code",
                                   code="code_missing")
        if check.attempts >= CODE_TRIES:
            raise ValidationFailed(_("The code was entered wrongly too often; ask for a new one."), field="code",
                                   code="code_locked")
        if not hmac.compare_digest(check.code_hash, _code_hash(ballot.pk, phone_hash, code)):
            wrong = check
        else:
            VoteCode.objects.filter(pk=check.pk).update(used=True)
            _cast(ballot=ballot, household=check.household, ids=ids, method="sms")
    if wrong is not None:
        # The wrong try is counted in its own transaction; the vote is refused.
        VoteCode.objects.filter(pk=wrong.pk).update(attempts=F("attempts") + 1)
        raise ValidationFailed(_("The SMS code is not right; %(n)d tries left.")
                               % {"n": max(0, CODE_TRIES - wrong.attempts - 1)}, field="code", code="code_wrong")


def ballot_vote_paper(*, actor, ballot: Ballot, household: Unit, option_ids, now=None) -> None:
    """A grid worker records a household's paper ballot on the doorstep; their name is attached to the
    participation (not to the choice)."""
    require_scope(actor, household.path, "write")
    if household.kind != "household" or not household.path.startswith(ballot.unit_path):
        raise ValidationFailed(_("The household is not in the ballot's area."), field="household")
    now = now or timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.get(pk=ballot.pk)
        if not _is_open(ballot, now):
            raise Conflict(_("The ballot is closed; votes are no longer taken."), code="ballot_closed")
        ids = choices_check(ballot, option_ids)
        name = ""
        if actor is not None:
            name = (actor.get_full_name() or actor.username)[:60]
        _cast(ballot=ballot, household=household, ids=ids, method="paper", recorded_by=actor,
              recorded_by_name=name, actor=actor)


def ballots_bulk_cast(*, ballot: Ballot, votes: list[tuple[Unit, list[int]]], method: str = "sms") -> int:
    """System-only (demo city): many votes at once, each checked like a single one; participations and
    papers are inserted as two separately shuffled batches so their order says nothing."""
    import random

    parts, papers = [], []
    seen = set(BallotParticipation.objects.filter(ballot=ballot).values_list("household_id", flat=True))
    costs = dict(BallotOption.objects.filter(ballot=ballot).values_list("pk", "cost"))
    for household, ids in votes:
        ids = sorted(set(ids))
        if household.pk in seen:
            raise Conflict(_("This household has voted on this ballot already; a household votes once."))
        if not ids or any(i not in costs for i in ids) or sum(costs[i] for i in ids) > ballot.budget:
            raise ValidationFailed(_("Choose projects from the ballot."), field="options")
        seen.add(household.pk)
        parts.append((ballot.pk, household.pk, household.path, method, None, ""))
        papers.append((adapt(BallotPaper, "id", uuid.uuid4()), ballot.pk, ",".join(map(str, ids))))
    random.SystemRandom().shuffle(papers)
    with transaction.atomic():
        insert_rows(BallotParticipation, ["ballot_id", "household_id", "unit_path", "method", "recorded_by_id",
                                          "recorded_by_name"], parts)
        insert_rows(BallotPaper, ["id", "ballot_id", "choices"], papers)
        audit_record(actor=None, action="ballot.bulk_vote", obj=ballot, changes={"count": len(parts)})
    return len(parts)


# ---------------------------------------------------------------- tally and close


def tally(ballot: Ballot) -> dict:
    """Votes per option and the budget-constrained result: options in order of votes (ties: cheaper first,
    then the older option) are funded while the money lasts; an option that no longer fits is skipped and
    the next one is tried (as Decidim does). Each option gets the reason it won or lost."""
    options = list(BallotOption.objects.filter(ballot=ballot).order_by("id"))
    votes = {o.pk: 0 for o in options}
    papers = 0
    for choices, n in (BallotPaper.objects.filter(ballot=ballot).values_list("choices")
                       .annotate(n=Count("id")).values_list("choices", "n")):
        papers += n
        for part in choices.split(","):
            if part and int(part) in votes:
                votes[int(part)] += n
    remaining = ballot.budget
    ranked = sorted(options, key=lambda o: (-votes[o.pk], o.cost, o.pk))
    rows = []
    for rank, o in enumerate(ranked, start=1):
        v = votes[o.pk]
        if v == 0:
            won, reason = False, _("No votes.")
        elif o.cost <= remaining:
            remaining -= o.cost
            won, reason = True, _("Rank %(r)d by votes; its cost of %(c)s yuan fitted in the %(left)s yuan left.") % {
                "r": rank, "c": o.cost, "left": remaining + o.cost}
        else:
            won, reason = False, _("Rank %(r)d by votes, but it costs %(c)s yuan and only %(left)s yuan were left.") % {
                "r": rank, "c": o.cost, "left": remaining}
        rows.append({"option": o.pk, "title": o.title, "cost": str(o.cost), "votes": v, "rank": rank, "won": won,
                     "reason": str(reason)})
    return {"ballot": ballot.pk, "budget": str(ballot.budget), "papers": papers,
            "households": BallotParticipation.objects.filter(ballot=ballot).count(),
            "spent": str(ballot.budget - remaining), "left": str(remaining), "options": rows}


def ballot_result(ballot: Ballot) -> dict:
    """Live while open, frozen at close."""
    if ballot.status == "closed" and ballot.result is not None:
        return ballot.result
    return tally(ballot)


def ballot_close(*, actor, ballot: Ballot, now=None) -> Ballot:
    """Close the ballot, freeze the result, and make each winner a livelihood project chosen by the vote
    (funds), linked back from its option."""
    require_area(actor, ballot.unit_path, "supervise")
    now = now or timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ballot.pk)
        if ballot.status != "open":
            raise Conflict(_("Only an open ballot can be closed."))
        result = tally(ballot)
        ballot.status, ballot.closed_at, ballot.result = "closed", now, result
        ballot.save(update_fields=["status", "closed_at", "result"])
        winners = {row["option"] for row in result["options"] if row["won"]}
        for option in BallotOption.objects.filter(ballot=ballot, pk__in=winners):
            project = funds.livelihood_project_create(
                actor=None, unit=ballot.unit, title=option.title, estimated_cost=option.cost,
                description=option.description, source="ballot", source_ref=str(option.pk),
                today=timezone.localdate(now))
            project = funds.livelihood_feasibility(actor=None, project=project, feasible=True,
                                                   note=_("On the ballot “%(t)s”.") % {"t": ballot.title})
            project = funds.livelihood_choose(actor=None, project=project, chosen_by="vote",
                                              on=timezone.localdate(now))
            BallotOption.objects.filter(pk=option.pk).update(project=project)
        audit_record(actor=actor, action="ballot.close", obj=ballot,
                     changes={"papers": result["papers"], "winners": len(winners)})
    return ballot


def ballot_publish(*, actor, ballot: Ballot) -> Ballot:
    require_area(actor, ballot.unit_path, "supervise")
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.status != "closed":
            raise Conflict(_("A ballot's result is published after it closes."))
        ballot.published = True
        ballot.save(update_fields=["published"])
        audit_record(actor=actor, action="ballot.publish", obj=ballot)
    return ballot


def can_record_paper(user, ballot: Ballot) -> bool:
    """Grid workers (and anyone who may write) inside the ballot's area record paper ballots."""
    return any(g.unit_path.startswith(ballot.unit_path) or ballot.unit_path.startswith(g.unit_path)
               for g in user_grants(user) if user_can(user, g.unit_path, "write"))
