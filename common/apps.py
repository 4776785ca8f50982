from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared toolbox at the bottom of the layers: it imports no app of this project."""

    name = "common"
    verbose_name = "Common"
