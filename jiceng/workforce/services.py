"""Writes of the workforce app. "County recruits, street manages, community uses" 县级招、街道管、社区用
maps onto the capabilities of jiceng/core/roles.py:

- RECRUIT (`manage_users`: city admin, county official): create workers, set the grade scale and the
  pay table, approve payrolls, decide appeals, keep the devolved-powers catalogue and grant powers;
- MANAGE (`supervise`: + street official): transfer between the street's communities, suspend,
  resume, end, change of post, two-committee seats, evaluations, prepare payrolls, street configuration;
- USE (`write` at the community: + community worker): attendance, appeals on a worker's behalf;
- VIEW (`reveal_pii`): see the roster, pay and evaluations (grid workers, party members and residents
  do not).

Each write checks scope with `require_scope` at the unit concerned (404 outside, 403 for the role).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_objects, insert_values
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.excel import RowErrors, write_xlsx_table
from jiceng.core.scope import require_scope, require_scope_all, subtree_q
from jiceng.orgs.models import Unit, UnitKind
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create, pii_columns, validate_person_fields
from jiceng.workforce import grades, pay
from jiceng.workforce.models import (
    SEAT_ROLES,
    Attendance,
    Channel,
    Committee,
    CommitteeSeat,
    ConfigItem,
    Education,
    Evaluation,
    EvaluationStatus,
    GradeScale,
    GradeStep,
    PayrollLine,
    PayrollRun,
    PayTable,
    Post,
    PostChange,
    Power,
    PowerGrant,
    Qualification,
    RunStatus,
    StreetConfig,
    Worker,
    WorkerStatus,
)

RECRUIT, MANAGE, USE, VIEW = "manage_users", "supervise", "write", "reveal_pii"
EARLIEST_HIRE = datetime.date(1970, 1, 1)
RUBRIC = [("political", 25), ("ability", 25), ("performance", 30), ("residents", 20)]
RATING_THRESHOLDS = [(90, "excellent"), (75, "competent"), (60, "basic"), (0, "incompetent")]


# --- helpers -------------------------------------------------------------------------------------

def _today(today=None) -> datetime.date:
    return today or timezone.localdate()


def county_code_of(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return codes[1] if len(codes) > 1 else codes[0]


def street_path_of(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return "/" + "/".join(codes[:3]) + "/"


def scale_for(path: str) -> grades.Scale:
    """The grade scale of the county a path lies in (the source's defaults when it has set none)."""
    row = GradeScale.objects.filter(county__code=county_code_of(path)).first()
    return scale_from_row(row)


def scale_from_row(row: GradeScale | None) -> grades.Scale:
    if row is None:
        return grades.Scale()
    return grades.Scale(
        bands={"principal": (row.principal_low, row.principal_high), "deputy": (row.deputy_low, row.deputy_high),
               "other": (row.other_low, row.other_high)},
        years_per_grade=row.years_per_grade,
        education_years={"bachelor": row.bachelor_years, "master": row.master_years, "doctor": row.doctor_years})


def _choice(value, choices, field, message):
    if value not in choices.values:
        raise ValidationFailed(message, field=field)
    return value


def validate_worker_fields(*, post, channel, hire_date, education, qualification, grade, scale, today):
    if not post:
        raise ValidationFailed(_("The post is missing (principal, deputy or other)."), field="post")
    _choice(post, Post, "post", _("The post is principal, deputy or other."))
    _choice(channel, Channel, "channel", _("The recruitment channel is transition, cadre recruitment or open "
                                           "recruitment."))
    _choice(education, Education, "education", _("Unknown education level."))
    _choice(qualification or "none", Qualification, "qualification", _("Unknown social-work qualification."))
    if not isinstance(hire_date, datetime.date):
        raise ValidationFailed(_("The hire date is missing or not a date."), field="hire_date")
    if hire_date > today:
        raise ValidationFailed(_("The hire date cannot be in the future."), field="hire_date")
    if hire_date < EARLIEST_HIRE:
        raise ValidationFailed(_("The hire date is before 1970."), field="hire_date")
    if grade is not None:
        low, high = scale.band(post)
        if not isinstance(grade, int) or not low <= grade <= high:
            raise ValidationFailed(_("Grade %(grade)s is outside the band of this post (%(low)d–%(high)d).")
                                   % {"grade": grade, "low": low, "high": high}, field="grade")


def normalize_account(value: str) -> str:
    account = re.sub(r"[\s-]", "", value or "")
    if account and not re.fullmatch(r"\d{10,30}", account):
        raise ValidationFailed(_("A bank account number has 10 to 30 digits."), field="bank_account")
    return account


def mask_account(account: str) -> str:
    if not account:
        return ""
    return account[:4] + "*" * (len(account) - 8) + account[-4:]


def _history_for(worker: Worker, scale: grades.Scale, today, *, ratings=None, changes=None):
    if ratings is None:
        ratings = dict(worker.evaluations.values_list("year", "rating"))
    if changes is None:
        changes = list(worker.post_changes.order_by("effective_on").values_list("effective_on", "post"))
    first_post = worker.post
    if changes:  # the post held at hire is the one before the first change
        first_post = worker.initial_post if hasattr(worker, "initial_post") else _initial_post(worker)
    return grades.grade_history(scale, hire_date=worker.hire_date, post=first_post, education=worker.education,
                                qualification=worker.qualification, as_of=today, ratings=ratings,
                                post_changes=changes, start_grade=worker.start_grade)


def _initial_post(worker: Worker) -> str:
    step = GradeStep.objects.filter(worker=worker, seq=0).values_list("post", flat=True).first()
    return step or worker.post


def _steps_rows(worker: Worker, steps) -> list[GradeStep]:
    return [GradeStep(worker_id=worker.pk, unit_path=worker.unit_path, seq=i, effective_on=s.effective_on,
                      post=s.post, grade=s.grade, rule=s.rule, detail=s.detail) for i, s in enumerate(steps)]


def grade_recompute(*, worker: Worker, today=None) -> bool:
    """Rebuild a worker's grade history from the rules (inside the caller's transaction). True when the
    history changed; the steps already recorded and unchanged keep their `recorded_at`."""
    today = _today(today)
    worker.initial_post = _initial_post(worker)
    steps = _history_for(worker, scale_for(worker.unit_path), today)
    old = list(GradeStep.objects.filter(worker=worker).order_by("seq"))
    same = 0
    for a, b in zip(old, steps, strict=False):
        if (a.effective_on, a.post, a.grade, a.rule) != (b.effective_on, b.post, b.grade, b.rule):
            break
        same += 1
    if same == len(old) == len(steps):
        return False
    GradeStep.objects.filter(worker=worker, seq__gte=same).delete()
    GradeStep.objects.bulk_create(_steps_rows(worker, steps)[same:])
    new_grade, new_post = steps[-1].grade, steps[-1].post
    if (worker.grade, worker.post) != (new_grade, new_post):
        Worker.objects.filter(pk=worker.pk).update(grade=new_grade, post=new_post, updated_at=timezone.now())
        worker.grade, worker.post = new_grade, new_post
    return True


# --- grade scale ---------------------------------------------------------------------------------

def grade_scale_set(*, actor, county: Unit, **fields) -> GradeScale:
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("A grade scale belongs to a county."), field="county")
    require_scope(actor, county.path, RECRUIT)
    allowed = {f.name for f in GradeScale._meta.fields} - {"id", "county", "unit_path"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field."), field=sorted(unknown)[0])
    row = GradeScale.objects.filter(county=county).first() or GradeScale(county=county, unit_path=county.path)
    for key, value in fields.items():
        if not isinstance(value, int) or value < 0:
            raise ValidationFailed(_("A whole number is needed."), field=key)
        setattr(row, key, value)
    for post in ("principal", "deputy", "other"):
        low, high = getattr(row, f"{post}_low"), getattr(row, f"{post}_high")
        if not 1 <= low <= high <= 18:
            raise ValidationFailed(_("A band lies within grades 1–18, lowest first."), field=f"{post}_low")
    if not 1 <= row.years_per_grade <= 10:
        raise ValidationFailed(_("Years per grade are 1 to 10."), field="years_per_grade")
    for key in ("bachelor_years", "master_years", "doctor_years"):
        if getattr(row, key) > 20:
            raise ValidationFailed(_("At most 20 years are credited for education."), field=key)
    with transaction.atomic():
        row.save()
        today = _today()
        for worker in Worker.objects.filter(subtree_q(county.path, "unit_path")).exclude(status=WorkerStatus.ENDED):
            grade_recompute(worker=worker, today=today)
        audit_record(actor=actor, action="grade_scale.set", obj=row, changes=fields)
    return row


# --- workers -------------------------------------------------------------------------------------

def _community(unit: Unit):
    if unit is None or unit.kind != UnitKind.COMMUNITY:
        raise ValidationFailed(_("A worker's post is in a community."), field="community")


def _new_person(*, community, name, id_number, phone, gender=None, birth_date=None) -> Person:
    if not id_number:
        raise ValidationFailed(_("A worker's identity number is required."), field="id_number")
    name, gender, birth_date, norm_id, norm_phone = validate_person_fields(
        name=name, gender=gender, birth_date=birth_date, id_number=id_number, phone=phone, household=None)
    return Person(name=name, gender=gender, birth_date=birth_date, household=None, unit_path=community.path,
                  is_resident=False, **pii_columns(id_number=norm_id, phone=norm_phone))


def worker_create(*, actor, community: Unit, post: str, channel: str, hire_date, education: str,
                  qualification: str = "none", person: Person | None = None, name: str = "", id_number: str = "",
                  phone: str = "", title: str = "", grade: int | None = None, bank_account: str = "",
                  today=None) -> Worker:
    """The county recruits: a worker for a person of the registry (found by identity number, or
    registered here as a non-resident of the community)."""
    _community(community)
    require_scope(actor, community.path, RECRUIT)
    today = _today(today)
    scale = scale_for(community.path)
    validate_worker_fields(post=post, channel=channel, hire_date=hire_date, education=education,
                           qualification=qualification, grade=grade, scale=scale, today=today)
    if len(title or "") > 40:
        raise ValidationFailed(_("A title has at most 40 characters."), field="title")
    account = normalize_account(bank_account)
    with transaction.atomic():
        if person is None:
            new = _new_person(community=community, name=name, id_number=id_number, phone=phone)
            person = Person.objects.filter(id_number_hash=new.id_number_hash).first()
            if person is not None:
                require_scope(actor, person.unit_path, "read")
            else:
                people_bulk_create(actor=actor, people=[new], note="worker")
                person = new
        else:
            require_scope(actor, person.unit_path, "read")
        if Worker.objects.filter(person=person).exclude(status=WorkerStatus.ENDED).exists():
            raise Conflict(_("This person already holds a worker's post."), field="id_number")
        worker = Worker(person=person, community=community, unit_path=community.path, post=post, title=title or "",
                        gender=person.gender, birth_date=person.birth_date,
                        channel=channel, hire_date=hire_date, education=education,
                        qualification=qualification or "none", grade=grade or 0, start_grade=grade,
                        bank_account_enc=crypto.encrypt(account) if account else "",
                        bank_account_masked=mask_account(account))
        try:
            with transaction.atomic():
                worker.save()
        except IntegrityError:
            raise Conflict(_("This person already holds a worker's post."), field="id_number") from None
        steps = _history_for(worker, scale, today, ratings={}, changes=[])
        GradeStep.objects.bulk_create(_steps_rows(worker, steps))
        Worker.objects.filter(pk=worker.pk).update(grade=steps[-1].grade)
        worker.grade = steps[-1].grade
        _link_seats(worker)
        audit_record(actor=actor, action="worker.create", obj=worker,
                     changes={"community": community.code, "post": post, "channel": channel,
                              "hire_date": hire_date, "grade": worker.grade,
                              "bank_account": "(set)" if account else ""})
    return worker


def _link_seats(worker: Worker):
    CommitteeSeat.objects.filter(person_id=worker.person_id, community_id=worker.community_id,
                                 worker__isnull=True).update(worker=worker)


def workers_bulk_create(*, actor, rows: list[dict], note: str = "", today=None) -> list[Worker]:
    """Many workers at once (demo city, Excel import): every row validated first (a ValidationFailed
    carries `errors` with the row and column), then people, workers and grade steps inserted in one
    transaction, one audit event. A row: community (Unit), post, channel, hire_date, education,
    qualification, grade (or None), title, bank_account, and either person or name/id_number/phone;
    `row` (the sheet row number, for messages) and `ratings` ({year: rating}, demo only) optional."""
    today = _today(today)
    errors = RowErrors()
    scales: dict[str, grades.Scale] = {}
    paths = set()
    prepared = []
    seen_ids = set()
    for i, row in enumerate(rows):
        number = row.get("row", i + 1)
        community = row.get("community")
        try:
            _community(community)
            key = county_code_of(community.path)
            if key not in scales:
                scales[key] = scale_for(community.path)
            validate_worker_fields(post=row.get("post"), channel=row.get("channel"), hire_date=row.get("hire_date"),
                                   education=row.get("education"), qualification=row.get("qualification") or "none",
                                   grade=row.get("grade"), scale=scales[key], today=today)
            account = normalize_account(row.get("bank_account", ""))
            person = row.get("person") or _new_person(community=community, name=row.get("name", ""),
                                                      id_number=row.get("id_number", ""), phone=row.get("phone", ""))
        except ValidationFailed as exc:
            errors.add(number, exc.field or "", exc.message)
            continue
        if person.pk is None:
            if person.id_number_hash in seen_ids:
                errors.add(number, "id_number", _("The same identity number appears twice in the file."))
                continue
            seen_ids.add(person.id_number_hash)
        paths.add(community.path)
        prepared.append((row, community, person, account, scales[county_code_of(community.path)]))
    errors.raise_if_any()
    require_scope_all(actor, paths, RECRUIT)
    with transaction.atomic():
        new_people = [p for _r, _c, p, _a, _s in prepared if p.pk is None]
        if new_people:
            known = set(Person.objects.filter(id_number_hash__in=[p.id_number_hash for p in new_people])
                        .values_list("id_number_hash", flat=True))
            if known:
                for row, _c, p, _a, _s in prepared:
                    if p.pk is None and p.id_number_hash in known:
                        errors.add(row.get("row", 0), "id_number",
                                   _("A person with this identity number is already registered."))
                errors.raise_if_any()
            people_bulk_create(actor=actor, people=new_people, note=note or "workers")
        workers = []
        for row, community, person, account, _scale in prepared:
            workers.append(Worker(
                person_id=person.pk, community=community, unit_path=community.path, post=row["post"],
                gender=person.gender, birth_date=person.birth_date,
                title=row.get("title", "") or "", channel=row["channel"], hire_date=row["hire_date"],
                education=row["education"], qualification=row.get("qualification") or "none",
                grade=row.get("grade") or 0, start_grade=row.get("grade"),
                bank_account_enc=crypto.encrypt(account) if account else "", bank_account_masked=mask_account(account),
                status=row.get("status", WorkerStatus.ACTIVE)))
        busy = set(Worker.objects.filter(person_id__in=[w.person_id for w in workers])
                   .exclude(status=WorkerStatus.ENDED).values_list("person_id", flat=True))
        if busy:
            for (row, *_rest), w in zip(prepared, workers, strict=True):
                if w.person_id in busy:
                    errors.add(row.get("row", 0), "id_number", _("This person already holds a worker's post."))
            errors.raise_if_any()
        histories = []
        for (row, _c, _p, _a, scale), worker in zip(prepared, workers, strict=True):
            history = grades.grade_history(scale, hire_date=worker.hire_date, post=worker.post,
                                           education=worker.education, qualification=worker.qualification,
                                           as_of=today, ratings=row.get("ratings") or {},
                                           start_grade=worker.start_grade)
            worker.grade = history[-1].grade
            histories.append(history)
        Worker.objects.bulk_create(workers, batch_size=2000)
        steps = []
        for worker, history in zip(workers, histories, strict=True):
            steps.extend(_steps_rows(worker, history))
        insert_objects(GradeStep, steps)
        audit_record(actor=actor, action="worker.bulk_create", object_type="workforce.worker",
                     unit_path=min(paths, key=len) if paths else "", changes={"count": len(workers), "note": note})
    return workers


def worker_transfer(*, actor, worker: Worker, community: Unit) -> Worker:
    """The street moves a worker between its own communities."""
    _community(community)
    require_scope(actor, worker.unit_path, MANAGE)
    require_scope(actor, community.path, MANAGE)
    if worker.status == WorkerStatus.ENDED:
        raise Conflict(_("This worker's post has ended."))
    if community.pk == worker.community_id:
        raise ValidationFailed(_("The worker is already in this community."), field="community")
    if street_path_of(community.path) != street_path_of(worker.unit_path):
        raise ValidationFailed(_("A street transfers workers between its own communities."), field="community")
    old = worker.community.code
    with transaction.atomic():
        Worker.objects.filter(pk=worker.pk).update(community=community, unit_path=community.path,
                                                   updated_at=timezone.now())
        for model in (GradeStep, Attendance, Evaluation, PostChange):
            model.objects.filter(worker_id=worker.pk).update(unit_path=community.path)
        worker.community, worker.unit_path = community, community.path
        audit_record(actor=actor, action="worker.transfer", obj=worker, changes={"from": old, "to": community.code})
    return worker


def worker_status_set(*, actor, worker: Worker, status: str, reason: str = "", on=None) -> Worker:
    """Suspend, resume or end a worker's post (the street manages)."""
    require_scope(actor, worker.unit_path, MANAGE)
    _choice(status, WorkerStatus, "status", _("Unknown status."))
    if worker.status == WorkerStatus.ENDED:
        raise Conflict(_("This worker's post has ended."))
    if status == worker.status:
        raise ValidationFailed(_("The worker already has this status."), field="status")
    reason = (reason or "").strip()
    if status != WorkerStatus.ACTIVE and not reason:
        raise ValidationFailed(_("Please give the reason."), field="reason")
    if len(reason) > 200:
        raise ValidationFailed(_("A reason has at most 200 characters."), field="reason")
    on = on or _today()
    if status == WorkerStatus.ENDED and (on > _today() or on < worker.hire_date):
        raise ValidationFailed(_("The end date lies between the hire date and today."), field="ended_on")
    with transaction.atomic():
        Worker.objects.filter(pk=worker.pk).update(status=status, updated_at=timezone.now(),
                                                   ended_on=on if status == WorkerStatus.ENDED else None)
        worker.status = status
        audit_record(actor=actor, action=f"worker.{status}", obj=worker, changes={"reason": reason})
    return worker


def worker_post_change(*, actor, worker: Worker, post: str, effective_on, today=None) -> Worker:
    require_scope(actor, worker.unit_path, MANAGE)
    today = _today(today)
    _choice(post, Post, "post", _("The post is principal, deputy or other."))
    if worker.status == WorkerStatus.ENDED:
        raise Conflict(_("This worker's post has ended."))
    if post == worker.post:
        raise ValidationFailed(_("The worker already holds this post."), field="post")
    if not isinstance(effective_on, datetime.date) or effective_on > today or effective_on <= worker.hire_date:
        raise ValidationFailed(_("The change takes effect after the hire date and not in the future."),
                               field="effective_on")
    last = worker.post_changes.aggregate(m=Max("effective_on"))["m"]
    if last and effective_on <= last:
        raise ValidationFailed(_("A change of post comes after the previous one."), field="effective_on")
    with transaction.atomic():
        PostChange.objects.create(worker=worker, unit_path=worker.unit_path, effective_on=effective_on, post=post)
        old = worker.grade
        grade_recompute(worker=worker, today=today)
        audit_record(actor=actor, action="worker.post_change", obj=worker,
                     changes={"post": post, "effective_on": effective_on, "grade": [old, worker.grade]})
    return worker


def worker_reveal_account(*, actor, worker: Worker) -> str:
    require_scope(actor, worker.unit_path, VIEW)
    with transaction.atomic():
        audit_record(actor=actor, action="worker.reveal", obj=worker, changes={"field": "bank_account"})
    return crypto.decrypt(worker.bank_account_enc) if worker.bank_account_enc else ""


# --- attendance ----------------------------------------------------------------------------------

def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _approved(street_path: str, month: datetime.date) -> bool:
    return PayrollRun.objects.filter(unit_path=street_path, month=month, status=RunStatus.APPROVED).exists()


def attendance_set(*, actor, worker: Worker, month, days_required: int, days_present: int, today=None) -> Attendance:
    """The community enters a worker's attendance for a month."""
    require_scope(actor, worker.unit_path, USE)
    today = _today(today)
    if not isinstance(month, datetime.date):
        raise ValidationFailed(_("The month is missing."), field="month")
    month = first_of_month(month)
    if month > first_of_month(today):
        raise ValidationFailed(_("Attendance cannot be entered for a future month."), field="month")
    if month < first_of_month(worker.hire_date):
        raise ValidationFailed(_("The month is before the hire date."), field="month")
    if not isinstance(days_required, int) or not 1 <= days_required <= 31:
        raise ValidationFailed(_("Working days in a month are 1 to 31."), field="days_required")
    if not isinstance(days_present, int) or not 0 <= days_present <= days_required:
        raise ValidationFailed(_("Days present are between 0 and the working days."), field="days_present")
    if _approved(street_path_of(worker.unit_path), month):
        raise Conflict(_("The payroll of this month is approved; attendance can no longer change."), field="month")
    with transaction.atomic():
        row, _created = Attendance.objects.update_or_create(
            worker=worker, month=month, defaults={"unit_path": worker.unit_path, "days_required": days_required,
                                                  "days_present": days_present})
        audit_record(actor=actor, action="attendance.set", obj=row,
                     changes={"worker": worker.pk, "month": month, "present": days_present,
                              "required": days_required})
    return row


def attendance_bulk_create(*, actor, rows: list[Attendance], note: str = "") -> int:
    """Many months of attendance at once (demo city); validated like `attendance_set`, one audit event."""
    if not rows:
        return 0
    paths = {r.unit_path for r in rows}
    require_scope_all(actor, paths, USE)
    for r in rows:
        if not 1 <= r.days_required <= 31 or not 0 <= r.days_present <= r.days_required or r.month.day != 1:
            raise ValidationFailed(_("Days present are between 0 and the working days."), field="days_present")
    with transaction.atomic():
        insert_objects(Attendance, rows)
        audit_record(actor=actor, action="attendance.bulk_create", object_type="workforce.attendance",
                     unit_path=min(paths, key=len), changes={"count": len(rows), "note": note})
    return len(rows)


# --- two-committee seats -------------------------------------------------------------------------

def seat_assign(*, actor, community: Unit, person: Person, committee: str, role: str, term_start, term_end,
                education: str = "") -> CommitteeSeat:
    _community(community)
    require_scope(actor, community.path, MANAGE)
    _choice(committee, Committee, "committee", _("The committee is the party committee or the residents' "
                                                 "committee."))
    if role not in SEAT_ROLES[committee]:
        raise ValidationFailed(_("This role does not exist on this committee."), field="role")
    if not isinstance(term_start, datetime.date) or not isinstance(term_end, datetime.date) or term_end <= term_start:
        raise ValidationFailed(_("A term ends after it starts."), field="term_end")
    if (term_end - term_start).days > 5 * 366:
        raise ValidationFailed(_("A term lasts at most five years."), field="term_end")
    if education:
        _choice(education, Education, "education", _("Unknown education level."))
    head = role in ("secretary", "director")
    with transaction.atomic():
        if head and CommitteeSeat.objects.filter(community=community, committee=committee, role=role,
                                                 term_start__lte=term_end, term_end__gte=term_start).exists():
            raise Conflict(_("This committee already has a head for that term."), field="role")
        worker = Worker.objects.filter(person=person, community=community).exclude(status=WorkerStatus.ENDED).first()
        seat = CommitteeSeat.objects.create(community=community, unit_path=community.path, person=person,
                                            worker=worker, committee=committee, role=role, term_start=term_start,
                                            gender=person.gender, birth_date=person.birth_date,
                                            term_end=term_end, education=education or (worker.education if worker else ""))
        audit_record(actor=actor, action="seat.assign", obj=seat,
                     changes={"person": person.pk, "committee": committee, "role": role})
    return seat


def seat_assign_by_id_number(*, actor, community: Unit, id_number: str, committee: str, role: str, term_start,
                             term_end, education: str = "") -> CommitteeSeat:
    """A seat for the person of the registry with this identity number (the seats page): the number is
    checked (check digit), the person must be registered and within the actor's reach."""
    from jiceng.core.pii import validate_id_number

    _community(community)
    require_scope(actor, community.path, MANAGE)
    norm = validate_id_number(id_number)
    person = Person.objects.filter(id_number_hash=pii_columns(id_number=norm)["id_number_hash"]).first()
    if person is None:
        raise ValidationFailed(_("No person with this identity number is registered; register the person first."),
                               field="id_number")
    require_scope(actor, person.unit_path, "read")
    return seat_assign(actor=actor, community=community, person=person, committee=committee, role=role,
                       term_start=term_start, term_end=term_end, education=education)


def seats_bulk_create(*, actor, seats: list[CommitteeSeat], note: str = "") -> int:
    if not seats:
        return 0
    paths = {s.unit_path for s in seats}
    require_scope_all(actor, paths, MANAGE)
    for s in seats:
        if s.role not in SEAT_ROLES.get(s.committee, ()) or s.term_end <= s.term_start:
            raise ValidationFailed(_("This role does not exist on this committee."), field="role")
    facts = dict((pk, (g, b)) for pk, g, b in Person.objects.filter(pk__in={s.person_id for s in seats})
                 .values_list("pk", "gender", "birth_date"))
    for s in seats:
        s.gender, s.birth_date = facts[s.person_id]
    with transaction.atomic():
        insert_objects(CommitteeSeat, seats)
        audit_record(actor=actor, action="seat.bulk_create", object_type="workforce.committeeseat",
                     unit_path=min(paths, key=len), changes={"count": len(seats), "note": note})
    return len(seats)


# --- evaluations ---------------------------------------------------------------------------------

def rating_for(total: int) -> str:
    for threshold, rating in RATING_THRESHOLDS:
        if total >= threshold:
            return rating
    return "incompetent"


def _scores(scores) -> tuple[dict, int]:
    if not isinstance(scores, dict):
        raise ValidationFailed(_("Scores are missing."), field="scores")
    out = {}
    for key, top in RUBRIC:
        value = scores.get(key)
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Every criterion needs a whole-number score."), field=key) from None
        if not 0 <= value <= top:
            raise ValidationFailed(_("A score lies between 0 and %(top)d.") % {"top": top}, field=key)
        out[key] = value
    return out, sum(out.values())


def evaluation_record(*, actor, worker: Worker, year: int, scores: dict, community_opinion: str = "",
                      today=None) -> Evaluation:
    """The street evaluates a worker of its communities for a year (管评考用)."""
    require_scope(actor, worker.unit_path, MANAGE)
    today = _today(today)
    if not isinstance(year, int) or not worker.hire_date.year <= year <= today.year:
        raise ValidationFailed(_("The year lies between the hire year and this year."), field="year")
    if len(community_opinion or "") > 1000:
        raise ValidationFailed(_("At most 1000 characters."), field="community_opinion")
    values, total = _scores(scores)
    with transaction.atomic():
        if Evaluation.objects.filter(worker=worker, year=year).exists():
            raise Conflict(_("This worker is already evaluated for that year."), field="year")
        evaluation = Evaluation.objects.create(worker=worker, unit_path=worker.unit_path, year=year, scores=values,
                                               total=total, rating=rating_for(total),
                                               community_opinion=(community_opinion or "").strip())
        grade_recompute(worker=worker, today=today)
        audit_record(actor=actor, action="evaluation.record", obj=evaluation,
                     changes={"worker": worker.pk, "year": year, "total": total, "rating": evaluation.rating})
    return evaluation


def evaluations_bulk_create(*, actor, evaluations: list[Evaluation], note: str = "") -> int:
    if not evaluations:
        return 0
    paths = {e.unit_path for e in evaluations}
    require_scope_all(actor, paths, MANAGE)
    for e in evaluations:
        values, total = _scores(e.scores)
        e.scores, e.total, e.rating = values, total, rating_for(total)
    with transaction.atomic():
        insert_objects(Evaluation, evaluations)
        audit_record(actor=actor, action="evaluation.bulk_create", object_type="workforce.evaluation",
                     unit_path=min(paths, key=len), changes={"count": len(evaluations), "note": note})
    return len(evaluations)


def evaluation_appeal(*, actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """The community appeals an evaluation on the worker's behalf; the county decides."""
    require_scope(actor, evaluation.unit_path, USE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Please give the reason for the appeal."), field="reason")
    if len(reason) > 1000:
        raise ValidationFailed(_("At most 1000 characters."), field="reason")
    with transaction.atomic():
        changed = Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.FINAL).update(
            status=EvaluationStatus.APPEALED, appeal_reason=reason)
        if not changed:
            raise Conflict(_("This evaluation was already appealed."))
        evaluation.status, evaluation.appeal_reason = EvaluationStatus.APPEALED, reason
        audit_record(actor=actor, action="evaluation.appeal", obj=evaluation, changes={"reason": reason})
    return evaluation


def evaluation_decide(*, actor, evaluation: Evaluation, revise: bool, note: str, scores: dict | None = None,
                      today=None) -> Evaluation:
    require_scope(actor, evaluation.unit_path, RECRUIT)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Please give the decision's reasons."), field="note")
    if len(note) > 1000:
        raise ValidationFailed(_("At most 1000 characters."), field="note")
    if evaluation.status != EvaluationStatus.APPEALED:
        raise Conflict(_("This evaluation is not under appeal."))
    fields = {"appeal_decision": note, "status": EvaluationStatus.UPHELD}
    if revise:
        values, total = _scores(scores)
        fields.update(scores=values, total=total, rating=rating_for(total), status=EvaluationStatus.REVISED)
    with transaction.atomic():
        if not Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.APPEALED).update(**fields):
            raise Conflict(_("This evaluation is not under appeal."))
        for key, value in fields.items():
            setattr(evaluation, key, value)
        grade_recompute(worker=evaluation.worker, today=_today(today))
        audit_record(actor=actor, action="evaluation.decide", obj=evaluation,
                     changes={"status": fields["status"], "total": evaluation.total})
    return evaluation


# --- pay table and payroll -----------------------------------------------------------------------

def pay_table_set(*, actor, county: Unit, year: int, base_amount, coefficients: dict | None = None) -> PayTable:
    if county.kind != UnitKind.COUNTY:
        raise ValidationFailed(_("A pay table belongs to a county."), field="county")
    require_scope(actor, county.path, RECRUIT)
    if not isinstance(year, int) or not 2000 <= year <= _today().year + 1:
        raise ValidationFailed(_("The year lies between 2000 and next year."), field="year")
    try:
        base = Decimal(str(base_amount))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("The base amount is a number of yuan."), field="base_amount") from None
    if not base.is_finite() or not Decimal(500) <= base <= Decimal(50000) or base != base.quantize(pay.FEN):
        raise ValidationFailed(_("The monthly base amount lies between 500 and 50,000 yuan, to the fen."),
                               field="base_amount")
    raw = coefficients or pay.default_coefficients()
    table = {}
    previous = Decimal(0)
    for grade in range(1, 19):
        value = raw.get(str(grade), raw.get(grade)) if isinstance(raw, dict) else None
        try:
            coefficient = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationFailed(_("Every grade 1–18 needs a coefficient."), field="coefficients") from None
        if not coefficient.is_finite() or not Decimal("0.5") <= coefficient <= Decimal(10) \
                or coefficient != coefficient.quantize(pay.FEN):
            raise ValidationFailed(_("A coefficient lies between 0.50 and 10.00."), field="coefficients")
        if coefficient < previous:
            raise ValidationFailed(_("A higher grade has a coefficient at least as high."), field="coefficients")
        previous = coefficient
        table[str(grade)] = str(coefficient)
    with transaction.atomic():
        before = PayTable.objects.select_for_update().filter(county=county, year=year).first()
        changed = {g: [before.coefficients.get(g), c] for g, c in table.items()
                   if before and before.coefficients.get(g) != c}
        row, _created = PayTable.objects.update_or_create(
            county=county, year=year, defaults={"unit_path": county.path, "base_amount": base, "coefficients": table})
        changes = {"year": year, "base_amount": [before.base_amount, base] if before else base}
        if changed or before is None:
            changes["coefficients"] = changed or table
        audit_record(actor=actor, action="pay_table.set", obj=row, changes=changes)
    return row


