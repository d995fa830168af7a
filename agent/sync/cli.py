"""Subcommands of the sync package: ``bench outbox``, ``cmd keygen|sign|send``, ``outbox status``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub, groups) -> None:
    b = groups["bench"].add_parser("outbox", help="durable enqueue msgs/s, disk bytes/msg, 10k backlog delivery, RSS at 100k backlog")
    b.add_argument("--enqueue", type=int, default=20_000, help="messages for the enqueue figure")
    b.add_argument("--backlog", type=int, default=10_000, help="backlog size for the delivery figure")
    b.add_argument("--rss-backlog", type=int, default=100_000, help="backlog size for the memory figure")
    b.add_argument("--dir", default=None, help="where the bench databases go (default: the temp dir; use the SD card to measure it)")
    b.set_defaults(func=cmd_bench)

    c = sub.add_parser("cmd", help="signed device commands: make a key, sign, send (cloud side and technicians)")
    csub = c.add_subparsers(dest="cmd_action", metavar="ACTION", required=True)
    k = csub.add_parser("keygen", help="write an ed25519 signing key (0600) and its public key (<out>.pub) for commands.verify_key")
    k.add_argument("--out", required=True, help="private key file to write")
    k.set_defaults(func=cmd_keygen)
    for name, helptext, func in (("sign", "print a signed command payload", cmd_sign),
                                 ("send", "sign, publish to the device's command topic and print the reply", cmd_send)):
        p = csub.add_parser(name, help=helptext)
        p.add_argument("name", help="command name: ping, get_state, dead_letters, requeue_dead_letters, ack_alert, set_config, replace_catalog, update_model, fw_flash")
        p.add_argument("--key", required=True, help="ed25519 private key (PEM) of the cloud")
        p.add_argument("--device", required=True, help="device id the command is for")
        p.add_argument("--args", default="{}", help="command arguments as a JSON object")
        p.add_argument("--id", default=None, help="command id echoed in the reply (default: random)")
        if name == "send":
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int, default=1883)
            p.add_argument("--prefix", default="edge/v1", help="mqtt.topic_prefix of the device")
            p.add_argument("--username", default=None)
            p.add_argument("--password-file", default=None)
            p.add_argument("--ca-file", default=None, help="CA of the broker (turns TLS on)")
            p.add_argument("--cert-file", default=None)
            p.add_argument("--key-file", default=None)
            p.add_argument("--timeout", type=float, default=10.0)
        p.set_defaults(func=func)

    o = sub.add_parser("outbox", help="inspect the device's outbox")
    osub = o.add_subparsers(dest="outbox_action", metavar="ACTION", required=True)
    s = osub.add_parser("status", help="depth, next seq and dead letters")
    s.add_argument("--config", default=None, help="device TOML file (default: embedded demo defaults)")
    s.set_defaults(func=cmd_outbox_status)


def cmd_bench(args: argparse.Namespace) -> int:
    from agent.sync import bench

    bench.run(args.enqueue, args.backlog, args.rss_backlog, args.dir)
    return 0


def _load_args(text: str) -> dict:
    try:
        v = json.loads(text)
    except ValueError as e:
        raise SystemExit(f"--args is not JSON ({e}); write e.g. --args '{{\"slot\": \"A1\"}}'") from None
    if not isinstance(v, dict):
        raise SystemExit("--args must be a JSON object")
    return v


def cmd_keygen(args: argparse.Namespace) -> int:
    from pathlib import Path

    from agent.signing import generate_keypair, public_pem, write_private_key

    k, pub = generate_keypair()
    write_private_key(args.out, k)
    Path(args.out + ".pub").write_bytes(public_pem(pub))
    print(f"private key {args.out} (keep it in the cloud), public key {args.out}.pub (provision as commands.verify_key)")
    return 0


def _signed(args: argparse.Namespace) -> bytes:
    from agent.signing import SignatureError, load_private_key
    from agent.sync.signer import sign_command

    try:
        key = load_private_key(args.key)
    except (SignatureError, ValueError, OSError) as e:
        raise SystemExit(f"--key {args.key}: {e}") from None
    return sign_command(key, args.device, args.name, _load_args(args.args), cmd_id=args.id)


def cmd_sign(args: argparse.Namespace) -> int:
    sys.stdout.write(_signed(args).decode() + "\n")
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    import ssl
    import threading
    import uuid
    from pathlib import Path

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    payload = _signed(args)
    corr = uuid.uuid4().hex
    reply_topic = f"edge/cloud/{corr}"
    got: list[bytes] = []
    done = threading.Event()
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"edge-cmd-{corr[:8]}", protocol=mqtt.MQTTv5)
    if args.username:
        pw = Path(args.password_file).read_text(encoding="utf-8").strip() if args.password_file else None
        c.username_pw_set(args.username, pw)
    if args.ca_file:
        c.tls_set(ca_certs=args.ca_file, certfile=args.cert_file, keyfile=args.key_file, cert_reqs=ssl.CERT_REQUIRED)

    def on_message(client, userdata, msg):
        got.append(msg.payload)
        done.set()

    subscribed = threading.Event()
    c.on_message = on_message
    c.on_subscribe = lambda *a: subscribed.set()
    try:
        c.connect(args.host, args.port, 30)
    except OSError as e:
        print(f"cannot reach the broker {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    c.loop_start()
    try:
        c.subscribe(reply_topic, qos=1)
        subscribed.wait(args.timeout)
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = reply_topic
        props.CorrelationData = corr.encode()
        c.publish(f"{args.prefix}/{args.device}/cmd", payload, qos=1, properties=props)
        if not done.wait(args.timeout):
            print(f"no reply within {args.timeout:.0f}s (device offline? the broker keeps the command for its session)", file=sys.stderr)
            return 2
        print(got[0].decode())
        return 0 if json.loads(got[0]).get("ok") else 1
    finally:
        c.loop_stop()
        c.disconnect()


def cmd_outbox_status(args: argparse.Namespace) -> int:
    import sqlite3
    from pathlib import Path

    from agent.config import ConfigError, load_config

    try:
        cfg = load_config(args.config)
    except ConfigError as e:
        print(str(e), file=sys.stderr)
        return 2
    path = Path(cfg.outbox.path or Path(cfg.device.data_dir) / "outbox.sqlite")
    if not path.exists():
        print(f"no outbox at {path} yet (the agent creates it on first run)")
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    depth, nbytes = db.execute("SELECT count(*), coalesce(sum(length(payload)),0) FROM outbox").fetchone()
    per_kind = db.execute("SELECT kind, count(*) FROM outbox GROUP BY kind ORDER BY 2 DESC").fetchall()
    nxt = db.execute("SELECT value FROM meta WHERE key='next_seq'").fetchone()
    dead = db.execute("SELECT seq, kind, tries, reason FROM dead ORDER BY id DESC LIMIT 20").fetchall()
    print(f"outbox {path}: {depth} messages ({nbytes} bytes) waiting, next seq {nxt[0] if nxt else 0}")
    for kind, n in per_kind:
        print(f"  {kind}: {n}")
    print(f"dead letters: {db.execute('SELECT count(*) FROM dead').fetchone()[0]}")
    for seq, kind, tries, reason in dead:
        print(f"  seq {seq} {kind} after {tries} tries: {reason}")
    return 0
