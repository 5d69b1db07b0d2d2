"""A workbook's own XML, measured by a real parser before any spreadsheet reader sees it.

A regular expression matches one spelling of a tag; XML has many. ``r='XFD100000'`` in single
quotes, ``<x:row>`` under a namespace prefix, ``r="XFD0001000000"`` with leading zeros,
``r="&#88;FD9"`` as a character reference: each is the same far cell to a spreadsheet reader,
which then allocates the whole grid up to it. So every part a reader will read as a sheet is
streamed through expat, namespace-aware, and measured from the elements and attributes it
reports: rows, columns, cells, the declared ``<dimension>`` and each row's ``spans``, and the
cells Excel saved as errors or formulas without a result.

Nothing in a workbook needs a document type declaration, so one is refused outright: no entity
is ever expanded (billion laughs) and nothing external is ever fetched, as defusedxml does.
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

import numpy as np

#: expat reports a namespaced name as "uri}local"; only the local name matters here
_SEP = "}"
_CHUNK = 1 << 20
_REF = re.compile(r"\s*([A-Za-z]{1,3})0*([0-9]{1,9})\s*")
_NUMBER = re.compile(r"\s*0*([0-9]{1,9})\s*")
#: the most bytes an error cell's text is kept to (Excel's are like "#DIV/0!")
_ERROR_TEXT = 32


class SheetXmlError(ValueError):
    """The part is not well-formed XML, declares a DTD, or holds a reference no reader can place."""


@dataclass(frozen=True)
class CellFault:
    """A cell calamine would read as blank but which holds an Excel error or an unworked formula."""

    ref: str  # e.g. C7
    what: str  # "#DIV/0!", or "formula" for a formula with no saved result

    def describe(self) -> str:
        if self.what == "formula":
            return (
                f"cell {self.ref} holds a formula Excel has not worked out (no value was saved): "
                "type the figure itself, or open the file in Excel, let it calculate and save it"
            )
        return (
            f"cell {self.ref} holds the Excel error {self.what}: type the figure, "
            "or n/a if there is none"
        )

    def __str__(self) -> str:  # how it shows if it is ever printed as a value
        return self.what


@dataclass
class SheetFacts:
    name: str
    rows: int = 0  # the last row number used (1-based), 0 for an empty sheet
    columns: int = 0  # the last column number used
    cells: int = 0
    faults: dict[tuple[int, int], CellFault] = field(default_factory=dict)  # (row, col), 1-based


def column_letter(index: int) -> str:
    """Excel's letters for a 1-based column number.

    >>> column_letter(1), column_letter(27), column_letter(16384)
    ('A', 'AA', 'XFD')
    """
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based column number of Excel's letters, in either case.

    >>> column_number("A"), column_number("xfd")
    (1, 16384)
    """
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def cell_position(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference however it is spelled; raises SheetXmlError if none.

    >>> cell_position("XFD1048576"), cell_position(" xfd0001000000 "), cell_position("B7")
    ((1048576, 16384), (1000000, 16384), (7, 2))
    >>> cell_position("7B")
    Traceback (most recent call last):
    ...
    loaders.sheet_xml.SheetXmlError: '7B' is not a cell reference
    """
    match = _REF.fullmatch(ref)
    if not match:
        raise SheetXmlError(f"{ref[:40]!r} is not a cell reference")
    return int(match.group(2)), column_number(match.group(1))


def _number(text: str) -> int:
    match = _NUMBER.fullmatch(text)
    if not match:
        raise SheetXmlError(f"{text[:40]!r} is not a row number")
    return int(match.group(1))


def _local(name: str) -> str:
    return name.rpartition(_SEP)[2]


def _attribute(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by its local name, with or without a namespace (readers differ)."""
    value = attrs.get(local)
    if value is not None:
        return value
    for key, value in attrs.items():
        if key.endswith(_SEP + local):
            return value
    return None


def _parser(start: Callable, end: Callable | None = None, text: Callable | None = None):
    """A namespace-aware expat parser that refuses any DTD, entity or external reference."""
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_):
        raise SheetXmlError("a workbook part declares a document type or entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    parser.ordered_attributes = False
    return parser


def _feed(parser, stream: IO[bytes]) -> None:
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as err:
        raise SheetXmlError(f"not well-formed XML ({expat.ErrorString(err.code)})") from None


_COLUMNS = {column_letter(i): i for i in range(1, 703)}  # A to ZZ: the usual spellings


def _position(ref: str) -> tuple[int, int]:
    """:func:`cell_position`, without a regular expression for the usual spelling ("C7")."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    column = _COLUMNS.get(letters)
    if column is None or not digits or len(digits) > 9 or digits[0] == "0":
        return cell_position(ref)
    return int(digits), column


def scan_sheet(
    stream: IO[bytes], facts: SheetFacts, grow: Callable[[int, int], None], cell_limit: int
) -> None:
    """Measure one worksheet as it streams by, calling ``grow(rows, columns)`` whenever it
    reaches further or past ``cell_limit`` cells, so the caller can refuse as soon as a limit
    is passed. Raises SheetXmlError.

    Only a start handler runs for every element (a 200,000-row return has over a million), so
    it does the least it can: names are classified once, a cell's faults are settled when the
    next cell or row starts, and text is listened to only inside the value of an error or a formula.
    """
    local_names: dict[str, str] = {}
    # The current row (a row without r follows the one before), the current cell's column (a
    # cell without r follows the one before along its row), and the open cell: its row, column,
    # type, and whether it has a formula and a value so far.
    row = column = 0
    cell: list | None = None
    value_text: list[str] = []

    def settle() -> None:
        nonlocal cell
        at, across, kind, formula, valued = cell
        ref = f"{column_letter(across)}{at}"
        parser.CharacterDataHandler = None
        value = "".join(value_text).strip()[:_ERROR_TEXT]
        value_text.clear()
        if kind == "e":
            facts.faults[(at, across)] = CellFault(ref, value or "#ERROR")
        elif formula and not (valued and value) and kind not in ("str", "inlineStr"):
            facts.faults[(at, across)] = CellFault(ref, "formula")
        cell = None

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, column, cell
        local = local_names.get(name)
        if local is None:
            local = local_names[name] = name[name.rfind(_SEP) + 1 :]
        if local == "c":
            if cell is not None and (cell[3] or cell[2] == "e"):
                settle()
            r = attrs.get("r") or _attribute(attrs, "r")
            if r is not None:
                at, column = _position(r)
            else:
                at, column = max(row, 1), column + 1  # as a reader places it
            facts.cells += 1
            if at > facts.rows or column > facts.columns or facts.cells > cell_limit:
                grow(at, column)
            cell = [at, column, attrs.get("t"), False, False]
        elif local == "v":
            if cell is not None:
                cell[4] = True
                if cell[3] or cell[2] == "e":  # an error's name, or whether a formula has a value
                    parser.CharacterDataHandler = value_text.append
        elif local == "f":
            if cell is not None:
                cell[3] = True
        elif local == "row":
            if cell is not None and (cell[3] or cell[2] == "e"):
                settle()
            cell = None
            r = attrs.get("r") or _attribute(attrs, "r")
            row, column = (_number(r) if r is not None else row + 1), 0
            spans = attrs.get("spans")
            widest = max(map(_number, spans.replace(":", " ").split()), default=0) if spans else 0
            if row > facts.rows or widest > facts.columns:
                grow(row, widest)
        elif local == "dimension":
            ref = _attribute(attrs, "ref")
            if ref:
                # Readers size their grid from the declared dimension too.
                grow(*cell_position(ref.split(":")[-1]))

    parser = _parser(start)
    _feed(parser, stream)
    if cell is not None:
        settle()


# The quick measure: the one spelling Excel and openpyxl write, matched on the bytes at C speed.
# It vouches for a sheet only when every <c, <row and <dimension tag in the part is spelled
# that way (so no other spelling is left for a reader to place a cell by), and nothing in the
# part could change how a reader sees them; otherwise the sheet is measured by expat.
# A 200,000-row return has 1.8 million cells: their tags are counted by numpy and matched by
# RE2 (Arrow's, linear in the bytes), and their references read by numpy, since Python's re
# alone took longer than calamine's whole parse.
_PREFIXED = re.compile(rb":(?:c|row|dimension|sheetData|worksheet)[\s/>]")
#: the usual cell tag; whitespace spelled out, as Python's \s and RE2's differ on \v
_CELL_TEXT = (
    r'<c r="([A-Z]{1,3})([1-9][0-9]{0,8})"(?: (?:s|t|cm|vm|ph)="[^"<&]*")*'
    r"[\t\n\x0b\x0c\r ]*/?>"
)
_ROW = re.compile(
    rb'<row r="([1-9][0-9]{0,8})"(?: spans="([1-9][0-9]{0,4}):([1-9][0-9]{0,4})")?'
    rb"(?: (?:s|customFormat|ht|hidden|customHeight|outlineLevel|collapsed|thickTop|thickBot"
    rb'|ph|x14ac:dyDescent)="[^"<&]*")*\s*/?>'
)
_DIMENSION = re.compile(
    rb'<dimension ref="([A-Z]{1,3})([1-9][0-9]{0,8})(?::([A-Z]{1,3})([1-9][0-9]{0,8}))?"\s*/>'
)
_AFTER_CELL_NAME = np.frombuffer(b"\t\n\x0b\x0c\r />", dtype=np.uint8)


def _tags_named(data: np.ndarray, survey: tuple[np.ndarray, np.ndarray], name: bytes) -> np.ndarray:
    """The offsets of every ``<name`` followed by a blank, ``/`` or ``>`` (any spelling of that
    tag without a prefix), from the survey of every ``<``: what a search of the whole part
    for ``<name[\\s/>]`` finds, without reading the bytes again."""
    opens, after = survey
    at = opens[after == name[0]]
    at = at[at + len(name) + 1 < len(data)]
    for k, want in enumerate(name[1:], start=2):
        at = at[data[at + k] == want]
    return at[np.isin(data[at + len(name) + 1], _AFTER_CELL_NAME)]


def _strict_cells(part: bytes) -> int:
    """How many cell tags RE2 finds in the usual spelling (without copying the bytes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets = pa.array([0, len(part)], pa.int64()).buffers()[1]
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(part)])
    return pc.count_substring_regex(whole, _CELL_TEXT)[0].as_py()


