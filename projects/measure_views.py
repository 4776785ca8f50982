"""measure_views."""

urlpatterns: list = []
