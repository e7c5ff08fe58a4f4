"""Domain errors and warnings.

Every message names the culprit (file, field, country code, row) and the fix.
"""

from __future__ import annotations


class JahanError(Exception):
    """Base class of every error jahan raises on purpose."""


class DataError(JahanError, ValueError):
    """Input data is malformed: unknown codes, duplicates, negative or missing values."""


class ScenarioError(JahanError, ValueError):
    """A scenario file or object is invalid."""


class ConvergenceError(JahanError, RuntimeError):
    """A numerical solver did not converge.

    Carries the solver's diagnostic record (iterations, residual) where one exists.
    """

    def __init__(self, message: str, *, record: object | None = None) -> None:
        super().__init__(message)
        self.record = record


class JahanWarning(UserWarning):
    """Base class of jahan's warnings."""


class ConvergenceWarning(JahanWarning):
    """A solver stopped before its tolerance was met (raised as an error unless asked otherwise)."""


class DataWarning(JahanWarning):
    """Input data was repaired or dropped (singletons, separated observations, filled gaps)."""


class ModelledDataWarning(JahanWarning):
    """A quantity shown is modelled, not observed."""


class ScenarioWarning(JahanWarning):
    """A scenario runs, but something about it needs saying (e.g. it overlaps the baseline)."""


__all__ = [
    "JahanError",
    "DataError",
    "ScenarioError",
    "ConvergenceError",
    "JahanWarning",
    "ConvergenceWarning",
    "DataWarning",
    "ModelledDataWarning",
    "ScenarioWarning",
]
