"""The network's zh-Hans catalogue is complete and used by the pages."""

from pathlib import Path

import polib
from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries() and not po.fuzzy_entries()


def test_the_terms_follow_the_glossary():
    with translation.override("zh-hans"):
        from django.utils.translation import gettext as _

        assert _("Grid leader") == "网格长"
        assert _("Full-time grid worker") == "专职网格员"
        assert _("three-without") == "三无小区"
        assert _("Comprehensive governance") == "综治"


def test_the_grid_page_speaks_chinese(city, client_for):
    response = client_for("grid_worker").get(f"/network/grids/{city.grid.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "网格人员" in response.content.decode()
