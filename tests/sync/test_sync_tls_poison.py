"""TLS with a test CA (server-only and mutual), credentials, and a message the broker keeps refusing."""

from __future__ import annotations

import datetime
import ipaddress
import logging
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent.component import CommandError
from agent.events import Event, EventKind

pytestmark = pytest.mark.slow


def _cert(subject: str, issuer_key, issuer_name, key, ca: bool, san_ip: str | None = None, client: bool = False):
    now = datetime.datetime.now(datetime.UTC)
    b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
         .issuer_name(issuer_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san_ip:
        b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(san_ip))]), critical=False)
    if client:
        b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def _write(path, cert=None, key=None):
    if cert is not None:
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    else:
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


@pytest.fixture
def pki(tmp_path):
    d = tmp_path / "pki"
    d.mkdir()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edge test CA")])
    ca = _cert("edge test CA", ca_key, ca_name, ca_key, ca=True)
    srv_key = ec.generate_private_key(ec.SECP256R1())
    srv = _cert("broker", ca_key, ca_name, srv_key, ca=False, san_ip="127.0.0.1")
    cli_key = ec.generate_private_key(ec.SECP256R1())
    cli = _cert("dev-1", ca_key, ca_name, cli_key, ca=False, client=True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _cert("rogue CA", other_key, x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rogue CA")]), other_key, ca=True)
    return {"ca": _write(d / "ca.pem", ca), "srv": _write(d / "srv.pem", srv), "srv_key": _write(d / "srv.key", key=srv_key),
            "cli": _write(d / "cli.pem", cli), "cli_key": _write(d / "cli.key", key=cli_key), "rogue_ca": _write(d / "rogue.pem", other_ca)}


def _emit(ctx, n):
    for i in range(n):
        ctx.bus.publish(Event(kind=EventKind.SALE, ts=ctx.clock.time(), source="t", data={"i": i}))


def test_mutual_tls_with_password_delivers(pki, broker_factory, collector_factory, sync_ctx, start_sync, tmp_path, caplog):
    b = broker_factory(tls=(pki["ca"], pki["srv"], pki["srv_key"]), require_client_cert=True,
                       passwords={"dev-1": "s3cret-pw", "cloud": "cloud-pw"}).start()
    col = collector_factory(b.port, auth=("cloud", "cloud-pw"), ca_certs=str(pki["ca"]), certfile=str(pki["cli"]),
                            keyfile=str(pki["cli_key"]), cert_reqs=ssl.CERT_REQUIRED)
    pw = tmp_path / "pw"
    pw.write_text("s3cret-pw\n")
    ctx = sync_ctx(b.port, mqtt_extra={"tls": True, "ca_file": str(pki["ca"]), "cert_file": str(pki["cli"]), "key_file": str(pki["cli_key"]),
                                       "username": "dev-1", "password_file": str(pw)})
    with caplog.at_level(logging.DEBUG):
        r = start_sync(ctx)
        assert r.connected(), r.comp.client.health()
        _emit(ctx, 50)
        assert col.wait_for(lambda c: c.seqs() == set(range(50)))
    assert all("s3cret-pw" not in rec.getMessage() for rec in caplog.records)


def test_tls_refuses_a_broker_signed_by_another_ca_and_a_missing_client_cert(pki, broker_factory, sync_ctx, start_sync):
    b = broker_factory(tls=(pki["ca"], pki["srv"], pki["srv_key"]), require_client_cert=True).start()
    ctx = sync_ctx(b.port, mqtt_extra={"tls": True, "ca_file": str(pki["rogue_ca"]), "cert_file": str(pki["cli"]),
                                       "key_file": str(pki["cli_key"])})
    r = start_sync(ctx)
    _emit(ctx, 5)
    time.sleep(1.5)
    h = r.comp.client.health()
    assert not h["connected"] and "CERTIFICATE_VERIFY_FAILED" in h["last_error"]
    assert r.comp.outbox.stats()["depth"] == 5
    r.stop()
    ctx2 = sync_ctx(b.port, device_id="dev-2", mqtt_extra={"tls": True, "ca_file": str(pki["ca"])})
    r2 = start_sync(ctx2)
    time.sleep(1.5)
    assert not r2.comp.client.health()["connected"]
    # Plain TCP to a TLS port does not "connect" either.
    r3 = start_sync(sync_ctx(b.port, device_id="dev-3"))
    time.sleep(1.0)
    assert not r3.comp.client.health()["connected"]


def test_a_message_the_broker_keeps_refusing_is_moved_aside_and_the_rest_flow(broker_factory, collector_factory, sync_ctx, start_sync):
    # The ACL forbids the qa topic (a misconfigured broker): MQTT 5 PUBACK says "not authorized" every time.
    acl = "pattern readwrite edge/v1/%c/telemetry\npattern readwrite edge/v1/%c/events\npattern readwrite edge/v1/%c/status\n" \
          "pattern readwrite edge/v1/%c/state\npattern readwrite edge/v1/%c/cmd\ntopic read edge/v1/#\n"
    b = broker_factory(acl=acl).start()
    col = collector_factory(b.port)
    ctx = sync_ctx(b.port, outbox_extra={"max_tries": 3})
    r = start_sync(ctx)
    assert r.connected()
    ctx.bus.publish(Event(kind=EventKind.QA, ts=ctx.clock.time(), source="kiosk", data={"question": "hi", "answer": "hello"}))
    _emit(ctx, 20)
    assert col.wait_for(lambda c: c.seqs() >= set(range(1, 21)))
    deadline = time.monotonic() + 15
    while r.comp.outbox.stats()["dead"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    (dead,) = r.comp.outbox.dead_letters()
    assert dead["seq"] == 0 and dead["kind"] == "qa" and dead["tries"] == 3 and "authori" in dead["reason"].lower()
    assert col.wait_for(lambda c: any(p["kind"] == "outbox_dead_letter" and p["data"]["seq"] == 0 for p in c.payloads("/dev-1/events")))
    assert r.comp.outbox.stats()["depth"] == 0
    assert r.comp.health()["dead_letters"] == 1
    # The operator fixes the ACL and asks for the dead letters again: the message arrives, unchanged.
    with pytest.raises(CommandError, match="seqs"):
        ctx.commands.dispatch("requeue_dead_letters", {})
    assert [d["seq"] for d in ctx.commands.dispatch("dead_letters", {})["dead_letters"]] == [0]
    (b.dir / "acl").write_text(acl + "pattern readwrite edge/v1/%c/qa\n")
    b.restart()
    assert r.connected()
    assert ctx.commands.dispatch("requeue_dead_letters", {"seqs": "all"}) == {"requeued": 1, "dead_left": 0}
    assert col.wait_for(lambda c: [p["data"]["question"] for p in c.payloads("/dev-1/qa")] == ["hi"], 15)
    assert r.comp.outbox.stats()["dead"] == 0


@pytest.mark.parametrize("protocol", ["5", "3.1.1"])
def test_a_message_over_the_broker_packet_limit_is_set_aside(protocol, broker_factory, collector_factory, sync_ctx, start_sync):
    # MQTT 5: the broker announces its maximum packet size; 3.1.1: it just hangs up on the big message,
    # and the sender has to pin the culprit down one message at a time.
    b = broker_factory(extra_conf="max_packet_size 2000\n").start()
    col = collector_factory(b.port)
    ctx = sync_ctx(b.port, mqtt_extra={"protocol": protocol}, outbox_extra={"max_tries": 3})
    r = start_sync(ctx)
    assert r.connected()
    _emit(ctx, 5)
    ctx.bus.publish(Event(kind=EventKind.AUDIT, ts=ctx.clock.time(), source="fw", data={"blob": "x" * 3000}))
    for i in range(5, 10):
        ctx.bus.publish(Event(kind=EventKind.SALE, ts=ctx.clock.time(), source="t", data={"i": i}))
    assert col.wait_for(lambda c: c.seqs() >= set(range(11)) - {5}, 30), sorted(col.seqs())
    assert 5 not in col.seqs()
    deadline = time.monotonic() + 20
    while r.comp.outbox.stats()["dead"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    (dead,) = r.comp.outbox.dead_letters()
    assert dead["seq"] == 5 and dead["kind"] == "audit", dead
    expected = "maximum packet size" if protocol == "5" else "closed the connection right after this message"
    assert expected in dead["reason"], dead
    assert r.comp.outbox.stats()["depth"] == 0