def _grade_on(steps: list[tuple], day: datetime.date) -> tuple[str, int] | None:
    """(post, grade) in effect on `day`, from (effective_on, post, grade) steps in order."""
    found = None
    for effective_on, post, grade in steps:
        if effective_on > day:
            break
        found = (post, grade)
    return found


def _month_end(month: datetime.date) -> datetime.date:
    nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def payroll_prepare(*, actor, street: Unit, month, today=None) -> PayrollRun:
    """The street prepares a month's payroll (again, while it is not approved): one line per worker
    active that month, and adjustments for grade changes that reach back into approved months."""
    if street.kind != UnitKind.STREET:
        raise ValidationFailed(_("A payroll is prepared by a street."), field="street")
    require_scope(actor, street.path, MANAGE)
    today = _today(today)
    if not isinstance(month, datetime.date):
        raise ValidationFailed(_("The month is missing."), field="month")
    month = first_of_month(month)
    if month > first_of_month(today):
        raise ValidationFailed(_("A payroll cannot be prepared for a future month."), field="month")
    county_code = county_code_of(street.path)
    table = PayTable.objects.filter(county__code=county_code, year=month.year).first()
    if table is None:
        raise ValidationFailed(_("The county has no pay table for %(year)d.") % {"year": month.year}, field="month")
    with transaction.atomic():
        existing = PayrollRun.objects.select_for_update().filter(street=street, month=month).first()
        if existing is not None and existing.status == RunStatus.APPROVED:
            raise Conflict(_("The payroll of %(month)s is already approved; later changes go into next month's "
                             "adjustments.") % {"month": month.strftime("%Y-%m")}, field="month")
        if existing is None:
            run = PayrollRun.objects.create(street=street, unit_path=street.path, month=month)
        else:
            run = existing
            PayrollLine.objects.filter(run=run).delete()
        lines = _payroll_lines(street, month, table, run)
        insert_values(PayrollLine, LINE_FIELDS, lines)
        total = sum((line[TOTAL] for line in lines), Decimal(0))
        PayrollRun.objects.filter(pk=run.pk).update(total=total, lines_count=len(lines), prepared_at=timezone.now())
        run.total, run.lines_count = total, len(lines)
        audit_record(actor=actor, action="payroll.prepare", obj=run,
                     changes={"month": month, "lines": len(lines), "total": total})
    return run


