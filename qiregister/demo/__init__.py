"""The demo trust that `manage.py seed_demo` builds, one module per app it fills: `people`
(departments, people and the demo logins), `projects` (every stage, with tasks and updates) and
`recognition` (showcases, posters, awards, appraisal notes) and `measurement` (measures, PDSA
cycles, impact and savings). Every app's rows at once, so it lives at the project level."""
