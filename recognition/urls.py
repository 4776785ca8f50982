"""Every route of recognition: showcases, the board, awards, appraisal notes, the portfolio."""

from django.urls import path

from recognition.views import appraisal, awards, board, portfolio, prepared, showcase

app_name = "recognition"

urlpatterns = [
    # Showcase
    path("showcase/", showcase.showcase_list, name="showcase"),
    path("showcase/new/", showcase.showcase_session_create, name="showcase_session_create"),
    path("showcase/calendar.ics", showcase.showcase_calendar, name="showcase_calendar"),
    path("showcase/calendar/link/", showcase.showcase_calendar_link, name="showcase_calendar_link"),
    path(
        "showcase/calendar/link/stop/",
        showcase.showcase_calendar_link_stop,
        name="showcase_calendar_link_stop",
    ),
    path("showcase/<int:pk>/", showcase.showcase_session, name="showcase_session"),
    path("showcase/<int:pk>/edit/", showcase.showcase_session_edit, name="showcase_session_edit"),
    path(
        "showcase/<int:pk>/cancel/",
        showcase.showcase_session_cancel,
        name="showcase_session_cancel",
    ),
    path("showcase/<int:pk>/book/", showcase.showcase_book, name="showcase_book"),
    path(
        "showcase/<int:pk>/slots/<int:slot_pk>/confirm/",
        showcase.showcase_slot_confirm,
        name="showcase_slot_confirm",
    ),
    path(
        "showcase/<int:pk>/slots/<int:slot_pk>/cancel/",
        showcase.showcase_slot_cancel,
        name="showcase_slot_cancel",
    ),
    # Board
    path("board/", board.board, name="board"),
    path("board/display/", board.board_display, name="board_display"),
    path("board/display/<str:token>/", board.board_display_by_link, name="board_display_by_link"),
    path(
        "board/display/<str:token>/poster/<int:pk>/",
        board.board_display_poster_by_link,
        name="board_display_poster_by_link",
    ),
    path("board/links/", board.display_links, name="display_links"),
    path("board/links/<int:pk>/revoke/", board.display_link_revoke, name="display_link_revoke"),
    path("projects/<int:pk>/poster/", board.poster_upload, name="poster_upload"),
    path("projects/<int:pk>/poster/remove/", board.poster_remove, name="poster_remove"),
    path("projects/<int:pk>/poster/file/", board.poster_file, name="poster_file"),
    path("projects/<int:pk>/poster/thumbnail/", board.poster_thumbnail, name="poster_thumbnail"),
    path("projects/<int:pk>/summary/", board.project_summary, name="project_summary"),
    path("projects/<int:pk>/summary.pdf", board.project_summary_pdf, name="project_summary_pdf"),
    # Awards
    path("awards/", awards.award_list, name="awards"),
    path("awards/past/", awards.past_awards, name="past_awards"),
    path("awards/new/", awards.award_create, name="award_create"),
    path("awards/<int:pk>/edit/", awards.award_edit, name="award_edit"),
    path("awards/<int:pk>/nominate/", awards.nominate, name="nominate"),
    path("nominations/", awards.nomination_list, name="nominations"),
    path("nominations/mine/", awards.my_nominations, name="my_nominations"),
    path("nominations/<int:pk>/", awards.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/edit/", awards.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/submit/", awards.nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/delete/", awards.nomination_delete, name="nomination_delete"),
    path("nominations/<int:pk>/status/", awards.nomination_status, name="nomination_status"),
    # Appraisal
    path("people/<int:pk>/appraisal/", appraisal.appraisal_notes, name="appraisal_notes"),
    path(
        "appraisal-notes/<int:pk>/edit/", appraisal.appraisal_note_edit, name="appraisal_note_edit"
    ),
    path(
        "appraisal-notes/<int:pk>/delete/",
        appraisal.appraisal_note_delete,
        name="appraisal_note_delete",
    ),
    path(
        "team/appraisal-summary.csv",
        appraisal.appraisal_summary,
        {"fmt": "csv"},
        name="appraisal_summary_csv",
    ),
    path(
        "team/appraisal-summary.pdf",
        appraisal.appraisal_summary,
        {"fmt": "pdf"},
        name="appraisal_summary_pdf",
    ),
    # Portfolio
    path("me/portfolio/", portfolio.portfolio, name="portfolio"),
    path("me/portfolio.csv", portfolio.portfolio_csv, name="portfolio_csv"),
    path("me/portfolio.pdf", portfolio.portfolio_pdf, name="portfolio_pdf"),
    path("me/certificates/<int:project_pk>.pdf", portfolio.certificate, name="certificate"),
    # Large PDFs, prepared in the background for the person who asked
    path("me/files/<int:pk>/", prepared.prepared_file, name="prepared_file"),
    path(
        "me/files/<int:pk>/download/",
        prepared.prepared_file_download,
        name="prepared_file_download",
    ),
]
