"""The files the indicator screens hold between a check and the person's "save" (``gemis.core.held``).

Views and background jobs both reach them, so they live here rather than in either.
"""

from __future__ import annotations

from gemis.core.held import HeldUploads

KEEP_UPLOADS = 5
# Filled-in Excel templates, checked and waiting for "save".
WORKBOOKS = HeldUploads("indicator_uploads", keep=KEEP_UPLOADS)
# Circulars whose annexes the national catalog is read from, waiting for "load".
CIRCULARS = HeldUploads("catalog_uploads", keep=3)


def beside(file: str) -> str:
    """Where a job keeps what it found in a held file (the report of a workbook, the reading of a
    circular): the same name with ``.json``, removed with it."""
    return file.rsplit(".", 1)[0] + ".json"
