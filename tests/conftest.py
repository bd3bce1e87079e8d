"""Shared fixtures: a seeded RNG, a private parse cache, and figures closed after each test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261025)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test session parses into its own cache, never the user's."""
    monkeypatch.setenv("JDPROMO_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
