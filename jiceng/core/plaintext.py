"""What a person reads on a page: the visible text of an HTML document (text nodes outside scripts and
styles, plus the attributes a browser shows: title, placeholder, alt, aria-label, button values), and the
raw English words in it that a zh-Hans page should not show. Used by the page walk
(core/tests/test_no_raw_english.py) and handy in any page test."""

import re
from html.parser import HTMLParser

SHOWN_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")
HIDDEN_TAGS = {"script", "style", "template", "noscript"}
# What a page sets as code on purpose (a key to type into a spreadsheet, a header to send): not prose.
CODE_TAGS = {"code", "kbd", "samp", "pre"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Words a Chinese page may show in Latin letters: brands, standards, units and abbreviations people read
# as such (compare case-insensitively).
ALLOWED = {
    "excel", "xlsx", "csv", "pdf", "api", "open311", "georeport", "sms", "qr", "gis", "id", "url", "http", "https",
    "wifi", "app", "ok", "json", "xml", "gb", "gcj", "wgs", "bd", "cgcs", "osm", "openstreetmap", "leaflet",
    "plotly", "english", "km", "m", "kg", "kwh", "h", "min", "s", "ms", "mb", "kb", "px", "am", "pm", "no", "vs",
    "jiceng", "token", "html", "png", "jpg", "jpeg", "webp", "www", "or-tools",
    "geojson",
}

# A word: Latin letters, possibly joined by _ . - (an internal key such as cases.response_rate counts as one
# word); a token with a digit in it is a code (case code, unit code, E0101) and passes.
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS or tag in CODE_TAGS:
            self.hidden += 1
            return
        attrs = dict(attrs)
        if self.hidden or "hidden" in attrs or attrs.get("type") == "hidden":
            return
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if (tag in HIDDEN_TAGS or tag in CODE_TAGS) and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def english_words(text: str, allowed=()) -> list[str]:
    """The Latin words of `text` that are not codes, numbers or allowed names."""
    allow = ALLOWED | {a.lower() for a in allowed}
    out = []
    for word in WORD.findall(text):
        if any(ch.isdigit() for ch in word) or not any(ch.isalpha() for ch in word) or len(word) == 1:
            continue  # a code, a number, a grade or a letter of a name ("2+1+N")
        if word.lower() in allow:
            continue
        out.append(word)
    return out
