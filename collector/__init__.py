"""Sluttsamtale: exit interviews sealed in the browser to HR's key, and HR's collector."""

__version__ = "0.1.0"
