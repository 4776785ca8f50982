"""awards views."""

urlpatterns: list = []
