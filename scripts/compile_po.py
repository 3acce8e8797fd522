"""Compile every .po under jiceng/ into .mo with polib's pure-Python writer (no gettext needed)."""

import sys
from pathlib import Path

import polib

root = Path(__file__).resolve().parent.parent / "jiceng"
count = 0
for po_path in root.rglob("*.po"):
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    count += 1
print(f"compiled {count} message catalogue(s)", file=sys.stderr)