def _street_pay_data(street: Unit, months: list[datetime.date]) -> dict:
    """Everything the lines of a street's months need, in four queries."""
    last_end = _month_end(max(months))
    where = subtree_q(street.path, "unit_path")
    workers = list(Worker.objects.filter(where, status=WorkerStatus.ACTIVE, hire_date__lte=last_end)
                   .order_by("id").values_list("id", "unit_path", "person__name", "bank_account_masked", "hire_date"))
    steps: dict[int, list] = {}
    for worker_id, effective_on, post, grade in (GradeStep.objects.filter(where).order_by("worker_id", "seq")
                                                 .values_list("worker_id", "effective_on", "post", "grade")):
        steps.setdefault(worker_id, []).append((effective_on, post, grade))
    ratings: dict[int, dict] = {}
    for worker_id, year, rating in (Evaluation.objects.filter(where, year__lt=max(months).year)
                                    .values_list("worker_id", "year", "rating")):
        ratings.setdefault(worker_id, {})[year] = rating
    attendance = {(w, m): (p, r) for w, m, p, r in Attendance.objects.filter(where, month__in=months)
                  .values_list("worker_id", "month", "days_present", "days_required")}
    return {"workers": workers, "steps": steps, "ratings": ratings, "attendance": attendance}


LINE_FIELDS = ["run", "worker", "unit_path", "month", "name", "account_masked", "post", "grade", "coefficient",
               "rating", "attendance_ratio", "basic", "performance", "adjustment", "adjustment_note", "total"]
