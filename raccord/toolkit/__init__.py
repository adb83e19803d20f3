"""Neutral helpers that features build their faces with: console pages (`pages`), REST API
routes (`api`) and CLI commands (`cli`). The console, the API and the CLI use them too; the
toolkit itself knows no feature."""
