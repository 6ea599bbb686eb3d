"""Shared building blocks: text normalisation, optimistic versioning."""
