"""The survey page, opened from the emailed link: no login, the token is the key."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .forms import SurveyForm
from .models import Outcome, Survey
from .services import survey_answer


def _survey(token: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("ticket"), token=token)


def answer(request, token):
    survey = _survey(token)
    if survey.outcome != Outcome.PENDING:
        return render(request, "surveys/answered.html", {"survey": survey, "ticket": survey.ticket})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except Survey.DoesNotExist as e:
            raise Http404 from e
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("surveys:thanks", token=token)
    return render(request, "surveys/answer.html", {"survey": survey, "ticket": survey.ticket, "form": form})


def thanks(request, token):
    survey = _survey(token)
    if survey.outcome == Outcome.PENDING:
        return redirect("surveys:answer", token=token)
    return render(request, "surveys/thanks.html", {"survey": survey, "ticket": survey.ticket})