TOTAL = LINE_FIELDS.index("total")


def _lines_for(data: dict, month: datetime.date, table: PayTable, run_id: int, adjustments: dict) -> list[tuple]:
    """The month's lines as database-ready tuples in LINE_FIELDS order (no model instances: 20,000 lines
    a run)."""
    end = _month_end(month)
    month_db = adapt(PayrollLine, "month", month)
    base = table.base_amount
    coefficients = pay.parse_coefficients(table.coefficients)
    steps, ratings, attendance = data["steps"], data["ratings"], data["attendance"]
    zero = Decimal(0)
    lines = []
    for worker_id, unit_path, name, account, hire_date in data["workers"]:
        if hire_date > end:
            continue
        post_grade = _grade_on(steps.get(worker_id, ()), end)
        if post_grade is None:
            continue
        post, grade = post_grade
        rated = ratings.get(worker_id)
        rating = ""
        if rated:
            years = [y for y in rated if y < month.year]
            rating = rated[max(years)] if years else ""
        present, required = attendance.get((worker_id, month), (None, None))
        ratio = pay.attendance_ratio(present, required)
        adjustment, note = adjustments.get(worker_id, (zero, ""))
        coefficient = coefficients[grade]
        basic, performance, total = pay.line_amounts(base, coefficient, rating, ratio, adjustment)
        lines.append((run_id, worker_id, unit_path, month_db, name, account, post, grade, coefficient, rating, ratio,
                      basic, performance, adjustment, note, total))
    return lines


