"""Excel exports: the mid-year dispatch report and the year-end assessment results (openpyxl)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jiceng.core.excel import append_row, sheet_title, workbook_bytes


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = sheet_title(title)
    append_row(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(ws, row)
    ws.freeze_panes = "A2"
    for i, h in enumerate(header):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = max(10, len(str(h)) * 2)
    return ws


def _bytes(wb) -> bytes:
    return workbook_bytes(wb)


def dispatch_xlsx(*, rows: list[dict], tasks: list, projects: list, expected: dict) -> bytes:
    wb = Workbook()
    _sheet(wb, _("Progress by unit"),
           [_("Unit code"), _("Unit"), _("Key tasks"), _("Projects"), _("Average progress"), _("Expected progress"),
            _("Behind schedule"), _("Done")],
           [[r["unit"].code, r["unit"].name, r["tasks"], r["projects"], r["progress"], r["expected"], r["behind"],
             r["done"]] for r in rows], first=True)
    _sheet(wb, _("Key tasks"),
           [_("Responsible unit"), _("Task"), _("Measures"), _("Deadline"), _("Progress"), _("Expected progress")],
           [[t.unit.name, t.title, t.measures, t.deadline, t.progress,
             round(expected[("projects.keytask", t.pk)], 1)] for t in tasks])
    _sheet(wb, _("Secretary-led projects"),
           [_("Unit"), _("Level"), _("Project"), _("Leader"), _("Deadline"), _("Status"), _("Progress"),
            _("Expected progress")],
           [[p.unit.name, p.level, p.title, p.leader_name, p.deadline, p.get_status_display(), p.progress,
             round(expected[("projects.project", p.pk)], 1)] for p in projects])
    return _bytes(wb)


def assessment_xlsx(*, assessment, results: list, codes: list[str]) -> bytes:
    wb = Workbook()
    levels = [lv for lv in ("county", "street", "community") if any(r.level == lv for r in results)] or ["county"]
    for i, level in enumerate(levels):
        _sheet(wb, f"{assessment.year} {level}",
               [_("Rank"), _("Unit code"), _("Unit"), _("Score"), _("Indicator score"), _("Review score"),
                _("Rating")] + codes,
               [[r.rank, r.unit_code, r.unit_name, r.score, r.indicator_score, r.review_score,
                 r.get_rating_display() if r.rating else ""] + [r.breakdown.get(c) for c in codes]
                for r in results if r.level == level], first=i == 0)
    return _bytes(wb)
