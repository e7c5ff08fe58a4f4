"""The package surface: public names of the contract resolve lazily, subpackages load on access."""

from __future__ import annotations

import subprocess
import sys

import pytest

import jahan

CONTRACT = [
    "World",
    "read_cepii_gravity",
    "fepois",
    "GravityEstimate",
    "GEModel",
    "GEResult",
    "MultiSectorGEModel",
    "MultiSectorGEResult",
    "Scenario",
    "ScenarioResult",
]


@pytest.mark.parametrize("name", CONTRACT)
def test_contract_names_resolve(name):
    assert callable(getattr(jahan, name))


@pytest.mark.parametrize(
    "name", ["world", "estimate", "ge", "scenario", "index", "culture", "report"]
)
def test_subpackages_load_on_access(name):
    module = getattr(jahan, name)
    assert module.__name__ == f"jahan.{name}"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Wrld'"):
        jahan.Wrld  # noqa: B018


def test_import_is_light():
    """`import jahan` must not pull in pyfixest, plotly or the models (the CLI starts fast)."""
    code = (
        "import sys, jahan; heavy = [m for m in ('pyfixest', 'plotly', 'jahan.ge.model', "
        "'jahan.scenario') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
