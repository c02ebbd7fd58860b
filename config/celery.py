"""Celery application. In embedded mode (no CELERY_BROKER_URL) tasks run eagerly in-process."""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kontor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _load_before_fork(**kwargs: Any) -> None:
    """Load what every job would load on its first run (the language profiles) in the main
    process, before the pool forks: the children share it instead of each loading it."""
    # Imported here because this module loads with the settings (config/__init__.py), before
    # Django's apps and models are ready; by the time a worker starts they are.
    from search.records import warm_up

    warm_up()
