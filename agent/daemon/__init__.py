"""The daemon: supervision, systemd integration, provisioning, OTA model updates."""
