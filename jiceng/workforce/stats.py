"""Workforce statistics for a unit and year (G1), and the measures of the two committees 两委.

Workers counted are those in post on the reference day (31 December of the year, or today for the
current year). Two-committee measures are over the distinct people holding a seat of the term running
on that day; the previous term is the one running the day before the current term began, so the
change between them is the source's "four up, one down" 四升一降 (shares of women, young cadres ≤ 35,
degree holders and professionals up; average age down).
"""

import datetime

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractYear

from jiceng.core.scope import subtree_q
from jiceng.workforce.models import DEGREES, CommitteeSeat, Worker

AGE_BANDS = [(0, 35, "≤35"), (36, 45, "36–45"), (46, 55, "46–55"), (56, 200, "≥56")]


def reference_day(year: int, today: datetime.date) -> datetime.date:
    return today if year >= today.year else datetime.date(year, 12, 31)


def _in_post(unit, day):
    return (Worker.objects.filter(subtree_q(unit.path, "unit_path"), hire_date__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)))


def _age(birth: datetime.date | None, day: datetime.date) -> float | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def committee_measures(unit, day: datetime.date) -> dict:
    seats = list(CommitteeSeat.objects.filter(subtree_q(unit.path, "unit_path"), term_start__lte=day,
                                              term_end__gte=day)
                 .values_list("community_id", "person_id", "worker_id", "committee", "role", "education",
                              "person__gender", "person__birth_date"))
    people = {}
    secretaries, directors = {}, {}
    for community_id, person_id, worker_id, committee, role, education, gender, birth in seats:
        entry = people.setdefault(person_id, {"worker": False, "education": "", "gender": gender, "birth": birth})
        entry["worker"] = entry["worker"] or worker_id is not None
        entry["education"] = entry["education"] or education
        if committee == "party" and role == "secretary":
            secretaries[community_id] = (person_id, worker_id is not None)
        if committee == "residents" and role == "director":
            directors[community_id] = person_id
    n = len(people)
    ages = [a for a in (_age(p["birth"], day) for p in people.values()) if a is not None]

    def share(predicate):
        return round(sum(1 for p in people.values() if predicate(p)) / n, 4) if n else None

    one_shoulder = sum(1 for c, (person, _w) in secretaries.items() if directors.get(c) == person)
    return {
        "members": n,
        "professional_members": sum(1 for p in people.values() if p["worker"]),
        "average_age": round(sum(ages) / len(ages), 2) if ages else None,
        "women_share": share(lambda p: p["gender"] == "F"),
        "young_share": share(lambda p: p["birth"] is not None and _age(p["birth"], day) <= 35),
        "degree_share": share(lambda p: p["education"] in DEGREES),
        "professional_share": share(lambda p: p["worker"]),
        "secretaries": len(secretaries),
        "professional_secretaries": sum(1 for _p, w in secretaries.values() if w),
        "professional_secretary_share": (round(sum(1 for _p, w in secretaries.values() if w) / len(secretaries), 4)
                                         if secretaries else None),
        "one_shoulder_rate": round(one_shoulder / len(secretaries), 4) if secretaries else None,
    }


CHANGE_KEYS = [("women_share", "up"), ("young_share", "up"), ("degree_share", "up"), ("professional_share", "up"),
               ("average_age", "down")]


def statistics(unit, year: int, *, today: datetime.date) -> dict:
    day = reference_day(year, today)
    workers = _in_post(unit, day)

    # One grouped query for every distribution.
    keys = ("post", "channel", "education", "qualification", "person__gender")
    counts = {key: {} for key in keys}
    ages = {band: 0 for _lo, _hi, band in AGE_BANDS}
    for row in (workers.annotate(by=ExtractYear("person__birth_date")).values(*keys, "by")
                .annotate(n=Count("id")).order_by()):
        n = row["n"]
        for key in keys:
            counts[key][row[key]] = counts[key].get(row[key], 0) + n
        if row["by"] is None:
            continue
        age = day.year - row["by"]
        for low, high, band in AGE_BANDS:
            if low <= age <= high:
                ages[band] += n
                break

    def by(field):
        return dict(sorted(counts[field].items(), key=lambda kv: str(kv[0])))

    current = committee_measures(unit, day)
    start = (CommitteeSeat.objects.filter(subtree_q(unit.path, "unit_path"), term_start__lte=day, term_end__gte=day)
             .aggregate(m=Min("term_start"))["m"])
    previous = committee_measures(unit, start - datetime.timedelta(days=1)) if start else None
    change = []
    if previous and previous["members"]:
        for key, direction in CHANGE_KEYS:
            a, b = previous[key], current[key]
            if a is None or b is None:
                continue
            delta = round(b - a, 4)
            change.append({"key": key, "previous": a, "current": b, "delta": delta, "expected": direction,
                           "as_expected": (delta > 0) if direction == "up" else (delta < 0)})
    return {
        "unit": unit.code, "year": year, "day": day.isoformat(), "workers": sum(by("post").values()),
        "by_post": by("post"), "by_channel": by("channel"), "by_education": by("education"),
        "by_qualification": by("qualification"), "by_sex": by("person__gender"), "by_age": ages,
        "committees": current, "previous_term": previous, "change": change,
    }
