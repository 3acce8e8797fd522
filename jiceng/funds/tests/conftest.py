
import io

import pytest
from django.utils import timezone

YEAR = timezone.localdate().year


@pytest.fixture
def types(db):
    from jiceng.funds import selectors

    return {t.code: t for t in selectors.fund_types()}


@pytest.fixture
def png():
    def make(name="photo.png"):
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (8, 8), "blue").save(buf, format="PNG")
        buf.seek(0)
        buf.name = name
        return buf

    return make


@pytest.fixture
def compliant(city, types):
    """Every street and community of the small city meets the standards this year."""
    from jiceng.funds import services

    for street in (city.street, city.street2):
        services.budget_set(actor=None, unit=street, year=YEAR, fund_type=types["street_running"], source="county",
                            amount="800000")
    for community in (city.community, city.community2):
        for code in ("community_work", "community_service"):
            services.budget_set(actor=None, unit=community, year=YEAR, fund_type=types[code], source="street",
                                amount="100000")
    return city
