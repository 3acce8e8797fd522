"""Text that users type, checked once: stripped, required where it must be, and never cut to fit a
column without a word. A text over its limit is a 422 on its field ("最多 n 个字"), not silently shortened."""

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed


def checked_text(value, field: str, max_length: int, *, required: bool = True, message=None) -> str:
    """`value` stripped; ValidationFailed on `field` when it is empty (and `required`; `message` says
    what is missing) or longer than `max_length` characters."""
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ValidationFailed(message or _("This field is required."), field=field)
    if len(value) > max_length:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value
