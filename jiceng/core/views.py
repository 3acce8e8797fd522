"""Helpers shared by the HTML views: turn service errors into messages and statuses."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from jiceng.core.errors import Forbidden, NotFound


def page(view):
    """Log-in required; NotFound becomes 404 and Forbidden a 403 page, so views stay thin."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from None
        except Forbidden as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=403)

    return wrapper