def _payroll_lines(street: Unit, month: datetime.date, table: PayTable, run: PayrollRun) -> list[tuple]:
    data = _street_pay_data(street, [month])
    return _lines_for(data, month, table, run.pk, _adjustments(street, month, data["steps"]))


def payrolls_bulk_approve(*, actor, street: Unit, months: list[datetime.date], today=None) -> list[PayrollRun]:
    """A street's past payrolls prepared and approved at once (demo city, migration of history): the same
    lines as `payroll_prepare`, no adjustments (nothing was approved before), one audit event."""
    if street.kind != UnitKind.STREET:
        raise ValidationFailed(_("A payroll is prepared by a street."), field="street")
    require_scope(actor, street.path, MANAGE)
    require_scope(actor, street.path, RECRUIT)
    today = _today(today)
    months = sorted({first_of_month(m) for m in months})
    if not months or months[-1] > first_of_month(today):
        raise ValidationFailed(_("A payroll cannot be prepared for a future month."), field="month")
    tables = {t.year: t for t in PayTable.objects.filter(county__code=county_code_of(street.path),
                                                        year__in={m.year for m in months})}
    for m in months:
        if m.year not in tables:
            raise ValidationFailed(_("The county has no pay table for %(year)d.") % {"year": m.year}, field="month")
    with transaction.atomic():
        if PayrollRun.objects.filter(street=street, month__in=months).exists():
            raise Conflict(_("A payroll of these months exists already."), field="month")
        now = timezone.now()
        runs = PayrollRun.objects.bulk_create([PayrollRun(street=street, unit_path=street.path, month=m,
                                                          status=RunStatus.APPROVED, approved_at=now) for m in months])
        data = _street_pay_data(street, months)
        all_lines = []
        for run in runs:
            lines = _lines_for(data, run.month, tables[run.month.year], run.pk, {})
            run.total, run.lines_count = sum((line[TOTAL] for line in lines), Decimal(0)), len(lines)
            all_lines.extend(lines)
        insert_values(PayrollLine, LINE_FIELDS, all_lines)
        PayrollRun.objects.bulk_update(runs, ["total", "lines_count"])
        audit_record(actor=actor, action="payroll.bulk_approve", object_type="workforce.payrollrun",
                     unit_path=street.path, changes={"months": [m.isoformat() for m in months],
                                                     "lines": len(all_lines)})
    return runs


