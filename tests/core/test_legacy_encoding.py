"""Latin-1/cp1252 or cp949: the decoding that gives plausible text wins, and the note says so."""

from __future__ import annotations

from pathlib import Path

from workbench.tables.legacy_codepage import choose_legacy, hangul_counts
from workbench.tables.loader import load_table


def _encoding_note(table) -> str:
    return next(n.message for n in table.notes if n.kind == "encoding")


def test_a_cp1252_file_with_degrees_and_umlauts_reads_as_cp1252(tmp_path: Path) -> None:
    rows = ["Messstelle,Bediener,Temperatur (°C),Dicke (µm),Notiz"]
    rows += [f"{i},Müller,{20 + i % 7}.5,{100 + i},Größe ±2°C" for i in range(60)]
    path = tmp_path / "werk.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    table = load_table(path)
    assert list(table.frame.columns) == [
        "Messstelle",
        "Bediener",
        "Temperatur (°C)",
        "Dicke (µm)",
        "Notiz",
    ]
    assert set(table.frame["Bediener"].astype(str)) == {"Müller"}
    assert set(table.frame["Notiz"].astype(str)) == {"Größe ±2°C"}
    assert "cp1252" in _encoding_note(table)
    assert table.options.encoding == "cp1252"  # a reload reads it the same way
    again = load_table(path, table.options)
    assert set(again.frame["Bediener"].astype(str)) == {"Müller"}


def test_degrees_alone_decode_as_cp949_too_but_cp1252_is_chosen_and_said(tmp_path: Path) -> None:
    # b"\xb0C" is "°C" in cp1252 and the rare syllable "캜" in cp949: both decode.
    rows = ["station,Temperatur (°C),Feuchte"]
    rows += [f"{i},{20 + i % 5}.5,{40 + i % 9}" for i in range(40)]
    path = tmp_path / "wetter.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    assert path.read_bytes().decode("cp949")  # the trap is real
    table = load_table(path)
    assert "Temperatur (°C)" in table.frame.columns
    note = _encoding_note(table)
    assert "cp1252" in note and "cp949" in note and "캜" in note


def test_a_real_cp949_file_stays_cp949_rare_syllables_and_all(tmp_path: Path) -> None:
    # "똠" and "햏" are extension syllables; the common ones around them make it Korean text.
    rows = ["작업자,공정,온도(℃),비고"]
    rows += [f"김똠{i % 3},소성 공정,{800 + i},햏 확인 완료" for i in range(40)]
    path = tmp_path / "공정.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp949"))
    table = load_table(path)
    assert list(table.frame.columns) == ["작업자", "공정", "온도(℃)", "비고"]
    assert set(table.frame["비고"].astype(str)) == {"햏 확인 완료"}
    assert "cp949" in _encoding_note(table) and "cp1252" not in _encoding_note(table)


def test_the_rules_on_bytes() -> None:
    assert hangul_counts("서울 캜") == (2, 1, "캜")
    assert choose_legacy("Müller".encode("cp1252"), complete=True).codec == "cp1252"
    assert choose_legacy("°C".encode("cp1252"), complete=True).codec == "cp1252"
    assert choose_legacy("평균기온 °C".encode("cp949"), complete=True).codec == "cp949"
    # Cyrillic bytes read as cp1252 are runs of accented letters: left to the general detector
    assert choose_legacy("Привет мир, температура".encode("cp1251"), complete=True) is None


def test_a_cp1252_file_that_starts_as_plain_ascii_is_redecided_on_the_whole_file(
    tmp_path: Path,
) -> None:
    # The first 256 KB read as UTF-8 (plain ASCII); "°C Müller" near the end is not UTF-8.
    rows = ["station,temp,note"] + [f"{i},{20 + i % 7}.5,ok" for i in range(30_000)]
    rows.append("30000,21.5,Temperatur 21°C Müller")
    path = tmp_path / "late.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    table = load_table(path)
    assert table.frame["note"].iloc[-1] == "Temperatur 21°C Müller"
    assert _encoding_note(table) == "The text was read as cp1252 (Western European)."
