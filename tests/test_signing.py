import base64

import pytest

from agent.signing import (
    SignatureError,
    generate_keypair,
    load_private_key,
    load_public_key,
    private_pem,
    public_pem,
    sign,
    verify,
    write_private_key,
)


def test_sign_verify_roundtrip_and_tamper(tmp_path):
    k, pub = generate_keypair()
    s = sign(k, b"payload")
    verify(pub, b"payload", s)
    with pytest.raises(SignatureError, match="does not match"):
        verify(pub, b"payload!", s)
    with pytest.raises(SignatureError, match="missing"):
        verify(pub, b"payload", None)
    with pytest.raises(SignatureError, match="base64"):
        verify(pub, b"payload", "@@@")
    with pytest.raises(SignatureError, match="64 bytes"):
        verify(pub, b"payload", base64.b64encode(b"x" * 10).decode())


def test_key_formats_and_file_mode(tmp_path):
    k, pub = generate_keypair()
    p = tmp_path / "k.pem"
    write_private_key(p, k)
    assert p.stat().st_mode & 0o777 == 0o600
    k2 = load_private_key(p)
    assert public_pem(k2.public_key()) == public_pem(pub)
    assert load_public_key(public_pem(pub))
    raw = pub.public_bytes_raw()
    verify(load_public_key(base64.b64encode(raw).decode()), b"x", sign(k, b"x"))
    assert private_pem(k).startswith(b"-----BEGIN PRIVATE KEY")
    with pytest.raises(SignatureError):
        load_public_key(b"not a key")
