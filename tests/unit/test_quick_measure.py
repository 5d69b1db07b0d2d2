"""The quick ways of reading: the quick measure of a sheet's bytes vouches only for the one
usual spelling, and then measures what expat measures (any other spelling is left to expat);
a CSV without quotes is read in one call, with the records and lines read one by one gives."""

import io

import pytest

from loaders import sheet_xml

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
TAIL = b"</worksheet>"


def sheet(body: bytes, dimension: bytes = b'<dimension ref="A1:C3"/>') -> bytes:
    return HEAD + dimension + b"<sheetData>" + body + b"</sheetData>" + TAIL


USUAL = sheet(
    b'<row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>Code</t></is></c>'
    b'<c r="C1" s="1"><v>12</v></c></row>'
    b'<row r="3"><c r="B3" t="s"><v>0</v></c></row>'
)


def expat(part: bytes) -> sheet_xml.SheetFacts:
    facts = sheet_xml.SheetFacts("Return")

    def grow(rows, columns):
        facts.rows, facts.columns = max(facts.rows, rows), max(facts.columns, columns)

    sheet_xml.scan_sheet(io.BytesIO(part), facts, grow, 10**9)
    return facts


def test_the_usual_spelling_is_measured_as_expat_measures_it():
    quick = sheet_xml.SheetFacts("Return")
    assert sheet_xml.quick_measure(USUAL, quick)
    slow = expat(USUAL)
    assert (quick.rows, quick.columns, quick.cells) == (slow.rows, slow.columns, slow.cells)
    assert (quick.rows, quick.columns, quick.cells) == (3, 3, 3)


def test_a_lying_dimension_or_span_still_counts():
    far = sheet(
        b'<row r="1" spans="1:300"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:B900000"/>'
    )
    quick = sheet_xml.SheetFacts("Return")
    assert sheet_xml.quick_measure(far, quick)
    assert (quick.rows, quick.columns) == (900000, 300)


@pytest.mark.parametrize(
    "body",
    [
        b"<row r='1'><c r='XFD1'><v>1</v></c></row>",  # single quotes
        b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="1"><x:c r="XFD1"/></x:row>',
        b'<row r="1"><c r="&#88;FD1"><v>1</v></c></row>',  # a character reference
        b'<row r="1"><c t="n" r="XFD1"><v>1</v></c></row>',  # r after another attribute
        b'<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>',  # r twice
        b'<row r="1"><c r="A0001"><v>1</v></c></row>',  # leading zeros
        b'<row r="1"><c r = "A1"><v>1</v></c></row>',  # spaces round =
        b'<row r="1"><c><v>1</v></c></row>',  # a cell placed by its order
        b'<row r="1"><c r="A1"><f>1+1</f></c></row>',  # a formula
        b'<row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c></row>',  # an error
        b'<!-- <c r="XFD1"/> --><row r="1"><c r="A1"/></row>',  # a comment
    ],
)
def test_any_other_spelling_is_left_to_expat(body):
    facts = sheet_xml.SheetFacts("Return")
    assert not sheet_xml.quick_measure(sheet(body), facts)
    assert (facts.rows, facts.columns, facts.cells) == (0, 0, 0)


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n\n3,4\r\n5\r6,7,8\n",  # no quotes: one record a line, blank lines too
        'a,b\n"two\nlines",2\n3,4\n',  # a quoted cell over two lines
        "a\tb\n1\t2\n",
    ],
)
def test_csv_rows_are_the_records_and_lines_csv_records_gives(text):
    from loaders import files

    delimiter = "\t" if "\t" in text else ","
    pairs = list(files.csv_records(text, "x.csv", delimiter))
    assert files.csv_rows(text, "x.csv", delimiter) == (
        [r for _, r in pairs],
        [n for n, _ in pairs],
    )


@pytest.mark.parametrize("seed", range(5))
def test_far_and_near_references_are_read_as_expat_reads_them(seed):
    """numpy reads every reference a byte at a time: one to three letters, one to nine digits,
    in rows out of order, self-closed or not, with the usual attributes or none."""
    import random

    rng = random.Random(seed)
    cells = []
    for _ in range(200):
        column = sheet_xml.column_letter(rng.choice([1, 9, 26, 27, 256, 702, 703, 16384]))
        row = rng.choice([1, 9, 10, 99, 100, 65536, 1048576, 999999999])
        attributes = rng.choice(["", ' s="1"', ' t="s" s="2"', ' t="n"'])
        end = rng.choice(["/>", "><v>1</v></c>"])
        cells.append(f'<c r="{column}{row}"{attributes}{end}'.encode())
    part = sheet(b'<row r="1">' + b"".join(cells) + b"</row>", b"")
    quick = sheet_xml.SheetFacts("Return")
    assert sheet_xml.quick_measure(part, quick)
    slow = expat(part)
    assert (quick.rows, quick.columns, quick.cells) == (slow.rows, slow.columns, slow.cells)


def test_a_cell_tag_followed_by_a_vertical_tab_is_left_to_expat():
    part = sheet(b'<row r="1"><c\x0br="XFD1"><v>1</v></c><c r="A1"/></row>')
    assert not sheet_xml.quick_measure(part, sheet_xml.SheetFacts("Return"))


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n3,4\n",
        "a,b\r\n1, 2 \r\n3,4",  # CRLF, spaces kept, no newline at the end
        "a,b\n1,2\n\n3,4\n\n",  # blank lines: a record of blanks, as csv_rows pads them
        "a,b\n1,\n,2\n",
        "a\tb\n1\t2\n",
        "x\n\n1\n",
        "a,b\n1\n",  # a short record: left to csv_rows
        'a,b\n"1",2\n',  # a quote: left to csv_rows
        "a,b\r1,2\r",  # old Mac line ends
    ],
)
def test_csv_columns_are_the_records_csv_rows_gives_padded(text):
    from loaders import files

    delimiter = "\t" if "\t" in text else ","
    columns = files.csv_columns(text, delimiter)
    records, numbers = files.csv_rows(text, "x.csv", delimiter)
    width = max(map(len, records))
    padded = [r + [""] * (width - len(r)) for r in records]
    if columns is not None:
        assert columns.to_numpy().tolist() == padded
        assert numbers == list(range(1, len(records) + 1))
    else:
        assert '"' in text or len({len(r) for r in records if r}) > 1 or "\r" in text
