"""The pyfixest adapter: every pyfixest internal jahan uses is listed, present and version-pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from packaging.specifiers import SpecifierSet
from pyfixest.estimation.models.fepois_ import Fepois

import jahan as jh
from jahan.estimate import _pyfixest
from jahan.estimate._pyfixest import SUPPORTED, PyfixestChanged, check_pyfixest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jahan"


def small_panel() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 10
    exporter, importer = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
    dist = rng.uniform(1.0, 10.0, n * n)
    mu = np.exp(1.0 + 0.1 * exporter - 0.1 * importer - 0.7 * np.log(dist))
    return pd.DataFrame(
        {
            "trade": rng.poisson(20 * mu),
            "ln_dist": np.log(dist),
            "exporter": exporter,
            "importer": importer,
        }
    )


def test_installed_pyfixest_has_every_internal_the_adapter_uses():
    check_pyfixest()  # classes
    est = jh.fepois("trade ~ ln_dist | exporter + importer", small_panel())  # instances, in run
    assert est.converged


def test_pyproject_pins_the_supported_range_and_the_installed_version_is_in_it():
    import pyfixest

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [d for d in project["dependencies"] if d.replace(" ", "").startswith("pyfixest")]
    assert pins == [f"pyfixest{SUPPORTED}"]
    spec = SpecifierSet(SUPPORTED)
    assert any(s.operator == "<" for s in spec) and any(s.operator == ">=" for s in spec)
    assert pyfixest.__version__ in spec
    constraints = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^pyfixest==(\S+)", constraints, re.M)
    assert pinned and pinned.group(1) in spec


def test_a_missing_internal_fails_with_a_message_naming_the_adapter(monkeypatch):
    monkeypatch.delattr(Fepois, "_compute_deviance")
    with pytest.raises(PyfixestChanged, match=r"Fepois\._compute_deviance.*_pyfixest\.py"):
        jh.fepois("trade ~ ln_dist | exporter + importer", small_panel())


def test_a_missing_instance_attribute_is_named_too():
    class Stripped:
        pass

    with pytest.raises(PyfixestChanged, match=r"Fepois\(\)\._beta_hat.*update the adapter"):
        check_pyfixest(fit=Stripped())


def test_no_other_module_touches_pyfixest():
    outside = []
    for path in SRC.rglob("*.py"):
        if path.name == "_pyfixest.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import) pyfixest", text, re.M):
            outside.append(str(path.relative_to(SRC)))
    assert outside == [], f"pyfixest used outside the adapter: {outside}"


def test_every_private_attribute_read_on_a_fit_is_listed():
    # Every fit._name / fit.name the adapter reads or writes must be in REQUIRED, so the check
    # covers what the code uses.
    text = Path(_pyfixest.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r"\bfit\.(_?[A-Za-z]\w*)", text))
    used |= set(re.findall(r"\bmulti\.(_?[A-Za-z]\w*)", text))
    listed = {a for names in _pyfixest.REQUIRED.values() for a in names}
    ours = {"jahan_deviance_trace", "n_separation_na"}  # set by the adapter itself
    assert used - listed - ours == set()
