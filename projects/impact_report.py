"""The department impact page."""

app_name = "impact"

urlpatterns: list = []
