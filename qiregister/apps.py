from django.apps import AppConfig


class QiRegisterConfig(AppConfig):
    name = "qiregister"
    verbose_name = "QI Register"

    def ready(self) -> None:
        # Connects the security log's signal receivers.
        from qiregister import security  # noqa: F401
