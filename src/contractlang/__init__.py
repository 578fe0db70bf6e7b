"""A literate contract language for financial instruments."""

__version__ = "0.1.0"
