"""Shared building blocks every app stands on.

Versioning, edits, background jobs, uploads, exports, numbers, search, the bench framework.
"""
