"""showcase views."""

urlpatterns: list = []
