"""The `zichtbaar` command: Django's manage.py for this project."""

from __future__ import annotations

import os
import sys

# Commands that need no secret: nothing they do is signed. Trainers run the survey commands on
# their own laptop; operators run the others before configuring the server.
OFFLINE_COMMANDS = {
    "survey_report",
    "survey_demo_data",
    "makemigrations",
    "migrate",
    "showmigrations",
    "check",
    "makemessages",
    "compilemessages",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zichtbaar.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("ZICHTBAAR_OFFLINE", "1")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 (loads the settings, so a mistake is reported plainly)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"zichtbaar: {exc}\n")
        sys.exit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
