from django.apps import AppConfig


class TemplatingConfig(AppConfig):
    name = "templating"
