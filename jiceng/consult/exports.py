"""Excel export of every consult table. The ballot is secret: participations (which household voted, how)
and papers (what was chosen) are separate tables; papers are exported sorted by their content, with no
key, so no row of one can be matched to a row of the other."""

from django.utils.translation import gettext as _

from jiceng.consult import selectors, services, voting
from jiceng.consult.models.ballots import BallotPaper, BallotParticipation
from jiceng.core.errors import NotFound
from jiceng.core.excel import write_xlsx
from jiceng.core.scope import scope_filter


def export(*, user, unit, table: str) -> tuple[bytes, str]:
    if table == "surveys":
        headers = [_("Survey"), _("Unit"), _("Status"), _("Closes on"), _("Question"), _("Answer"), _("Count")]
        rows = []
        for s in selectors.surveys_in(user=user, unit=unit):
            for r in services.survey_results(s):
                q = r["question"]
                for label, n in r["options"]:
                    rows.append((s.title, s.unit.name, s.get_status_display(), s.closes_on, q.text, label, n))
                if r["mean"] is not None:
                    rows.append((s.title, s.unit.name, s.get_status_display(), s.closes_on, q.text, _("mean"), r["mean"]))
                for text in r["texts"]:
                    rows.append((s.title, s.unit.name, s.get_status_display(), s.closes_on, q.text, text, ""))
    elif table == "proposals":
        headers = [_("Round"), _("Unit"), _("Proposal"), _("Estimated cost"), _("Supports"), _("Livelihood project")]
        rows = [(rnd.title, rnd.unit.name, p.title, p.estimated_cost or "", p.supports, p.project_id or "")
                for rnd in selectors.rounds_in(user=user, unit=unit) for p in rnd.proposals.order_by("id")]
    elif table == "ballots":
        headers = [_("Ballot"), _("Unit"), _("Status"), _("Budget"), _("Option"), _("Cost"), _("Votes"), _("Won"),
                   _("Why"), _("Livelihood project")]
        rows = []
        for b in selectors.ballots_in(user=user, unit=unit):
            result = voting.ballot_result(b)
            links = dict(b.options.values_list("pk", "project_id"))
            for o in result["options"]:
                rows.append((b.title, b.unit.name, b.get_status_display(), b.budget, o["title"], o["cost"], o["votes"],
                             _("yes") if o["won"] else _("no"), o["reason"], links.get(o["option"]) or ""))
    elif table == "participation":
        headers = [_("Ballot"), _("Household"), _("Method"), _("Recorded by")]
        qs = scope_filter(BallotParticipation.objects.filter(ballot__in=selectors.ballots_in(user=user, unit=unit)),
                          user, "unit_path").select_related("household", "ballot").order_by("ballot_id",
                                                                                            "household__code")
        rows = [(p.ballot.title, p.household.code, p.get_method_display(), p.recorded_by_name) for p in qs]
    elif table == "papers":
        headers = [_("Ballot"), _("Chosen options")]
        rows = [(b.title, choices) for b in selectors.ballots_in(user=user, unit=unit)
                for choices in BallotPaper.objects.filter(ballot=b).order_by("choices").values_list("choices",
                                                                                                   flat=True)]
    else:
        raise NotFound()
    return write_xlsx([str(h) for h in headers], rows, title=table), f"consult-{table}-{unit.code}.xlsx"
