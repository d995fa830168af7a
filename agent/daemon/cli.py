"""Subcommands of this package (filled in as the package grows)."""


def register(sub, groups) -> None:
    pass
