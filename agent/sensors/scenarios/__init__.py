"""Scenario files shipped with the package (a package so setuptools installs the .toml files)."""
