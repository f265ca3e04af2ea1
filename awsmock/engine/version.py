"""awsmock's version (the package's ``__version__``; setup.cfg reads it here)."""

__version__ = "0.1.0"
