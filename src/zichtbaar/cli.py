"""The `zichtbaar` command: Django's manage.py for this project."""

from __future__ import annotations

import os
import sys

# Commands that need no server, database or secret: trainers run them on their own laptop.
OFFLINE_COMMANDS = {"survey_report", "survey_demo_data"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("ZICHTBAAR_OFFLINE", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
