"""Workforce statistics for a unit and year (G1), and the measures of the two committees 两委.

Workers counted are those in post on the reference day (31 December of the year, or today for the
current year). Two-committee measures are over the distinct people holding a seat of the term running
on that day; the previous term is the one running the day before the current term began, so the
change between them is the source's "four up, one down" 四升一降 (shares of women, young cadres ≤ 35,
degree holders and professionals up; average age down).

Everything is counted in the database with conditional aggregates (one row per query, whatever the
size of the city), on the workforce tables alone (a worker and a seat carry their person's sex and
birth date, fixed by the identity number): the workers' distributions in one query, each term's
committees in two. Ages are exact (birthday reached or not on the reference day), as in `_age`.
"""

import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q

from jiceng.core.scope import subtree_q
from jiceng.people.models import Gender
from jiceng.workforce.models import DEGREES, Channel, CommitteeSeat, Education, Post, Qualification, Worker

AGE_BANDS = [(0, 35, "≤35"), (36, 45, "36–45"), (46, 55, "46–55"), (56, 200, "≥56")]
YOUNG = 35
DISTRIBUTIONS = [("post", "post", Post.values), ("channel", "channel", Channel.values),
                 ("education", "education", Education.values), ("qualification", "qualification", Qualification.values),
                 ("gender", "gender", Gender.values)]


def reference_day(year: int, today: datetime.date) -> datetime.date:
    return today if year >= today.year else datetime.date(year, 12, 31)


def _in_post(unit, day):
    return (Worker.objects.filter(subtree_q(unit.path, "unit_path"), hire_date__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)))


def _age(birth: datetime.date | None, day: datetime.date) -> float | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February that year lacks)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def born_for_age(field: str, low: int, high: int, day: datetime.date) -> Q:
    """Born so as to be `low` to `high` years old (exactly, birthdays counted) on `day`: age ≤ high
    means born after the day high + 1 years earlier, age ≥ low born on or before the day low years earlier."""
    return Q(**{f"{field}__gt": years_before(day, high + 1), f"{field}__lte": years_before(day, low)})


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def committee_measures(unit, day: datetime.date, *, with_start: bool = False) -> dict:
    """The two committees of the term running on `day` in `unit`, in two queries on the seats alone
    (a seat carries its holder's sex and birth date): distinct people and seats counted with
    conditional aggregates, and the holders' birth dates for the average age. with_start adds
    `term_start`, the earliest start of those seats (from which the previous term is found)."""
    running = CommitteeSeat.objects.filter(subtree_q(unit.path, "unit_path"), term_start__lte=day, term_end__gte=day)
    director = running.filter(community_id=OuterRef("community_id"), committee="residents", role="director",
                              person_id=OuterRef("person_id"))
    secretary = Q(committee="party", role="secretary")

    def people(condition=None):
        return Count("person_id", distinct=True, filter=condition)

    row = (running.annotate(_also_director=Exists(director))
           .aggregate(members=people(), professional=people(Q(worker__isnull=False)),
                      women=people(Q(gender=Gender.FEMALE)), young=people(born_for_age("birth_date", 0, YOUNG, day)),
                      degree=people(Q(education__in=DEGREES)),
                      secretaries=Count("community_id", distinct=True, filter=secretary),
                      professional_secretaries=Count("community_id", distinct=True,
                                                     filter=secretary & Q(worker__isnull=False)),
                      one_shoulder=Count("community_id", distinct=True, filter=secretary & Q(_also_director=True)),
                      term_start=Min("term_start")))
    ages = n_aged = 0
    if row["members"]:
        for birth, n in (running.filter(birth_date__isnull=False).values_list("birth_date")
                         .annotate(n=Count("person_id", distinct=True)).order_by()):
            ages += _age(birth, day) * n
            n_aged += n
    n, secretaries = row["members"], row["secretaries"]
    out = {
        "members": n,
        "professional_members": row["professional"],
        "average_age": round(ages / n_aged, 2) if n_aged else None,
        "women_share": _share(row["women"], n),
        "young_share": _share(row["young"], n),
        "degree_share": _share(row["degree"], n),
        "professional_share": _share(row["professional"], n),
        "secretaries": secretaries,
        "professional_secretaries": row["professional_secretaries"],
        "professional_secretary_share": _share(row["professional_secretaries"], secretaries),
        "one_shoulder_rate": _share(row["one_shoulder"], secretaries),
    }
    if with_start:
        out["term_start"] = row["term_start"]
    return out


CHANGE_KEYS = [("women_share", "up"), ("young_share", "up"), ("degree_share", "up"), ("professional_share", "up"),
               ("average_age", "down")]


def worker_distributions(unit, day: datetime.date) -> dict:
    """Workers in post on `day` by post, channel, education, qualification, sex and age band: one query
    of conditional counts. Keys with no worker are left out; a value outside the choices (none is
    written by the services) would be counted under "" so that every distribution sums to the total."""
    aggregates = {"n": Count("pk")}
    for name, field, values in DISTRIBUTIONS:
        for value in values:
            aggregates[f"{name}:{value}"] = Count("pk", filter=Q(**{field: value}))
    for low, high, band in AGE_BANDS:
        aggregates[f"age:{band}"] = Count("pk", filter=born_for_age("birth_date", low, high, day))
    row = _in_post(unit, day).aggregate(**aggregates)
    out = {}
    for name, _field, values in DISTRIBUTIONS:
        counts = {value: row[f"{name}:{value}"] for value in values if row[f"{name}:{value}"]}
        rest = row["n"] - sum(counts.values())
        if rest:
            counts[""] = rest
        out[name] = dict(sorted(counts.items()))
    out["age"] = {band: row[f"age:{band}"] for _low, _high, band in AGE_BANDS}
    out["n"] = row["n"]
    return out


def statistics(unit, year: int, *, today: datetime.date) -> dict:
    """Five queries at most: the workers' distributions, and the committees of this term and of the previous."""
    day = reference_day(year, today)
    counts = worker_distributions(unit, day)
    current = committee_measures(unit, day, with_start=True)
    start = current.pop("term_start")
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
        "unit": unit.code, "year": year, "day": day.isoformat(), "workers": counts["n"],
        "by_post": counts["post"], "by_channel": counts["channel"], "by_education": counts["education"],
        "by_qualification": counts["qualification"], "by_sex": counts["gender"], "by_age": counts["age"],
        "committees": current, "previous_term": previous, "change": change,
    }
