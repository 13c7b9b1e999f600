"""positions: compare published policy positions quote by quote."""

__version__ = "0.1.0"
