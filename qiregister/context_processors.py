from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# (label, url name); a section is "current" when the path starts with its URL.
# Kept short so it fits the NHS.UK header without folding into "More"; the rest (propose,
# training, mentoring, my team, showcases, awards) is reached from the home page and My QI.
PRIMARY_NAVIGATION = [
    ("My QI", "people:me"),
    ("Projects", "projects:register"),
    ("Tasks", "tasks:board"),
    ("People", "people:directory"),
    ("QI board", "recognition:board"),
    ("Champions", "governance:champions"),
]


def navigation(request: HttpRequest) -> dict:
    if not request.user.is_authenticated:
        return {}
    items = [{"label": label, "href": reverse(name)} for label, name in PRIMARY_NAVIGATION]
    # The current section is the one whose URL is the longest prefix of this page's path.
    matches = [
        item for item in items if item["href"] != "/" and request.path.startswith(item["href"])
    ]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["current"] = item is current
    person = getattr(request.user, "person", None)
    if request.user.is_staff or (person is not None and person.is_champion):
        for label, name in [
            ("Review", "governance:review_queue"),
            ("Governance", "governance:report"),
        ]:
            items.append(
                {
                    "label": label,
                    "href": reverse(name),
                    "current": request.path.startswith(reverse(name)),
                }
            )
    if request.user.is_staff:
        items.append(
            {"label": "Admin", "href": reverse("admin:index"), "current": False},
        )
    return {"primary_navigation": items, "current_person": getattr(request.user, "person", None)}


def single_sign_on(request: HttpRequest) -> dict:
    """The sign-in page's single sign-on button, when OpenID Connect is configured."""
    if not settings.QIREGISTER_OIDC_ENABLED:
        return {}
    return {"single_sign_on_label": settings.QIREGISTER_OIDC_BUTTON_LABEL}
