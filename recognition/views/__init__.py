"""Recognition's views: showcase sessions (showcase), the board and posters (board), awards and
nominations (awards), appraisal notes and summaries (appraisal), and the portfolio (portfolio).
Their routes are all in recognition/urls.py."""
