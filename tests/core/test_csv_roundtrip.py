"""Property test: any table written by Python's csv module comes back cell for cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.tables.loader import read_raw
from workbench.tables.text_sniff import DELIMITERS

_LETTERS = "abcxyzABC가나다온도압력불량 '"


@st.composite
def tables(draw):
    delimiter = draw(st.sampled_from(DELIMITERS))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16"]))
    n_cols = draw(st.integers(2, 5))
    n_rows = draw(st.integers(3, 12))
    # Cells may hold this file's separator, quotes and line breaks, never another separator.
    cell = st.text(alphabet=_LETTERS + delimiter + '"\n', max_size=8).map(lambda s: "v" + s)
    rows = draw(
        st.lists(st.lists(cell, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows)
    )
    header = [f"열{j}_{'x' * j}" for j in range(n_cols)]
    return delimiter, encoding, header, rows


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=tables())
def test_written_tables_read_back_exactly(tmp_path: Path, case):
    delimiter, encoding, header, rows = case
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "t.csv"
    path.write_bytes(buf.getvalue().encode(encoding))

    _fmt, table = read_raw(path)

    assert table.options.delimiter == delimiter
    assert list(table.frame.columns) == header
    got = [[str(v) for v in row] for row in table.frame.astype(object).itertuples(index=False)]
    assert got == [[c.replace("\r\n", "\n") for c in row] for row in rows]
    assert list(table.frame.index) == list(range(len(rows)))
