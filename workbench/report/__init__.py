"""The Excel report for managers (openpyxl; no Qt needed)."""
