"""Which model the agent loads: explicit override > OTA-installed `current` > [llm] model_dir > the recipe's build dir."""

from __future__ import annotations

from agent import paths
from agent.config import load_config
from agent.daemon.runner import resolve_model_dir


def test_model_dir_precedence(tmp_path):
    data = tmp_path / "data"
    base = {"device": {"data_dir": str(data)}}
    assert resolve_model_dir(load_config(None, overrides=base)) == paths.model_dir()
    cfg = load_config(None, overrides={**base, "llm": {"model_dir": str(tmp_path / "llm-model")}})
    assert resolve_model_dir(cfg) == tmp_path / "llm-model"
    (data / "models" / "versions" / "v3").mkdir(parents=True)
    (data / "models" / "current").symlink_to("versions/v3")
    assert resolve_model_dir(cfg) == data / "models" / "current"  # an OTA update survives a restart
    cfg = load_config(None, overrides={**base, "daemon": {"model_dir": str(tmp_path / "dev")}})
    assert resolve_model_dir(cfg) == tmp_path / "dev"
