"""Projects' views, one module per part of the app: the register and a project's page
(register), its progress updates, role openings and tasks (records), joining (joining), the task
board and buddy system (tasks), and governance: review, closure, history, the report (governance).
Their routes are all in projects/urls.py."""
