"""Asking the people pages: the officials' overview, surveys, proposal rounds, ballots and results, the
residents' phone page to vote, and the unit's public page of published results."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.consult import exports, selectors, services, voting
from jiceng.consult.models.surveys import QuestionKind
from jiceng.core.client import client_address
from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.exports import xlsx_response
from jiceng.core.forms import DayField, MomentField
from jiceng.core.scope import user_can
from jiceng.core.views import form_error, form_submit, page, run_and_redirect
from jiceng.orgs.models import Unit
from jiceng.orgs.selectors import unit_get, unit_or_top


class BallotForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit code"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    budget = forms.CharField(label=gettext_lazy("Budget (yuan)"), max_length=20)
    closes_at = MomentField(label=gettext_lazy("Closes at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit code"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    closes_on = DayField(label=gettext_lazy("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


# The question kinds a survey's lines may name in Chinese (the words of the Chinese help text).
QUESTION_WORDS = {"单选": "single", "多选": "multiple", "评分": "rating", "填空": "text"}


class SurveyForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit code"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    closes_on = DayField(label=gettext_lazy("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))
    questions = forms.CharField(
        label=gettext_lazy("Questions"), max_length=20000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One a line: kind | question | option; option; … (kinds: single, multiple, rating, "
                               "text)"))

    def clean_questions(self):  # a kind in English or in Chinese (the help text shows the Chinese words)
        out = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            parts[0] = QUESTION_WORDS.get(parts[0], parts[0])
            if len(parts) < 2 or parts[0] not in QuestionKind.values:
                raise forms.ValidationError(_("Each line starts with single, multiple, rating or text, then “|” and "
                                              "the question."))
            options = [o.strip() for o in parts[2].split(";") if o.strip()] if len(parts) > 2 else []
            out.append({"kind": parts[0], "text": parts[1], "options": options})
        return out


class OptionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Project"), max_length=120)
    cost = forms.CharField(label=gettext_lazy("Cost (yuan)"), max_length=20)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=2000, required=False)


class ProposalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = forms.CharField(label=gettext_lazy("Proposal"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    estimated_cost = forms.CharField(label=gettext_lazy("Estimated cost (yuan)"), max_length=20, required=False)


class PaperForm(forms.Form):
    household = forms.CharField(label=gettext_lazy("Household code"), max_length=32)
    options = forms.MultipleChoiceField(label=gettext_lazy("Chosen projects"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, ballot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options"].choices = [(o.pk, f"{o.title} · {o.cost}") for o in ballot.options.all()]


class VoteForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile number registered on your household"), max_length=20)
    code = forms.CharField(label=gettext_lazy("SMS code"), max_length=6, required=False)
    options = forms.MultipleChoiceField(label=gettext_lazy("Projects"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, ballot=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options"].choices = [(o.pk, o.title) for o in ballot.options.all()]


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", ""))


# The three things the home page creates: kind -> (form, service call, the new thing's page).
_HOME_CREATES = {
    "ballot": (BallotForm, lambda user, unit, d: voting.ballot_create(
        actor=user, unit=unit, title=d["title"], budget=d["budget"], closes_at=d["closes_at"],
        description=d["description"]), "consult:ballot"),
    "round": (RoundForm, lambda user, unit, d: services.round_create(
        actor=user, unit=unit, title=d["title"], closes_on=d["closes_on"], description=d["description"]),
        "consult:round"),
    "survey": (SurveyForm, lambda user, unit, d: services.survey_create(
        actor=user, unit=unit, title=d["title"], closes_on=d["closes_on"], questions=d["questions"]),
        "consult:survey"),
}


@page
def home(request):
    unit = _unit(request)
    forms_ = {"ballot": BallotForm(initial={"unit": unit.code}), "round": RoundForm(initial={"unit": unit.code}),
              "survey": SurveyForm(initial={"unit": unit.code})}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind in _HOME_CREATES:
            form_class, create, page_name = _HOME_CREATES[kind]
            form = forms_[kind] = form_class(request.POST)
            made = form_submit(form, lambda d: create(request.user, unit_get(user=request.user, code=d["unit"]),
                                                      d))
            if made is not None:
                return redirect(page_name, pk=made.pk)
        status = 422
    return render(request, "consult/home.html", {
        "unit": unit, "forms": forms_, "can_write": user_can(request.user, unit.path, "write"),
        "can_supervise": user_can(request.user, unit.path, "supervise"),
        "surveys": list(selectors.surveys_in(user=request.user, unit=unit)[:50]),
        "rounds": list(selectors.rounds_in(user=request.user, unit=unit)[:50]),
        "ballots": list(selectors.ballots_in(user=request.user, unit=unit)[:50]),
    }, status=status)


@page
def survey(request, pk):
    obj = selectors.survey_get(user=request.user, pk=pk)
    questions = list(obj.questions.all())
    error, status = None, 200
    if request.method == "POST":
        answers = {}
        for q in questions:
            key = f"q{q.pk}"
            answers[str(q.pk)] = request.POST.getlist(key) if q.kind == "multiple" else request.POST.get(key, "")
        try:
            services.survey_answer(actor=request.user, survey=obj, answers=answers)
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("Thank you, your answers are recorded."))
            return redirect("consult:survey", pk=obj.pk)
    return render(request, "consult/survey.html", {
        "survey": obj, "questions": questions, "error": error, "ratings": range(1, 6),
        "results": services.survey_results(obj),
    }, status=status)


@page
def round_page(request, pk):
    rnd = selectors.round_get(user=request.user, pk=pk)
    form, status = ProposalForm(), 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        made = form_submit(form, lambda d: services.proposal_submit(actor=request.user, round=rnd, title=d["title"],
                                                                body=d["body"], estimated_cost=d["estimated_cost"]))
        if made is not None:
            messages.success(request, _("Proposal submitted."))
            return redirect("consult:round", pk=rnd.pk)
        status = 422
    return render(request, "consult/round.html", {
        "round": rnd, "form": form, "proposals": list(rnd.proposals.select_related("project").order_by("-supports", "id")),
        "can_promote": user_can(request.user, rnd.unit_path, "write"),
    }, status=status)


@require_POST
@page
def proposal_action(request, pk, action):
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    actions = {"support": lambda: services.proposal_support(actor=request.user, proposal=proposal),
               "promote": lambda: services.proposal_promote(
                   actor=request.user, proposal=proposal, estimated_cost=request.POST.get("estimated_cost") or None)}
    if action not in actions:
        raise NotFound()
    return run_and_redirect(request, actions[action], reverse("consult:round", args=[proposal.round_id]),
                            success=_("Done."))


@page
def ballot(request, pk):
    obj = selectors.ballot_get(user=request.user, pk=pk)
    option_form, paper_form, status = OptionForm(), PaperForm(ballot=obj), 200
    if request.method == "POST":
        if request.POST.get("kind") == "paper":
            paper_form = PaperForm(request.POST, ballot=obj)

            def run(d):
                household = Unit.objects.filter(code=d["household"], kind="household").first()
                if household is None:
                    raise NotFound()
                return voting.ballot_vote_paper(actor=request.user, ballot=obj, household=household,
                                                option_ids=d["options"]) or True

            try:
                done = form_submit(paper_form, run)
            except NotFound:
                paper_form.add_error("household", _("Unknown household code, or outside your area."))
                done = None
            if done:
                messages.success(request, _("Paper ballot recorded."))
                return redirect("consult:ballot", pk=obj.pk)
        else:
            option_form = OptionForm(request.POST)
            if form_submit(option_form, lambda d: voting.ballot_option_add(
                    actor=request.user, ballot=obj, title=d["title"], cost=d["cost"], description=d["description"])):
                return redirect("consult:ballot", pk=obj.pk)
        status = 422
    return render(request, "consult/ballot.html", {
        "ballot": obj, "options": list(obj.options.select_related("project")), "option_form": option_form,
        "paper_form": paper_form, "result": voting.ballot_result(obj),
        "can_supervise": user_can(request.user, obj.unit_path, "supervise"),
        "can_paper": voting.can_record_paper(request.user, obj) and obj.status == "open",
    }, status=status)


@require_POST
@page
def ballot_action(request, pk, action):
    obj = selectors.ballot_get(user=request.user, pk=pk)
    actions = {"open": voting.ballot_open, "close": voting.ballot_close, "publish": voting.ballot_publish}
    if action not in actions:
        raise NotFound()
    return run_and_redirect(request, lambda: actions[action](actor=request.user, ballot=obj),
                            reverse("consult:ballot", args=[obj.pk]), success=_("Done."))


@page
def results(request, pk):
    obj = selectors.ballot_get(user=request.user, pk=pk)
    return render(request, "consult/results.html", {"ballot": obj, "result": voting.ballot_result(obj),
                                                     "public": False})


def vote(request, pk):
    """The residents' phone page: pick projects within the budget, prove the household by an SMS code."""
    try:
        obj = selectors.ballot_for_voting(pk)
    except NotFound:
        return render(request, "core/error.html", {"message": _("No such ballot.")}, status=404)
    options = list(obj.options.all())
    form, sent, done, status = VoteForm(ballot=obj), None, False, 200
    if request.method == "POST":
        form = VoteForm(request.POST, ballot=obj)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if request.POST.get("step") == "code" or not d["code"]:
                    voting.choices_check(obj, d["options"])
                    sent = voting.vote_code_send(ballot=obj, phone=d["phone"], client_address=client_address(request))
                else:
                    voting.ballot_vote_sms(ballot=obj, phone=d["phone"], code=d["code"], option_ids=d["options"])
                    done = True
            except ServiceError as exc:
                form_error(form, exc)
                status = exc.status
        else:
            status = 422
    return render(request, "consult/vote.html", {
        "ballot": obj, "options": options, "form": form, "sent": sent, "done": done,
        "open": obj.status == "open" and obj.closes_at > timezone.now(),
        "chosen": {str(v) for v in (form.data.getlist("options") if form.is_bound else [])},
    }, status=status)


def public(request, code):
    """A unit's public page: the published results of its ballots and its public deliberation decisions."""
    unit = Unit.objects.filter(code=code, kind__in=("street", "community", "compound")).first()
    if unit is None:
        return render(request, "core/error.html", {"message": _("No such unit.")}, status=404)
    ballots = selectors.published_in(unit)
    return render(request, "consult/public.html", {"unit": unit, "ballots": [(b, b.result) for b in ballots],
                                                   "decisions": list(selectors.decisions_public(unit)[:50])})


def public_results(request, pk):
    try:
        obj = selectors.published_ballot(pk)
    except NotFound:
        return render(request, "core/error.html", {"message": _("No such ballot.")}, status=404)
    return render(request, "consult/results.html", {"ballot": obj, "result": obj.result, "public": True})


@page
def export(request, table):
    content, filename = exports.export(user=request.user, unit=unit_or_top(user=request.user,
                                                                           code=request.GET.get("unit", "")),
                                       table=table)
    return xlsx_response(content, filename)

