"""The PDF pack's fonts: DejaVu Sans for the text and the status symbols, and a font with the
Chinese, Japanese and Korean scripts for the characters DejaVu lacks, a run at a time.

A partnership's community languages must print: a lead's commentary in Chinese is set in the
fallback font, found at run time among the fonts installed (Debian's ``fonts-wqy-zenhei``, which
``make run`` and ``make test`` install, or ``fonts-wqy-microhei``, ``fonts-droid-fallback``,
``fonts-arphic-uming``). reportlab embeds TrueType outlines only: Noto CJK (OpenType with CFF
outlines) cannot be used, so each candidate is loaded and kept only if reportlab can read it.
A character no font has prints as the replacement mark "�", never as an empty box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from outcomes.outputs.pack import wording as w
from outcomes.rules import status

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
)
# Fonts with the CJK scripts in TrueType outlines (path, face in a collection), best first.
_FALLBACK_FILES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian: fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),  # fonts-droid-fallback
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora
)
FALLBACK = "PackFallback"
_NEEDED_GLYPHS = "".join(s.symbol for s in status.STYLES.values()) + "".join(
    status.DIRECTION_SYMBOLS.values()
)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    unicode: bool  # True: the status symbols are in the font; False: draw them as shapes
    glyphs: frozenset[int] = frozenset()  # the characters the font can draw (unicode only)
    fallback_glyphs: frozenset[int] = frozenset()  # those the fallback font (FALLBACK) adds


_fonts_cache: dict[str, Fonts] = {}


def _fallback_glyphs() -> frozenset[int]:
    """Register the first CJK font reportlab can read as FALLBACK; the characters it has."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in _FALLBACK_FILES:
        if not Path(path).is_file():
            continue
        try:
            face = TTFont(FALLBACK, path, **({} if index is None else {"subfontIndex": index}))
        except Exception:  # CFF outlines, or a damaged file: try the next
            continue
        pdfmetrics.registerFont(face)
        return frozenset(face.face.charToGlyph)
    return frozenset()


def fonts() -> Fonts:
    if "fonts" in _fonts_cache:
        return _fonts_cache["fonts"]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    chosen = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", False)
    for folder in _FONT_DIRS:
        files = {
            k: Path(folder) / f"DejaVuSans{suffix}.ttf"
            for k, suffix in (("regular", ""), ("bold", "-Bold"), ("italic", "-Oblique"))
        }
        if not all(f.is_file() for f in files.values()):
            continue
        try:
            faces = {k: TTFont(f"PackSans-{k}", str(f)) for k, f in files.items()}
        except Exception:  # an unreadable font file: try the next folder
            continue
        # Never let a symbol render as an empty box: use the font only if it has them all.
        if all(
            ord(ch) in face.face.charToGlyph for face in faces.values() for ch in _NEEDED_GLYPHS
        ):
            for face in faces.values():
                pdfmetrics.registerFont(face)
            pdfmetrics.registerFontFamily(
                "PackSans",
                normal="PackSans-regular",
                bold="PackSans-bold",
                italic="PackSans-italic",
                boldItalic="PackSans-bold",
            )
            glyphs = frozenset.intersection(
                *(frozenset(f.face.charToGlyph) for f in faces.values())
            )
            chosen = Fonts(
                "PackSans-regular",
                "PackSans-bold",
                "PackSans-italic",
                True,
                glyphs,
                _fallback_glyphs() - glyphs,
            )
            break
    _fonts_cache["fonts"] = chosen
    return chosen


def _safe(text: Any, f: Fonts) -> str:
    """Text for a reportlab paragraph: escaped (so typed <b> or **bold** prints as typed),
    its line breaks kept, and within what the fonts can show: a run of characters only the
    fallback font has is set in it.

    >>> _safe("a < b\\n**c**", Fonts("Helvetica", "", "", False))
    'a &lt; b<br/>**c**'
    >>> _safe("Hi 東京 😀", Fonts("S", "", "", True, frozenset(map(ord, "Hi ")), frozenset(map(ord, "東京"))))
    'Hi <font face="PackFallback">東京</font> �'
    """
    text = w.text_of(text)
    if not f.unicode:
        # Statuses and directions are always in words too, so their symbols can go.
        for ch in _NEEDED_GLYPHS:
            text = text.replace(ch, "")
        text = text.encode("cp1252", "replace").decode("cp1252")
        return escape(text).replace("\n", "<br/>").replace("\t", " ")
    runs: list[tuple[bool, list[str]]] = []  # (in the fallback font, its characters)
    for ch in text:
        # A character beyond 16 bits (an emoji) reportlab's text map cannot name, leaving the
        # PDF's text unreadable to search and screen readers: the replacement mark instead.
        usable = ord(ch) <= 0xFFFF
        other = usable and ord(ch) not in f.glyphs and ord(ch) in f.fallback_glyphs
        if not (ch in "\n\t" or other or (usable and ord(ch) in f.glyphs)) and f.glyphs:
            ch = "\ufffd"
        if runs and runs[-1][0] == other:
            runs[-1][1].append(ch)
        else:
            runs.append((other, [ch]))
    out = []
    for other, chars in runs:
        part = escape("".join(chars)).replace("\n", "<br/>").replace("\t", " ")
        out.append(f'<font face="{FALLBACK}">{part}</font>' if other else part)
    return "".join(out)


def _plain(text: str, f: Fonts) -> str:
    return text if f.unicode else text.encode("cp1252", "replace").decode("cp1252")
