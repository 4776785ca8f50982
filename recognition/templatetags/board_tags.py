"""The QI board's pieces on other pages: the project page's "Poster and QI board" section."""

from __future__ import annotations

from django import template

from projects.models import Project
from recognition.models import Poster
from recognition.services import board as services

register = template.Library()


@register.inclusion_tag("recognition/board/_project_panel.html")
def project_board_panel(project: Project, user) -> dict:
    """Costs one query (the poster); the edit check reuses what the project page loaded."""
    poster = services.poster_of(project)
    return {
        "project": project,
        "poster": poster,
        "can_edit": project.can_be_edited_by(user),
        "on_board": services.is_on_board(project, poster),
        "board_stage": project.stage in services.BOARD_STAGES,
    }


@register.simple_tag
def poster_src(poster: Poster, kind: str = "file") -> str:
    """`{% poster_src poster "thumbnail" %}`: the poster's URL, new for each upload."""
    return services.poster_url(poster, kind)
