"""The project store: the ``.wbproj`` file (a zip of JSON and Parquet, never pickle), its
format versions and migrations, checks on open, and the autosave recovery copy."""
