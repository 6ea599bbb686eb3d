"""The ``gemis`` command: Django's management commands with GEMIS's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gemis.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # "gemis load-units" runs the load_units command
    execute_from_command_line(["gemis", *args])


if __name__ == "__main__":
    main()