def _adjustments(street: Unit, month: datetime.date, steps: dict) -> dict:
    """Grade changes reaching back into approved months of the last twelve: the difference between
    what the grade history now says and what was paid, carried by this month's line."""
    since = (month - datetime.timedelta(days=366)).replace(day=1)
    first_approval = (PayrollRun.objects.filter(street=street, status=RunStatus.APPROVED, month__gte=since,
                                                month__lt=month).aggregate(m=Min("approved_at"))["m"])
    if first_approval is None or not GradeStep.objects.filter(subtree_q(street.path, "unit_path"),
                                                              recorded_at__gt=first_approval).exists():
        return {}
    approved = list(PayrollLine.objects.filter(run__street=street, run__status=RunStatus.APPROVED, month__gte=since,
                                               month__lt=month).order_by("month", "id")
                    .only("worker_id", "month", "grade", "rating", "attendance_ratio", "adjustment_note"))
    if not approved:
        return {}
    paid, lines, settled = {}, {}, {}
    for line in approved:
        paid.setdefault(line.worker_id, []).append((line.month, line.grade))
        lines[(line.worker_id, line.month)] = line
        # An adjustment note lists "YYYY-MM:grade" for each month it settled, in month order.
        for part in line.adjustment_note.split(";"):
            if ":" in part:
                key, grade = part.strip().split(":", 1)
                settled[(line.worker_id, key)] = int(grade)
    tables = {t.year: t for t in PayTable.objects.filter(county__code=county_code_of(street.path))}
    out = {}
    for worker_id, months in paid.items():
        total = Decimal(0)
        notes = []
        for line_month, grade in months:
            key = line_month.strftime("%Y-%m")
            paid_grade = settled.get((worker_id, key), grade)
            now = _grade_on(steps.get(worker_id, []), _month_end(line_month))
            if now is None or now[1] == paid_grade:
                continue
            table = tables.get(line_month.year)
            if table is None:
                continue
            line = lines[(worker_id, line_month)]
            coefficients = pay.parse_coefficients(table.coefficients)
            _b, _p, should = pay.line_amounts(table.base_amount, coefficients[now[1]], line.rating,
                                              line.attendance_ratio)
            _b, _p, was = pay.line_amounts(table.base_amount, coefficients[paid_grade], line.rating,
                                           line.attendance_ratio)
            total += should - was
            notes.append(f"{key}:{now[1]}")
        if notes:
            out[worker_id] = (total, "; ".join(notes))
    return out


