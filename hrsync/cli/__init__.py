"""The `hrsync` command line (SPEC §7): one group, a module per area of commands."""

from hrsync.cli.main import main

__all__ = ["main"]
