"""Bulk work: `python -m bulk analyse FOLDER` (bulk/folder.py, bulk/runners.py)."""
