import json

import pytest

from agent.llm import ModelError, load_model
from agent.llm.manifest import read_manifest, verify_files, write_manifest


@pytest.fixture
def make_dir(fake_model_dir):
    return lambda tmp_path: fake_model_dir(tmp_path / "m", b"\x08\x01" * 100)


def test_intact_directory_verifies(make_dir, tmp_path):
    d = make_dir(tmp_path)
    verify_files(d, read_manifest(d))


def test_corrupted_file_is_named(make_dir, tmp_path):
    d = make_dir(tmp_path)
    data = bytearray((d / "model.onnx").read_bytes())
    data[10] ^= 0xFF
    (d / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelError) as e:
        verify_files(d, read_manifest(d))
    assert "model.onnx" in str(e.value) and "checksum" in str(e.value) and "edge-agent model build" in str(e.value)


def test_truncated_file_is_named_with_sizes(make_dir, tmp_path):
    d = make_dir(tmp_path)
    (d / "model.onnx").write_bytes(b"\x08")
    with pytest.raises(ModelError, match=r"model\.onnx.*1 bytes.*200"):
        verify_files(d, read_manifest(d))


def test_missing_file_is_named(make_dir, tmp_path):
    d = make_dir(tmp_path)
    (d / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match=r"tokenizer\.json: missing"):
        load_model(d)


def test_missing_or_broken_manifest(make_dir, tmp_path):
    d = make_dir(tmp_path)
    (d / "manifest.json").write_text("{not json")
    with pytest.raises(ModelError, match=r"manifest\.json: manifest unreadable"):
        load_model(d)
    (d / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(ModelError, match="not an edge-agent model manifest"):
        load_model(d)
    (d / "manifest.json").unlink()
    with pytest.raises(ModelError, match="manifest missing"):
        load_model(d)


def test_missing_directory(tmp_path):
    with pytest.raises(ModelError, match="model directory not found"):
        load_model(tmp_path / "nope")


def test_unlisted_model_file_is_refused(make_dir, tmp_path):
    d = make_dir(tmp_path)
    m = read_manifest(d)
    m["model"]["file"] = "other.onnx"
    write_manifest(d, m)
    with pytest.raises(ModelError, match="not checksummed"):
        verify_files(d, read_manifest(d))