def payroll_approve(*, actor, run: PayrollRun) -> PayrollRun:
    """The county approves a street's payroll; it is frozen from then on."""
    require_scope(actor, run.unit_path, RECRUIT)
    with transaction.atomic():
        now = timezone.now()
        if not PayrollRun.objects.filter(pk=run.pk, status=RunStatus.PREPARED).update(status=RunStatus.APPROVED,
                                                                                       approved_at=now):
            raise Conflict(_("This payroll is already approved."))
        run.status, run.approved_at = RunStatus.APPROVED, now
        audit_record(actor=actor, action="payroll.approve", obj=run,
                     changes={"month": run.month, "total": run.total, "lines": run.lines_count})
    return run


def payroll_bank_sheet(*, actor, run: PayrollRun) -> bytes:
    """The bank transfer sheet of an approved run: number, name, masked account, amount (yuan, to the fen,
    the exact Decimal of the line). Written by `write_xlsx_table` (a province's payroll is tens of
    thousands of rows)."""
    require_scope(actor, run.unit_path, VIEW)
    if run.status != RunStatus.APPROVED:
        raise Conflict(_("Only an approved payroll goes to the bank."))
    rows = PayrollLine.objects.filter(run=run).order_by("unit_path", "name", "id").values_list(
        "name", "account_masked", "total")
    return write_xlsx_table([_("No."), _("Full name"), _("Account"), _("Amount (yuan)")],
                      ((i, name, account, amount) for i, (name, account, amount) in enumerate(rows, start=1)),
                      title=run.month.strftime("%Y-%m"))


