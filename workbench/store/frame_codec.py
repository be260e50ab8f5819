"""Frames to Parquet bytes and back, without losing a dtype, a level or a row label.

Parquet through pyarrow keeps most pandas dtypes (float with NaN/±inf, ``boolean``, ``str``,
``string``, datetimes with their time zone, the index), but not every categorical: categories
that are numbers come back as plain floats, and an all-missing categorical as float64. So a
categorical column is stored as its integer codes, and its categories, ordered flag and every
column's dtype travel in the Parquet file's own key-value metadata (JSON, read with ``json`` —
never code). Reading checks each column against that record and restores it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pandas as pd

META_KEY = b"workbench.frame"
FRAME_CODEC_VERSION = 1


# ---------------------------------------------------------------------------------------------
# Typed value lists (category levels, feature levels) as JSON


def encode_values(values: Any) -> dict[str, Any]:
    """A list of values (an Index, a list) as JSON that :func:`decode_values` restores exactly.

    Strings, integers, floats (NaN/±inf kept), booleans and datetimes keep their type; a mixed
    list is tagged value by value.
    """
    index = values if isinstance(values, pd.Index) else pd.Index(list(values), dtype=object)
    dtype = str(index.dtype)
    if isinstance(index, pd.DatetimeIndex):
        return {"dtype": dtype, "i8": [int(v) for v in index.asi8]}
    if dtype in ("str", "string") or (
        pd.api.types.is_string_dtype(index.dtype) and dtype != "object"
    ):
        return {"dtype": dtype, "values": [str(v) for v in index]}
    if pd.api.types.is_bool_dtype(index.dtype):
        return {"dtype": dtype, "values": [bool(v) for v in index]}
    if pd.api.types.is_integer_dtype(index.dtype):
        return {"dtype": dtype, "values": [int(v) for v in index]}
    if pd.api.types.is_float_dtype(index.dtype):
        return {"dtype": dtype, "values": [float(v) for v in index]}
    return {"dtype": "object", "tagged": [_tag(v) for v in index]}


def _tag(value: Any) -> list[Any]:
    if isinstance(value, bool | np.bool_):
        return ["b", bool(value)]
    if isinstance(value, int | np.integer):
        return ["i", int(value)]
    if isinstance(value, float | np.floating):
        return ["f", float(value)]
    if isinstance(value, pd.Timestamp):
        return ["t", value.isoformat()]
    if value is None or value is pd.NA:
        return ["n", None]
    return ["s", str(value)]


def _untag(item: list[Any]) -> Any:
    kind, value = item
    if kind == "b":
        return bool(value)
    if kind == "i":
        return int(value)
    if kind == "f":
        return float(value)
    if kind == "t":
        return pd.Timestamp(value)
    if kind == "n":
        return None
    return str(value)


def decode_values(data: dict[str, Any]) -> pd.Index:
    """The Index :func:`encode_values` described."""
    dtype = data["dtype"]
    if "i8" in data:
        base = pd.DatetimeIndex(np.asarray(data["i8"], dtype="int64").view("datetime64[ns]"))
        tz = pd.api.types.pandas_dtype(dtype)
        if isinstance(tz, pd.DatetimeTZDtype):
            base = base.tz_localize("UTC").tz_convert(tz.tz)
        return base.astype(dtype)
    if "tagged" in data:
        return pd.Index([_untag(v) for v in data["tagged"]], dtype=object)
    return pd.Index(list(data["values"]), dtype=dtype)


def decode_list(data: dict[str, Any]) -> list[Any]:
    """The values as a plain list of Python scalars (str, int, float, bool, Timestamp)."""
    index = decode_values(data)
    if "tagged" in data or isinstance(index, pd.DatetimeIndex):
        return list(index)
    return index.tolist()


# ---------------------------------------------------------------------------------------------
# Frames


def _storable(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    columns: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    for pos in range(frame.shape[1]):
        name = frame.columns[pos]
        col = frame.iloc[:, pos]
        spec: dict[str, Any] = {"name": name, "dtype": str(col.dtype)}
        key = f"c{pos}"  # positional names: any user name (or duplicate) is fine
        if isinstance(col.dtype, pd.CategoricalDtype):
            spec["categories"] = encode_values(col.cat.categories)
            spec["ordered"] = bool(col.cat.ordered)
            data[key] = col.cat.codes.to_numpy()
        elif col.dtype == object:
            # Not a canonical dtype; keep what Arrow can hold as typed values, else text.
            spec["object"] = True
            data[key] = col.to_numpy()
        else:
            data[key] = col.array
        columns.append(spec)
    stored = pd.DataFrame(data, index=frame.index)
    index = frame.index
    meta = {
        "version": FRAME_CODEC_VERSION,
        "columns": columns,
        "column_names": encode_values(frame.columns),
        "index_dtype": str(index.dtype),
        "index_name": index.name if isinstance(index.name, str | int) else None,
    }
    return stored, meta


def frame_to_parquet(frame: pd.DataFrame, compression: str = "zstd") -> bytes:
    """Parquet bytes holding ``frame`` exactly (dtypes, categories, index)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    stored, meta = _storable(frame)
    try:
        table = pa.Table.from_pandas(stored, preserve_index=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        for spec in meta["columns"]:
            if spec.get("object"):
                key = f"c{meta['columns'].index(spec)}"
                stored[key] = stored[key].map(lambda v: None if _missing(v) else str(v))
                spec["as_text"] = True
        table = pa.Table.from_pandas(stored, preserve_index=True)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[META_KEY] = json.dumps(meta, ensure_ascii=False, allow_nan=True).encode("utf-8")
    table = table.replace_schema_metadata(schema_meta)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression=compression)
    return buf.getvalue()


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class TableTooLargeError(ValueError):
    """A Parquet table holds more rows, or decodes to more bytes, than it may."""


