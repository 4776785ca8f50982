"""Django's PostgreSQL backend, starting the embedded server before its first connection."""

from __future__ import annotations

from django.db.backends.postgresql import base, client

from qiregister.embedded_db import server_address


class DatabaseClient(client.DatabaseClient):
    def runshell(self, parameters):
        # `manage.py dbshell` runs psql without opening a connection of its own.
        self.connection.start_server()
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def start_server(self) -> None:
        """Start or join the server and write its address into the settings (HOST and PORT),
        where pg_dump, psql and the backups read it."""
        host, port = server_address(self.settings_dict["DATA_DIR"])
        self.settings_dict["HOST"], self.settings_dict["PORT"] = host, port

    def get_connection_params(self):
        self.start_server()
        return super().get_connection_params()