# --- street configuration and devolved powers ------------------------------------------------------

def street_config_set(*, actor, street: Unit, item: str, present: bool, head: str = "", staffing: int = 0
                      ) -> StreetConfig:
    if street.kind != UnitKind.STREET:
        raise ValidationFailed(_("The standard configuration is a street's."), field="street")
    require_scope(actor, street.path, MANAGE)
    _choice(item, ConfigItem, "item", _("Unknown configuration item."))
    head = (head or "").strip()
    if len(head) > 60:
        raise ValidationFailed(_("A name has at most 60 characters."), field="head")
    if not isinstance(staffing, int) or not 0 <= staffing <= 200:
        raise ValidationFailed(_("Staffing is 0 to 200 people."), field="staffing")
    if not present and (head or staffing):
        raise ValidationFailed(_("A missing item has no head and no staff."), field="present")
    if present and staffing < 1:
        raise ValidationFailed(_("An item in place has at least one staff member."), field="staffing")
    with transaction.atomic():
        row, _created = StreetConfig.objects.update_or_create(
            street=street, item=item, defaults={"unit_path": street.path, "present": present, "head": head,
                                                "staffing": staffing})
        audit_record(actor=actor, action="street_config.set", obj=row,
                     changes={"item": item, "present": present, "staffing": staffing})
    return row


def street_configs_bulk_set(*, actor, rows: list[StreetConfig], note: str = "") -> int:
    paths = {r.unit_path for r in rows}
    require_scope_all(actor, paths, MANAGE)
    with transaction.atomic():
        StreetConfig.objects.filter(street_id__in={r.street_id for r in rows}).delete()
        StreetConfig.objects.bulk_create(rows, batch_size=2000)
        audit_record(actor=actor, action="street_config.bulk_set", object_type="workforce.streetconfig",
                     unit_path=min(paths, key=len) if paths else "", changes={"count": len(rows), "note": note})
    return len(rows)


def power_create(*, actor, owner: Unit, name: str, legal_basis: str, department: str) -> Power:
    if owner.kind not in (UnitKind.CITY, UnitKind.COUNTY):
        raise ValidationFailed(_("The catalogue of powers is kept by a county or the city."), field="owner")
    require_scope(actor, owner.path, RECRUIT)
    values = {"name": (name or "").strip(), "legal_basis": (legal_basis or "").strip(),
              "department": (department or "").strip()}
    limits = {"name": 120, "legal_basis": 200, "department": 80}
    for key, value in values.items():
        if not value:
            raise ValidationFailed(_("This field is required."), field=key)
        if len(value) > limits[key]:
            raise ValidationFailed(_("At most %(n)d characters.") % {"n": limits[key]}, field=key)
    with transaction.atomic():
        if Power.objects.filter(owner=owner, name=values["name"]).exists():
            raise Conflict(_("This power is already in the catalogue."), field="name")
        power = Power.objects.create(owner=owner, unit_path=owner.path, **values)
        audit_record(actor=actor, action="power.create", obj=power, changes=values)
    return power


def power_grant(*, actor, power: Power, street: Unit, granted_on, document: str, today=None) -> PowerGrant:
    if street.kind != UnitKind.STREET:
        raise ValidationFailed(_("Powers are devolved to streets."), field="street")
    require_scope(actor, street.path, RECRUIT)
    if not street.path.startswith(power.unit_path):
        raise ValidationFailed(_("This power's catalogue does not cover this street."), field="street")
    if not isinstance(granted_on, datetime.date) or granted_on > _today(today):
        raise ValidationFailed(_("The date of the grant is not in the future."), field="granted_on")
    document = (document or "").strip()
    if not document or len(document) > 120:
        raise ValidationFailed(_("Name the document of the grant (at most 120 characters)."), field="document")
    with transaction.atomic():
        if PowerGrant.objects.filter(power=power, street=street).exists():
            raise Conflict(_("This street already has this power."), field="power")
        grant = PowerGrant.objects.create(power=power, street=street, unit_path=street.path, granted_on=granted_on,
                                          document=document)
        audit_record(actor=actor, action="power.grant", obj=grant,
                     changes={"power": power.name, "street": street.code, "document": document})
    return grant
