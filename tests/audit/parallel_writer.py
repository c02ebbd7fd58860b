"""Entry point of a writer process: imports nothing from Django before `django.setup()`."""

import os


def write_events(database_url: str, writer: int, count: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from audit.record import RequestContext, record

    for index in range(count):
        record(
            RequestContext.system(),
            "test.parallel",
            object_type="writer",
            object_id=writer,
            details={"i": index},
        )
