"""The evaluation suite: golden cases, metrics, report and quality gate (`assistant eval`)."""
