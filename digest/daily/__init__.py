"""Scheduled daily digests: the project file, story grouping, run records, schedule, the daily run."""