# Rows per batch while counting: small enough that one batch of numbers stays a few MB.
_COUNT_BATCH_ROWS = 16_384


def _read_bounded(
    data: bytes, max_rows: int | None, max_bytes: int | None, bytes_per_cell: int
) -> Any:
    """The Arrow table in ``data``, its decoded size counted batch by batch as it is produced.

    Parquet compresses inside the file (dictionaries, run lengths, zstd): 600 KB can decode to
    2 GB. The footer's row count is checked first; text columns are read as dictionaries, whose
    decoded size is known before they are expanded, so no batch is ever expanded past
    ``max_bytes``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(io.BytesIO(data))
    if max_rows is not None and pf.metadata.num_rows > max_rows:
        raise TableTooLargeError("more rows than the project says it has")
    if max_bytes is None:
        return pf.read()
    schema = pf.schema_arrow
    max_bytes += bytes_per_cell * pf.metadata.num_rows * len(schema)
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_binary(f.type)]
    text += [
        f.name
        for f in schema
        if pa.types.is_large_string(f.type) or pa.types.is_large_binary(f.type)
    ]
    if text:  # reopened so text columns arrive as dictionaries (a footer read, cheap)
        pf = pq.ParquetFile(io.BytesIO(data), read_dictionary=text)
    meta = pf.metadata
    stated = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    )
    if stated > max_bytes:  # what the file itself says it decodes to
        raise TableTooLargeError("the table decodes to more bytes than allowed")
    used = 0
    batches = []
    for batch in pf.iter_batches(batch_size=_COUNT_BATCH_ROWS):
        columns = []
        for column, field in zip(batch.columns, schema, strict=True):
            if pa.types.is_dictionary(column.type):
                # Counted as expanded (what a later conversion to text would hold).
                used += _expanded_bytes(column)
                if used > max_bytes:
                    raise TableTooLargeError("the table decodes to more bytes than allowed")
                if not pa.types.is_dictionary(field.type):
                    column = column.dictionary_decode().cast(field.type)
            else:
                used += column.nbytes
            columns.append(column)
        if used > max_bytes:
            raise TableTooLargeError("the table decodes to more bytes than allowed")
        batches.append(pa.RecordBatch.from_arrays(columns, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _expanded_bytes(column: Any) -> int:
    """Bytes a dictionary column holds once expanded, computed without expanding it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.dictionary
    if (
        pa.types.is_string(values.type)
        or pa.types.is_binary(values.type)
        or (pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type))
    ):
        lengths = pc.binary_length(values)
        return int(pc.sum(pc.take(lengths, column.indices)).as_py() or 0) + 8 * len(column)
    width = values.type.bit_width // 8 if hasattr(values.type, "bit_width") else 8
    return max(width, 1) * len(column) + column.indices.nbytes


def frame_from_parquet(
    data: bytes,
    *,
    max_rows: int | None = None,
    max_bytes: int | None = None,
    bytes_per_cell: int = 0,
) -> pd.DataFrame:
    """The frame :func:`frame_to_parquet` wrote; plain Parquet files are read as they are.

    ``max_rows`` and ``max_bytes + bytes_per_cell x rows x columns`` (the file's own row count,
    checked against ``max_rows``) bound what an untrusted file may make us hold
    (:class:`TableTooLargeError` beyond them).
    """
    table = _read_bounded(data, max_rows, max_bytes, bytes_per_cell)
    raw = (table.schema.metadata or {}).get(META_KEY)
    stored = table.to_pandas()
    if raw is None:
        return stored
    meta = json.loads(raw.decode("utf-8"))
    if not isinstance(meta, dict) or int(meta.get("version", 0)) > FRAME_CODEC_VERSION:
        raise ValueError("unknown frame layout")
    out: dict[int, pd.Series] = {}
    for pos, spec in enumerate(meta["columns"]):
        col = stored[f"c{pos}"]
        if "categories" in spec:
            dtype = pd.CategoricalDtype(decode_values(spec["categories"]), bool(spec["ordered"]))
            codes = col.to_numpy()
            values = pd.Categorical.from_codes(codes.astype(np.int64), dtype=dtype)
            col = pd.Series(values, index=stored.index)
        elif spec.get("object"):
            col = col.astype(object)
        elif str(col.dtype) != spec["dtype"]:
            col = col.astype(spec["dtype"])
        out[pos] = col
    frame = pd.DataFrame(out, index=stored.index) if out else pd.DataFrame(index=stored.index)
    frame.columns = decode_values(meta["column_names"])
    if str(frame.index.dtype) != meta["index_dtype"]:
        frame.index = frame.index.astype(meta["index_dtype"])
    frame.index.name = meta.get("index_name")
    return frame
