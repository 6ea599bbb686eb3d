"""GEMIS — Hệ thống quản lý công tác bình đẳng giới."""

__version__ = "0.1.0"
