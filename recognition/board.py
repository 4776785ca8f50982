"""board views."""

urlpatterns: list = []