def _survey(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``<`` in the part, and the byte after each (0 after the last byte): what each
    tag is, from one pass over the bytes rather than a search of them for each kind."""
    opens = np.flatnonzero(data == ord("<"))
    after = np.zeros(len(opens), dtype=np.uint8)
    inside = opens + 1 < len(data)
    after[inside] = data[opens[inside] + 1]
    return opens, after


def _cells(
    part: bytes, most: int | None, survey: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[int, int, int] | None:
    """(cells, the last row, the widest column) of the part's cell tags, or None unless every
    one is spelled ``<c r="A1"`` with only the usual attributes. A ``<`` in text is always
    escaped, and comments and CDATA are refused before this, so each ``<c`` starts a tag."""
    data = np.frombuffer(part, dtype=np.uint8)
    opens, after = survey if survey is not None else _survey(data)
    tags = opens[after == ord("c")]
    tags = tags[tags + 2 < len(data)]
    tags = tags[np.isin(data[tags + 2], _AFTER_CELL_NAME)]
    if not len(tags):
        return 0, 0, 0
    if (most is not None and len(tags) > most) or len(tags) != _strict_cells(part):
        return None
    # Every tag is the usual one, so its reference starts 6 bytes in: 1-3 letters, 1-9
    # digits, a quote. Read a byte a step for every cell at once.
    at = tags + 6
    column = np.zeros(len(tags), dtype=np.int64)
    reading = np.ones(len(tags), dtype=bool)
    for _ in range(3):
        byte = data[np.minimum(at, len(data) - 1)].astype(np.int64)
        reading &= (byte >= ord("A")) & (byte <= ord("Z"))
        column = np.where(reading, column * 26 + byte - (ord("A") - 1), column)
        at = at + reading
    row = np.zeros(len(tags), dtype=np.int64)
    reading[:] = True
    for _ in range(9):
        byte = data[np.minimum(at, len(data) - 1)].astype(np.int64)
        reading &= (byte >= ord("0")) & (byte <= ord("9"))
        if not reading.any():
            break
        row = np.where(reading, row * 10 + byte - ord("0"), row)
        at = at + reading
    return len(tags), int(row.max()), int(column.max())


def quick_measure(part: bytes, facts: SheetFacts, most_cells: int | None = None) -> bool:
    """Measure a sheet part written in the usual spelling, filling ``facts``; False (and
    ``facts`` untouched) when it cannot vouch for the part, which :func:`scan_sheet` then
    measures element by element, or when it has more than ``most_cells`` cell tags. The
    caller checks the limits on ``facts``.
    """
    # A DTD, comment or CDATA; a character reference; a processing instruction; a tag under a
    # prefix; and a formula or an error cell (expat settles whether a formula has a result).
    declaration = 1 if part.startswith(b"<?xml ") else 0
    data = np.frombuffer(part, dtype=np.uint8)
    survey = _survey(data)
    # What follows each "<", counted once: "<!", "<?" and "<f" from one pass over the bytes
    # (a search of the bytes for each cost more than calamine's parse of a third of them).
    following = np.bincount(survey[1], minlength=256)
    if (
        following[ord("!")]
        or following[ord("?")] > declaration
        or following[ord("f")]
        or b"&#" in part
        or _PREFIXED.search(part)
        or b't="e"' in part
    ):
        return False
    cells = _cells(part, most_cells, survey)
    rows = _ROW.findall(part)
    # Each <dimension> tag's spelling checked where it stands (its regex over the whole part
    # read 90 MB twice more for one tag near the top)
    dimension_tags = _tags_named(data, survey, b"dimension")
    dimensions = [m.groups() for at in dimension_tags if (m := _DIMENSION.match(part, int(at)))]
    if (
        cells is None
        or len(rows) != len(_tags_named(data, survey, b"row"))
        or len(dimensions) != len(dimension_tags)
    ):
        return False
    count, last_row, widest = cells
    if rows:  # each row's number and span read by numpy (a missing span as 0)
        numbers = np.array(rows, dtype="S9")
        numbers[numbers == b""] = b"0"
        numbers = numbers.astype(np.int64)
        last_row, widest = (
            max(last_row, int(numbers[:, 0].max())),
            max(widest, int(numbers[:, 1:].max())),
        )
    for letters, number, *end in dimensions:  # readers size their grid from it too
        letters, number = (end[0], end[1]) if end[0] else (letters, number)
        last_row, widest = max(last_row, int(number)), max(widest, column_number_bytes(letters))
    facts.rows, facts.columns, facts.cells = last_row, widest, count
    return True


def column_number_bytes(letters: bytes) -> int:
    return column_number(letters.decode("ascii"))


def elements(data: bytes, wanted: str) -> list[dict[str, str]]:
    """The attributes (by local name) of every element named ``wanted`` in a small XML part,
    such as the workbook's list of sheets or its relationships. Raises SheetXmlError."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == wanted:
            found.append({_local(k): v for k, v in attrs.items()})

    parser = _parser(start)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise SheetXmlError(f"not well-formed XML ({expat.ErrorString(err.code)})") from None
    return found
