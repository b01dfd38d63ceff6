"""The content pipeline: read files, validate, render. Pure functions; no database access."""
