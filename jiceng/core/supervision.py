"""Supervision cards (督办): one mechanism for every app that supervises a lower level.

A card (`core.SupervisionCard`) is held by a unit and is about a generic subject ("app.model" or
"app.concept", id). Cases raise one when a case misses its deadline, projects and meetings when a
milestone, a meeting or an action item is late, funds when a county falls short of the fund standards
(a reminder letter with a deadline). Each app registers its kinds and their labels
(`kinds_register`, from its models module), raises cards through `card_raise` (one card, checked and
audited) or `cards_raise` (a sweep's batch, at most once per kind and subject), and resolves them
with `cards_resolve` when the subject is put right. Reads go through `cards_under` and `cards_about`,
which the apps narrow to their own kinds. A supervisor chases up (催办) the unit that must act on an open
card with `card_chase` (once per `CHASE_INTERVAL`; the card keeps when and how often in `data`).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.models import CARD_KIND_LABELS, SupervisionCard
from jiceng.core.notify import Message, notify, notify_many
from jiceng.core.scope import require_scope, scope_filter, subtree_q


def kinds_register(choices) -> None:
    """Register card kinds and their labels: `choices` is a TextChoices' `.choices` or (kind, label) pairs."""
    CARD_KIND_LABELS.update(dict(choices))


def kind_label(kind: str) -> str:
    return CARD_KIND_LABELS.get(kind, kind)


def _open_key(kind: str, subject_type: str, subject_id) -> str:
    return f"{kind}:{subject_type}:{subject_id}"[:120]


def card_raise(*, actor, kind: str, model=SupervisionCard, unit, subject_type: str, subject_id, title: str = "", body: str = "",
               deadline=None, missed_deadline=None, data: dict | None = None, exclusive: bool = False,
               now=None, audit_action: str | None = "card.raise", capability: str = "supervise",
               conflict_message: str = "") -> SupervisionCard:
    """Raise one card held by `unit`. With `exclusive`, a second open card of the same kind about the same
    subject is a Conflict (also under a race: the open key is unique). `actor=None` is the system (a
    sweep); a person needs `capability` on the holding unit. `audit_action=None` when the calling service
    audits the write that raised the card itself (a case breach is recorded on the case). `model` is the
    card model or an app's proxy of it (funds' ReminderLetter)."""
    require_scope(actor, unit.path, capability)
    conflict = conflict_message or _("An open card about this already exists.")
    key = _open_key(kind, subject_type, subject_id) if exclusive else None
    with transaction.atomic():
        if key and SupervisionCard.objects.filter(open_key=key).exists():
            raise Conflict(conflict)
        try:
            with transaction.atomic():
                card = model.objects.create(
                    kind=kind, unit=unit, unit_path=unit.path, subject_type=subject_type, subject_id=str(subject_id),
                    title=title, body=body, deadline=deadline, missed_deadline=missed_deadline, data=data or {},
                    raised_by=actor if getattr(actor, "pk", None) else None, raised_at=now or timezone.now(),
                    open_key=key)
        except IntegrityError:
            raise Conflict(conflict) from None
        _tell_desks([card])
        if audit_action:
            audit_record(actor=actor, action=audit_action, obj=card,
                         changes={"kind": kind, "subject": f"{subject_type}:{subject_id}", **(data or {}),
                                  **({"deadline": deadline} if deadline else {})})
    return card


def _tell_desks(cards: list[SupervisionCard]) -> None:
    """Each new card reaches the holding unit's desk (in-app, and the outward channels), once per card."""
    notify_many([Message(kind="card.raise", unit_path=c.unit_path, subject_type="core.supervisioncard",
                         subject_id=str(c.pk or ""), subject_label=kind_label(c.kind)[:80],
                         text=_("Supervision card: %(kind)s — %(title)s") % {"kind": kind_label(c.kind),
                                                                           "title": c.title or c.subject_id},
                         key=f"card:{c.open_key or c.pk}"[:80]) for c in cards])


