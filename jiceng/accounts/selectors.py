"""Reads for the account pages."""

from jiceng.accounts.models import ApiToken


def tokens_of(user):
    """The user's own API tokens, newest first (a user never sees another user's tokens)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
