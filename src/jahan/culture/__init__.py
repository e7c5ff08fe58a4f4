"""Cultural-linguistic risk: language-shift dynamics with bilingualism and policy levers.

Models (pure: no file I/O, no printing)::

    from jahan.culture import AbramsStrogatz, MinettWang, ModelSpec, simulate, fixed_points
    from jahan.culture import fit_language_model, LanguagePolicy, project

See docs/culture.md for the equations and their sources.
"""

from __future__ import annotations

from jahan.culture.data import COLUMNS, ShareSeries, validate_shares
from jahan.culture.dynamics import IntegrationRecord, simulate
from jahan.culture.equilibria import classify, fixed_points
from jahan.culture.fitting import FitRecord, IdentificationWarning, LanguageFit, fit_language_model
from jahan.culture.models import (
    MODELS,
    AbramsStrogatz,
    LanguageModel,
    MinettWang,
    ModelSpec,
    get_model,
)
from jahan.culture.projection import LanguagePolicy, LanguageProjection, project

__all__ = [
    "COLUMNS",
    "MODELS",
    "AbramsStrogatz",
    "FitRecord",
    "IdentificationWarning",
    "IntegrationRecord",
    "LanguageFit",
    "LanguageModel",
    "LanguagePolicy",
    "LanguageProjection",
    "MinettWang",
    "ModelSpec",
    "ShareSeries",
    "classify",
    "fit_language_model",
    "fixed_points",
    "get_model",
    "project",
    "simulate",
    "validate_shares",
]
