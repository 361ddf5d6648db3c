"""newsclaims: raw news articles -> versioned corpus -> Label Studio -> validated dataset release."""

__version__ = "0.1.0"
