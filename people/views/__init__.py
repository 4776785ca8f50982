"""People's views: My QI, the directory and profiles (profiles), training (training), a
manager's team and the engagement report (team), mentoring (mentoring), and the department and
trust pages (departments). Their routes are all in people/urls.py."""
