"""designc: a compiler for distributed-system designs."""

__version__ = "0.1.0"