def cards_raise(*, cards: list[SupervisionCard], now=None, audit_action: str = "card.raise") -> int:
    """Raise a sweep's cards (system action), at most once per (kind, subject), ever: a subject whose card
    was resolved gets no second one. Returns how many are new."""
    if not cards:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        existing = set(SupervisionCard.objects.filter(
            kind__in={c.kind for c in cards}, subject_type__in={c.subject_type for c in cards},
            subject_id__in=[str(c.subject_id) for c in cards]).values_list("kind", "subject_type", "subject_id"))
        new = []
        for card in cards:
            key = (card.kind, card.subject_type, str(card.subject_id))
            if key in existing:
                continue
            existing.add(key)
            card.subject_id, card.raised_at = str(card.subject_id), now
            card.open_key = _open_key(*key)
            new.append(card)
        SupervisionCard.objects.bulk_create(new, batch_size=1000)
        _tell_desks(new)
        if new:
            audit_record(actor=None, action=audit_action, object_type="core.supervisioncard",
                         unit_path=min((c.unit_path for c in new), key=len),
                         changes={"count": len(new), "kinds": sorted({c.kind for c in new})})
    return len(new)


def cards_resolve(*, kinds: list[str], subject_type: str, subject_ids: list, now=None) -> int:
    """Mark the open cards about these subjects resolved (inside the resolving service's transaction, which
    audits the change that resolved them). Returns how many."""
    return SupervisionCard.objects.filter(kind__in=kinds, subject_type=subject_type,
                                          subject_id__in=[str(i) for i in subject_ids],
                                          resolved_at__isnull=True).update(resolved_at=now or timezone.now(),
                                                                           open_key=None)


def card_resolve(*, card: SupervisionCard, now=None, audit_action: str | None = None) -> bool:
    """Resolve one open card (system action: its subject was put right). Returns whether it was open."""
    with transaction.atomic():
        done = SupervisionCard.objects.filter(pk=card.pk, resolved_at__isnull=True).update(
            resolved_at=now or timezone.now(), open_key=None)
        if done and audit_action:
            audit_record(actor=None, action=audit_action, obj=card, changes=dict(card.data))
    return bool(done)


def cards_under(*, user, unit, kinds, open_only: bool = True):
    """Cards of `kinds` held at or under `unit`, within the user's scope."""
    qs = scope_filter(SupervisionCard.objects.filter(subtree_q(unit.path, "unit_path"), kind__in=list(kinds)),
                      user, "unit_path")
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs


def cards_about(*, subject_type: str, subject_ids, kinds=None, open_only: bool = False):
    """Cards about these subjects (not scope-filtered: the caller has loaded the subjects through its
    access helper)."""
    qs = SupervisionCard.objects.filter(subject_type=subject_type, subject_id__in=[str(i) for i in subject_ids])
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs


CHASE_INTERVAL = datetime.timedelta(hours=1)


def card_chase(*, actor, card: SupervisionCard, notify_path: str, text: str, link: str = "", now=None,
               interval: datetime.timedelta = CHASE_INTERVAL, audit_action: str | None = "card.chase") -> SupervisionCard:
    """Chase up (催办) the unit that must act on an open card: a person with `supervise` on the card's
    holding unit (404 outside it, 403 without the role) tells the unit at `notify_path` (in-app and the
    outward channels). A second chase within `interval` is refused with the moment the next one is
    allowed. The card records the last chase and the count in `data` (the calling app may write the
    chase on its subject's timeline and audit it there: `audit_action=None`)."""
    require_scope(actor, card.unit_path, "supervise")
    now = now or timezone.now()
    with transaction.atomic():
        card = SupervisionCard.objects.select_for_update(of=("self",)).select_related("unit").get(pk=card.pk)
        if card.resolved_at is not None:
            raise ValidationFailed(_("This supervision card is resolved; there is nothing to chase up."),
                                   code="card_resolved")
        last = card.data.get("chased_at")
        last = datetime.datetime.fromisoformat(last) if last else None
        if last is not None and now < last + interval:
            raise ValidationFailed(
                _("This card was chased up at %(at)s; it can be chased up again from %(next)s.")
                % {"at": timezone.localtime(last).strftime("%H:%M"),
                   "next": timezone.localtime(last + interval).strftime("%H:%M")}, code="chased_recently")
        chases = int(card.data.get("chases", 0)) + 1
        card.data = {**card.data, "chased_at": now.isoformat(), "chases": chases}
        card.save(update_fields=["data"])
        notify(Message(kind="card.chase", unit_path=notify_path, subject_type=card.subject_type,
                       subject_id=card.subject_id, subject_label=(card.title or kind_label(card.kind))[:80],
                       link=link, text=text, key=f"chase:{card.pk}:{chases}"[:80]))
        if audit_action:
            audit_record(actor=actor, action=audit_action, obj=card, changes={"chases": chases})
    return card
