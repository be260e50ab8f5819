"""The user's data tables: reading CSV and Excel files (encodings, separators, title rows,
number formats, column types) into a :class:`~workbench.tables.table.LoadedTable`, and exporting
a cleaned table back to CSV or Excel."""
