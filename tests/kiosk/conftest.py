"""Fixtures for the kiosk tests: the shipped sample catalog, a kiosk, a live HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.kiosk.catalog import Catalog, load_catalog, parse_catalog, parse_faq
from agent.kiosk.retrieval import Index
from agent.kiosk.server import KioskHTTPServer
from agent.kiosk.service import Kiosk, sample_paths
from agent.paths import model_dir


def text_catalog(catalog_csv: str, faq_csv: str | None = None) -> Catalog:
    """A made-up store written inline in a test: catalog CSV text and, optionally, FAQ CSV text."""
    return Catalog(parse_catalog(catalog_csv).products, parse_faq(faq_csv).faq if faq_csv is not None else [])


def text_kiosk(catalog_csv: str, faq_csv: str | None = None) -> Kiosk:
    """A templates-only kiosk over a made-up store written inline (``text_catalog``)."""
    return Kiosk(text_catalog(catalog_csv, faq_csv), use_model=False)


@pytest.fixture
def catalog() -> Catalog:
    c, f = sample_paths()
    return load_catalog(c, f)


@pytest.fixture
def index(catalog: Catalog) -> Index:
    return Index(catalog)


@pytest.fixture
def kiosk(catalog: Catalog) -> Kiosk:
    return Kiosk(catalog, use_model=False)


@pytest.fixture
def server(kiosk: Kiosk) -> Iterator[KioskHTTPServer]:
    srv = KioskHTTPServer(("127.0.0.1", 0), kiosk, {}, "Test Mart")
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="session")
def real_model():
    """The built SmolLM2 model, or skip when `edge-agent model build` has not run here."""
    d = model_dir()
    if not (d / "manifest.json").exists():
        pytest.skip(f"no built model in {d}; run `edge-agent model build`")
    from agent.llm import ModelError, load_model

    try:
        return load_model(d)
    except ModelError as e:  # the model is the LLM package's to test; here it may be mid-rebuild
        pytest.skip(f"the built model does not load: {e}")


def write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p
