from recognition import appraisal, awards, board, portfolio, showcase

app_name = "recognition"

urlpatterns = [
    *showcase.urlpatterns,
    *board.urlpatterns,
    *awards.urlpatterns,
    *appraisal.urlpatterns,
    *portfolio.urlpatterns,
]
