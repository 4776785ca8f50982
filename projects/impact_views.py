"""impact_views."""

urlpatterns: list = []
