"""Subcommands of the daemon package: run, status, provision, ota-sign, bench agent."""

from __future__ import annotations

import argparse


def register(sub, groups) -> None:
    p = sub.add_parser("run", help="run the agent (the demo on embedded defaults when no --config)")
    p.add_argument("--config", default=None, help="device TOML file (default: embedded demo defaults)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", help="health of the running agent (component states, outbox, model, temperatures)")
    p.add_argument("--config", default=None, help="device TOML file, to find the health state file")
    p.add_argument("--url", default=None, help="read GET <url> (e.g. http://127.0.0.1:8080/api/health) instead of the state file")
    p.add_argument("--json", action="store_true", help="print the raw JSON report")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("provision", help="create this device's identity, keys and config (run once at install)")
    p.add_argument("--id", required=True, help="device id (letters, digits, '-', '_'); also the MQTT client id")
    p.add_argument("--kind", default="kiosk", choices=["kiosk", "vending"])
    p.add_argument("--data-dir", default="/var/lib/edge-agent", help="state directory (keys go to <data-dir>/keys, mode 0700)")
    p.add_argument("--config-out", default="/etc/edge-agent/agent.toml", help="config file to write")
    p.add_argument("--command-key", required=True, help="the cloud's ed25519 public key (PEM or base64) that signs commands and model artifacts")
    p.add_argument("--broker-host", default=None, help="MQTT broker host")
    p.add_argument("--broker-port", type=int, default=None, help="MQTT broker port (8883 for TLS)")
    p.add_argument("--mqtt-username", default=None)
    p.add_argument("--mqtt-password-file", default=None, help="file holding the broker password (copied to keys/, mode 0600)")
    p.add_argument("--ca-file", default=None, help="CA certificate of the broker (copied to keys/)")
    p.add_argument("--force", action="store_true", help="replace existing keys and config (a new identity: the cloud must re-enrol it)")
    p.set_defaults(func=cmd_provision)

    p = sub.add_parser("ota-sign", help="sign a model artifact for update_model (run by the cloud / release tooling)")
    p.add_argument("artifact", help="model tar file")
    p.add_argument("--version", required=True, help="version name the device installs it as")
    p.add_argument("--key", required=True, help="ed25519 private key (PEM)")
    p.add_argument("--url", default="", help="where the device will download it")
    p.set_defaults(func=cmd_ota_sign)

    p = groups["bench"].add_parser("agent", help="whole agent on the demo: cold start to first answer, idle CPU, peak RSS")
    p.add_argument("--idle-seconds", type=float, default=20.0, help="how long to measure idle CPU")
    p.add_argument("--port", type=int, default=0, help="kiosk port for the run (default: a free one)")
    p.set_defaults(func=cmd_bench_agent)


def cmd_run(args: argparse.Namespace) -> int:
    from agent.daemon.runner import Daemon

    return Daemon(args.config, log_level=args.log_level).run()


def cmd_status(args: argparse.Namespace) -> int:
    from agent.daemon.status import status_main

    return status_main(args.config, args.url, args.json)


def cmd_provision(args: argparse.Namespace) -> int:
    from agent.daemon.provision import provision_main

    return provision_main(args)


def cmd_ota_sign(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from agent import signing
    from agent.daemon.ota import sha256_file, signed_message

    sha = sha256_file(Path(args.artifact))
    sig = signing.sign(signing.load_private_key(Path(args.key)), signed_message(args.version, sha))
    print(json.dumps({"command": "update_model", "args": {"url": args.url, "sha256": sha, "signature": sig, "version": args.version}}, indent=2))
    return 0


def cmd_bench_agent(args: argparse.Namespace) -> int:
    from agent.daemon.bench import bench_agent

    return bench_agent(args.idle_seconds, args.port)
