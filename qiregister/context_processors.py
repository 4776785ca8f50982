from django.http import HttpRequest
from django.urls import reverse

# (label, url name); a section is "current" when the path starts with its URL.
PRIMARY_NAVIGATION = [
    ("Home", "home"),
]


def navigation(request: HttpRequest) -> dict:
    if not request.user.is_authenticated:
        return {}
    items = []
    for label, url_name in PRIMARY_NAVIGATION:
        href = reverse(url_name)
        current = request.path == href if href == "/" else request.path.startswith(href)
        items.append({"label": label, "href": href, "current": current})
    if request.user.is_staff:
        items.append(
            {"label": "Admin", "href": reverse("admin:index"), "current": False},
        )
    return {"primary_navigation": items, "current_person": getattr(request.user, "person", None)}
