"""edge-agent: the on-device daemon for kiosks and vending machines."""

__version__ = "0.1.0"
