"""The "three posts, eighteen grades" 三岗十八级 engine: a pure function from a worker's history to grades.

Rules (each step of a history names the rule that produced it):

1. Bands. Each post has a band of grades on the 1–18 scale, configurable per county
   (`GradeScale`); the defaults are the source's: principal 正职 7–18, deputy 副职 4–15,
   other 其他 1–12. A grade never leaves the band of the post held at that time.
2. Start (`start`). At hire the grade is the band's lowest grade, plus the qualification's grades
   (初级 junior +1, 中级 intermediate +2, 高级 senior +3), plus one grade per `years_per_grade`
   years credited for education (bachelor / master / doctor: a configurable number of years each),
   capped at the top of the band. The county may instead assign a starting grade inside the band
   at recruitment (`assigned`), e.g. for a transitioning two-committee cadre.
3. Service (`service` / `held` / `at_top`). On every `years_per_grade`-th anniversary of the hire
   date (default 3 years; 29 February counts on 28 February) the grade goes up by one when the
   last annual evaluation before that day (the latest evaluated year before the anniversary's
   year) was at least 称职 competent (优秀 or 称职). Otherwise the grade is held (`held`, also
   when there is no evaluation yet); at the top of the band it stays (`at_top`).
4. Change of post (`post_change`). From the day of a change the grade keeps its position in the
   band: new grade = new band's lowest + (old grade − old band's lowest), clamped to the new band.
   On the same day a change of post is applied before an anniversary.

The same inputs always give the same history; the last step's grade is the worker's grade.
"""

import dataclasses
import datetime

from django.utils.translation import gettext as _

GOOD_RATINGS = ("excellent", "competent")
DEFAULT_BANDS = {"principal": (7, 18), "deputy": (4, 15), "other": (1, 12)}
DEFAULT_EDUCATION_YEARS = {"bachelor": 3, "master": 6, "doctor": 9}
QUALIFICATION_GRADES = {"none": 0, "junior": 1, "intermediate": 2, "senior": 3}
MIN_GRADE, MAX_GRADE = 1, 18


@dataclasses.dataclass(frozen=True)
class Scale:
    bands: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_BANDS))
    years_per_grade: int = 3
    education_years: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_EDUCATION_YEARS))
    qualification_grades: dict = dataclasses.field(default_factory=lambda: dict(QUALIFICATION_GRADES))

    def band(self, post: str) -> tuple[int, int]:
        return self.bands[post]

    def clamp(self, post: str, grade: int) -> int:
        low, high = self.band(post)
        return max(low, min(high, grade))


@dataclasses.dataclass(frozen=True)
class Step:
    effective_on: datetime.date
    post: str
    grade: int
    rule: str
    detail: dict


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def starting_grade(scale: Scale, *, post: str, education: str, qualification: str) -> tuple[int, dict]:
    low, high = scale.band(post)
    qual = scale.qualification_grades.get(qualification, 0)
    credit_years = scale.education_years.get(education, 0)
    edu = credit_years // scale.years_per_grade if scale.years_per_grade else 0
    grade = min(high, low + qual + edu)
    return grade, {"low": low, "high": high, "qualification": qualification, "qualification_grades": qual,
                   "education": education, "education_years": credit_years, "education_grades": edu}


def map_to_post(scale: Scale, grade: int, old_post: str, new_post: str) -> int:
    old_low, _old_high = scale.band(old_post)
    new_low, _new_high = scale.band(new_post)
    return scale.clamp(new_post, new_low + (grade - old_low))


def last_rating_before(ratings: dict, year: int):
    """(year, rating) of the latest evaluation of a year before `year`, or (None, None)."""
    years = [y for y in ratings if y < year]
    if not years:
        return None, None
    y = max(years)
    return y, ratings[y]


