import os
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the administrator named by DJANGO_SUPERUSER_* if it does not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not username:
            self.stdout.write(
                "No DJANGO_SUPERUSER_USERNAME set: no administrator created "
                "(run `python manage.py createsuperuser` to make one)."
            )
            return
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Administrator '{username}' exists.")
            return
        if not password:
            self.stderr.write(
                "DJANGO_SUPERUSER_PASSWORD is not set; set it to create the administrator."
            )
            return
        User.objects.create_superuser(
            username=username, password=password, email=os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        )
        self.stdout.write(f"Administrator '{username}' created.")
