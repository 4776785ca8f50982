"""appraisal views."""

urlpatterns: list = []
