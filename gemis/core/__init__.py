"""Shared building blocks every app stands on: versioning, edits, background jobs, uploads, exports, numbers, search, the bench framework."""
