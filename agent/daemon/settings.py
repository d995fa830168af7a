"""Config sections owned by the daemon: ``[daemon]``, ``[ota]`` and ``[health]``.

They live in the one device TOML file next to the other packages' sections;
agent/config.py validates them and docs/config.md is generated from the
``help`` metadata below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.config import section

DEFAULT_COMPONENTS = ["agent.sensors", "agent.sync", "agent.kiosk", "firmware_bridge"]


@section("daemon")
@dataclass
class DaemonSettings:
    components: list[str] = field(
        default_factory=lambda: list(DEFAULT_COMPONENTS),
        metadata={"help": "Python packages whose build_component(ctx) the daemon runs, each supervised in its own thread."},
    )
    disabled: list[str] = field(default_factory=list, metadata={"help": "Packages from `components` to leave out on this device (e.g. firmware_bridge on a kiosk)."})
    model_dir: str = field(default="", metadata={"help": "Override of the model directory (wins even over an OTA-installed model; for development). Empty: the OTA `current` model if one was installed, else llm.model_dir, else the llm recipe's build directory."})
    preload_model: bool = field(default=True, metadata={"help": "Load the model in the background at start, so the first shopper does not wait for it."})
    restart_backoff_s: float = field(default=1.0, metadata={"help": "Delay before restarting a crashed component; doubles on each crash in a row."})
    restart_backoff_max_s: float = field(default=60.0, metadata={"help": "Upper bound of the restart delay."})
    stable_after_s: float = field(default=60.0, metadata={"help": "A component that ran this long before crashing restarts with the initial delay again."})
    shutdown_idle_timeout_s: float = field(default=15.0, metadata={"help": "On SIGTERM, wait at most this long for the answer or vend in flight to finish."})
    component_stop_timeout_s: float = field(default=5.0, metadata={"help": "On shutdown or restart, wait at most this long for each component's run() to return."})

    def validate(self) -> None:
        if self.restart_backoff_s <= 0 or self.restart_backoff_max_s < self.restart_backoff_s:
            raise ValueError("daemon.restart_backoff_s must be > 0 and <= daemon.restart_backoff_max_s")
        for name in ("stable_after_s", "shutdown_idle_timeout_s", "component_stop_timeout_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"daemon.{name} must not be negative")
        unknown = [d for d in self.disabled if d not in self.components]
        if unknown:
            raise ValueError(f"daemon.disabled names {unknown}, which are not in daemon.components {self.components}")


@section("ota")
@dataclass
class OtaSettings:
    enabled: bool = field(default=True, metadata={"help": "Accept the update_model command (it is authenticated by the sync layer and the artifact is signature-checked here)."})
    public_key: str = field(default="", metadata={"help": "Ed25519 public key (file path) that signs model artifacts; empty: <device.data_dir>/keys/command.pub written by `edge-agent provision`."})
    models_root: str = field(default="", metadata={"help": "Where OTA models are unpacked (versions/<name>/ plus a `current` symlink); empty: <device.data_dir>/models."})
    max_download_mb: int = field(default=600, metadata={"help": "Refuse artifacts larger than this (the SD card must keep room for the old model)."})
    download_timeout_s: float = field(default=30.0, metadata={"help": "Socket timeout of one download attempt."})
    download_attempts: int = field(default=5, metadata={"help": "Attempts per download; each one resumes where the previous stopped (HTTP Range)."})
    idle_wait_s: float = field(default=300.0, metadata={"help": "How long the swap waits for no shopper question and no vend in progress before giving up."})
    keep_versions: int = field(default=2, metadata={"help": "Model versions kept on disk (the current one and the previous for rollback)."})
    smoke_prompt: str = field(default="Say hello to a shopper in one short sentence.", metadata={"help": "Question the new model must answer (non-empty, in time) before the update is kept."})
    smoke_deadline_s: float = field(default=20.0, metadata={"help": "Time the smoke check may take before the update is rolled back."})

    def validate(self) -> None:
        if self.max_download_mb <= 0 or self.download_attempts <= 0 or self.keep_versions < 1:
            raise ValueError("ota.max_download_mb and ota.download_attempts must be > 0, ota.keep_versions >= 1")


@section("health")
@dataclass
class HealthSettings:
    event_interval_s: float = field(default=300.0, metadata={"help": "Seconds between health events on the bus (sent to the cloud by sync); 0 turns them off."})
    state_interval_s: float = field(default=5.0, metadata={"help": "Seconds between writes of the health state file read by `edge-agent status`."})
    state_file: str = field(default="", metadata={"help": "Health state file; empty: $RUNTIME_DIRECTORY/health.json under systemd, else <device.data_dir>/health.json."})
    unhealthy_grace_s: float = field(default=600.0, metadata={"help": "A component reporting ok=false longer than this stops the systemd watchdog pings (so systemd restarts the agent)."})
    watchdog_exempt: list[str] = field(default_factory=lambda: ["agent.sync"], metadata={"help": "Components whose ok=false never stops the watchdog (being offline is normal for sync)."})
    max_crash_loop: int = field(default=5, metadata={"help": "Crashes in a row after which a component counts as unhealthy for the watchdog."})
    thermal_glob: str = field(default="/sys/class/thermal/thermal_zone*/temp", metadata={"help": "Where CPU temperatures are read (millidegrees Celsius)."})

    def validate(self) -> None:
        if self.event_interval_s < 0 or self.state_interval_s <= 0 or self.unhealthy_grace_s < 0 or self.max_crash_loop < 1:
            raise ValueError("health intervals must be positive (event_interval_s may be 0), max_crash_loop >= 1")