def grade_history(scale: Scale, *, hire_date: datetime.date, post: str, education: str, qualification: str,
                  as_of: datetime.date, ratings: dict | None = None, post_changes=(),
                  start_grade: int | None = None) -> list[Step]:
    """Every step from hire to `as_of` (inclusive). `ratings`: {year: rating}; `post_changes`:
    [(date, post)]; `start_grade`: a grade assigned at recruitment (must lie in the post's band)."""
    ratings = ratings or {}
    if start_grade is not None:
        low, high = scale.band(post)
        if not low <= start_grade <= high:
            raise ValueError("start grade outside the post's band")
        grade = start_grade
        steps = [Step(hire_date, post, grade, "assigned", {"low": low, "high": high})]
    else:
        grade, detail = starting_grade(scale, post=post, education=education, qualification=qualification)
        steps = [Step(hire_date, post, grade, "start", detail)]
    if as_of < hire_date:
        return []
    events = []  # (date, order, kind, payload): a change of post before an anniversary on the same day
    for day, new_post in post_changes:
        if hire_date < day <= as_of:
            events.append((day, 0, "post", new_post))
    n = scale.years_per_grade
    k = 1
    while n > 0:
        day = add_years(hire_date, n * k)
        if day > as_of:
            break
        events.append((day, 1, "anniversary", n * k))
        k += 1
    events.sort(key=lambda e: (e[0], e[1]))
    for day, _order, kind, payload in events:
        if kind == "post":
            if payload == post:
                continue
            new_grade = map_to_post(scale, grade, post, payload)
            steps.append(Step(day, payload, new_grade, "post_change",
                              {"from_post": post, "from_grade": grade, "band": list(scale.band(payload))}))
            post, grade = payload, new_grade
            continue
        year, rating = last_rating_before(ratings, day.year)
        low, high = scale.band(post)
        if rating not in GOOD_RATINGS:
            steps.append(Step(day, post, grade, "held", {"years": payload, "rating": rating, "rating_year": year}))
        elif grade >= high:
            steps.append(Step(day, post, grade, "at_top", {"years": payload, "rating": rating,
                                                           "rating_year": year, "high": high}))
        else:
            grade += 1
            steps.append(Step(day, post, grade, "service", {"years": payload, "rating": rating,
                                                            "rating_year": year}))
    return steps


def current_grade(steps: list[Step]) -> int | None:
    return steps[-1].grade if steps else None


POST_LABELS = {"principal": "Principal post", "deputy": "Deputy post", "other": "Other post"}
RATING_LABELS = {"excellent": "Excellent", "competent": "Competent", "basic": "Basically competent",
                 "incompetent": "Incompetent"}
EDUCATION_LABELS = {"secondary": "Secondary school or below", "college": "Junior college",
                    "bachelor": "Bachelor's degree", "master": "Master's degree", "doctor": "Doctorate"}
QUALIFICATION_LABELS = {"none": "None", "junior": "Assistant social worker", "intermediate": "Social worker",
                        "senior": "Senior social worker"}


def explain(rule: str, grade: int, post: str, detail: dict) -> str:
    """One sentence saying why a step gave this grade (translated)."""
    post_label = _(POST_LABELS.get(post, post))
    if rule == "start":
        return _("Hired on the %(post)s (band %(low)d–%(high)d): lowest grade %(low)d, + %(q)d for the "
                 "qualification “%(qual)s”, + %(e)d for %(years)d years credited for “%(edu)s” → grade %(grade)d.") % {
            "post": post_label, "low": detail["low"], "high": detail["high"], "q": detail["qualification_grades"],
            "qual": _(QUALIFICATION_LABELS.get(detail["qualification"], detail["qualification"])),
            "e": detail["education_grades"], "years": detail["education_years"],
            "edu": _(EDUCATION_LABELS.get(detail["education"], detail["education"])), "grade": grade}
    if rule == "assigned":
        return _("Grade %(grade)d assigned by the county at recruitment (band %(low)d–%(high)d of the %(post)s).") % {
            "grade": grade, "low": detail["low"], "high": detail["high"], "post": post_label}
    if rule == "post_change":
        return _("Moved from the %(old)s at grade %(old_grade)d to the %(post)s: same place in the band "
                 "%(low)d–%(high)d → grade %(grade)d.") % {
            "old": _(POST_LABELS.get(detail["from_post"], detail["from_post"])), "old_grade": detail["from_grade"],
            "post": post_label, "low": detail["band"][0], "high": detail["band"][1], "grade": grade}
    rating = _(RATING_LABELS[detail["rating"]]) if detail.get("rating") else _("none")
    if rule == "service":
        return _("%(years)d years of service, last evaluation (%(year)s) “%(rating)s”: one grade up → grade "
                 "%(grade)d.") % {"years": detail["years"], "year": detail["rating_year"], "rating": rating,
                                  "grade": grade}
    if rule == "at_top":
        return _("%(years)d years of service, last evaluation “%(rating)s”, but grade %(grade)d is the top of the "
                 "band: unchanged.") % {"years": detail["years"], "rating": rating, "grade": grade}
    return _("%(years)d years of service, but the last evaluation was “%(rating)s” (at least Competent is needed): "
             "grade %(grade)d held.") % {"years": detail["years"], "rating": rating, "grade": grade}
