"""Language-shift models: Abrams and Strogatz (2003) and Minett and Wang (2008).

Both models describe shares of a population (they sum to one). Time is in years, so the rate
``c`` is per year. Every right-hand side is vectorised over a batch of parameter sets: states have
shape ``(n_states, batch)`` and parameters are arrays of shape ``(batch,)``, so that many
trajectories (bootstrap draws, finite-difference perturbations) are integrated in one call of
:func:`scipy.integrate.solve_ivp`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from jahan.errors import DataError, Message


@dataclass(frozen=True)
class ParameterInfo:
    """One model parameter: its symbol in the paper, meaning, and allowed range."""

    symbol: str
    meaning: str
    kind: str  # "positive" (log scale) or "unit" (logit scale, open interval (0, 1))
    default: float


def _pow(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    # Shares are clipped at 0: the integrator may step slightly below it and x**a is undefined there.
    return np.power(np.clip(base, 0.0, 1.0), exponent)


class LanguageModel:
    """Common interface of the language-shift models (see the subclasses)."""

    name: ClassVar[str]
    state_names: ClassVar[tuple[str, ...]]
    parameters: ClassVar[tuple[ParameterInfo, ...]]
    fit_parameters: ClassVar[tuple[str, ...]]

    @classmethod
    def symbols(cls) -> tuple[str, ...]:
        """All parameter symbols, in order."""
        return tuple(p.symbol for p in cls.parameters)

    @classmethod
    def info(cls, symbol: str) -> ParameterInfo:
        """The :class:`ParameterInfo` of ``symbol``."""
        for p in cls.parameters:
            if p.symbol == symbol:
                return p
        raise KeyError(symbol)

    @classmethod
    def check_params(cls, params: Mapping[str, float]) -> dict[str, float]:
        """Fill defaults and check ranges; raise DataError naming the parameter."""
        import difflib

        unknown = [k for k in params if k not in cls.symbols()]
        if unknown:
            near = difflib.get_close_matches(unknown[0], cls.symbols(), n=1)
            raise DataError(
                Message(
                    "unknown parameter {name!r} for the {model} model: use one of {symbols}.{hint}",
                    name=unknown[0],
                    model=cls.name,
                    symbols=list(cls.symbols()),
                    hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0])
                    if near
                    else "",
                )
            )
        out: dict[str, float] = {}
        for p in cls.parameters:
            value = float(params.get(p.symbol, p.default))
            if not np.isfinite(value):
                raise DataError(
                    Message(
                        "parameter {symbol} = {value} must be a finite number",
                        symbol=p.symbol,
                        value=value,
                    )
                )
            # The parameter's meaning is a msgid of its own (errors_culture.po).
            meaning = Message(p.meaning)
            if p.kind == "positive" and value <= 0:
                raise DataError(
                    Message(
                        "parameter {symbol} ({meaning}) = {value} must be > 0",
                        symbol=p.symbol,
                        meaning=meaning,
                        value=value,
                    )
                )
            if p.kind == "nonnegative" and value < 0:
                raise DataError(
                    Message(
                        "parameter {symbol} ({meaning}) = {value} must be >= 0",
                        symbol=p.symbol,
                        meaning=meaning,
                        value=value,
                    )
                )
            if p.kind == "unit" and not 0.0 <= value <= 1.0:
                raise DataError(
                    Message(
                        "parameter {symbol} ({meaning}) = {value} must lie in [0, 1]",
                        symbol=p.symbol,
                        meaning=meaning,
                        value=value,
                    )
                )
            out[p.symbol] = value
        return out

    @staticmethod
    def rhs(state: np.ndarray, p: Mapping[str, np.ndarray]) -> np.ndarray:
        """Time derivative of the state, batch-wise."""
        raise NotImplementedError

    @staticmethod
    def observe(state: np.ndarray) -> np.ndarray:
        """Shares (monolingual_a, bilingual, monolingual_b) from the state, shape (3, batch)."""
        raise NotImplementedError


class AbramsStrogatz(LanguageModel):
    r"""Abrams and Strogatz (2003), "Modelling the dynamics of language death", Nature 424:900.

    x is the share speaking language A (X in the paper), y = 1 - x the share speaking B:

    .. math::

        \frac{dx}{dt} = y\,P_{yx}(x, s) - x\,P_{xy}(x, s),\quad
        P_{yx} = c\,x^{a}\,s,\quad P_{xy} = c\,(1 - x)^{a}\,(1 - s).
    """

    name = "abrams-strogatz"
    state_names = ("x",)
    parameters = (
        ParameterInfo("a", "volatility (exponent of attractiveness)", "positive", 1.31),
        ParameterInfo("s", "status of language A", "unit", 0.5),
        ParameterInfo("c", "rate, per year", "positive", 0.1),
    )
    fit_parameters = ("a", "s", "c")

    @staticmethod
    def rhs(state: np.ndarray, p: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.clip(state[0], 0.0, 1.0)
        a, s, c = p["a"], p["s"], p["c"]
        dx = c * ((1.0 - x) * _pow(x, a) * s - x * _pow(1.0 - x, a) * (1.0 - s))
        return dx[None, :]

    @staticmethod
    def observe(state: np.ndarray) -> np.ndarray:
        x = state[0]
        return np.stack([x, np.zeros_like(x), 1.0 - x])

    @staticmethod
    def derivative(x: float, a: float, s: float, c: float) -> float:
        """d(dx/dt)/dx, analytic (valid for x in (0, 1); at the ends for a >= 1)."""
        term_gain = (
            s * (a * x ** (a - 1.0) * (1.0 - x) - x**a)
            if x > 0
            else (s * (0.0 if a > 1 else (1.0 if a == 1 else np.inf)))
        )
        term_loss = (
            (1.0 - s) * ((1.0 - x) ** a - a * x * (1.0 - x) ** (a - 1.0))
            if x < 1
            else ((1.0 - s) * (0.0 if a > 1 else (-1.0 if a == 1 else -np.inf)))
        )
        return float(c * (term_gain - term_loss))

    @staticmethod
    def interior_fixed_point(a: float, s: float) -> float | None:
        r"""The interior fixed point :math:`x^* = 1 / (1 + (s/(1-s))^{1/(a-1)})` (None if a = 1).

        From :math:`(1-x)x^a s = x(1-x)^a(1-s)` divided by :math:`x(1-x)`:
        :math:`(x/(1-x))^{a-1} = (1-s)/s`.
        """
        if a == 1.0 or s <= 0.0 or s >= 1.0:
            return None
        return 1.0 / (1.0 + (s / (1.0 - s)) ** (1.0 / (a - 1.0)))


class MinettWang(LanguageModel):
    r"""Minett and Wang (2008), "Modelling endangered languages", Lingua 118:19-45, with interventions.

    x: monolingual in A (X in the paper), y: monolingual in B (Y), z = 1 - x - y: bilingual (Z).
    Bilinguals' children become monolingual (vertical transmission, weight mu); monolinguals become
    bilingual through contact with the other language's monolinguals (horizontal, weight 1 - mu):

    .. math::

        \dot x &= c\,[\mu (1-\tau) s\,z\,x^a - (1-\mu)(1-s)\,x\,y^a] \\
        \dot y &= c\,[\mu (1-\tau)(1-s)\,z\,y^a - (1-\mu) s\,y\,x^a] - \varepsilon\,y \\
        \dot z &= -\dot x - \dot y

    ``tau`` (share of bilingual parents' children raised bilingual) and ``eps`` (rate at which
    monolingual speakers of B acquire A through schooling) are the interventions; with
    ``tau = eps = 0`` the system is the paper's.
    """

    name = "minett-wang"
    state_names = ("x", "y")
    parameters = (
        ParameterInfo("a", "volatility (exponent of attractiveness)", "positive", 1.31),
        ParameterInfo("s", "status of language A", "unit", 0.5),
        ParameterInfo("c", "rate, per year", "positive", 0.1),
        ParameterInfo("mu", "weight of vertical transmission (generational turnover)", "unit", 0.5),
        ParameterInfo(
            "eps", "bilingual acquisition of A by B monolinguals, per year", "nonnegative", 0.0
        ),
        ParameterInfo("tau", "intergenerational transmission of bilingualism", "unit", 0.0),
    )
    fit_parameters = ("a", "s", "c", "mu")

    @staticmethod
    def rhs(state: np.ndarray, p: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.clip(state[0], 0.0, 1.0)
        y = np.clip(state[1], 0.0, 1.0)
        z = np.clip(1.0 - x - y, 0.0, 1.0)
        a, s, c, mu, eps, tau = p["a"], p["s"], p["c"], p["mu"], p["eps"], p["tau"]
        xa, ya = _pow(x, a), _pow(y, a)
        dx = c * (mu * (1.0 - tau) * s * z * xa - (1.0 - mu) * (1.0 - s) * x * ya)
        dy = c * (mu * (1.0 - tau) * (1.0 - s) * z * ya - (1.0 - mu) * s * y * xa) - eps * y
        return np.stack([dx, dy])

    @staticmethod
    def observe(state: np.ndarray) -> np.ndarray:
        x, y = state[0], state[1]
        return np.stack([x, 1.0 - x - y, y])

    @staticmethod
    def jacobian(x: float, y: float, p: Mapping[str, float]) -> np.ndarray:
        """Analytic Jacobian of (dx/dt, dy/dt) with respect to (x, y), z = 1 - x - y."""
        a, s, c, mu, eps, tau = (p[k] for k in ("a", "s", "c", "mu", "eps", "tau"))
        z = 1.0 - x - y
        v = mu * (1.0 - tau)
        h = 1.0 - mu

        def pw(b: float, e: float) -> float:
            # At a boundary (b = 0) with a < 1 the derivative of b**a is infinite: return inf so
            # that the caller sees a non-finite Jacobian instead of a ZeroDivisionError.
            if b <= 0.0:
                return 0.0 if e > 0 else (1.0 if e == 0 else math.inf)
            return float(b**e)

        xa, ya = pw(x, a), pw(y, a)
        dxa = a * pw(x, a - 1.0) if a != 1.0 else 1.0
        dya = a * pw(y, a - 1.0) if a != 1.0 else 1.0
        j11 = c * (v * s * (-xa + z * dxa) - h * (1.0 - s) * ya)
        j12 = c * (v * s * (-xa) - h * (1.0 - s) * x * dya)
        j21 = c * (v * (1.0 - s) * (-ya) - h * s * y * dxa)
        j22 = c * (v * (1.0 - s) * (-ya + z * dya) - h * s * xa) - eps
        return np.array([[j11, j12], [j21, j22]])


MODELS: dict[str, type[LanguageModel]] = {
    AbramsStrogatz.name: AbramsStrogatz,
    MinettWang.name: MinettWang,
}


def get_model(name: str) -> type[LanguageModel]:
    """The model class for ``name`` ("abrams-strogatz" or "minett-wang"), or a DataError with a hint."""
    import difflib

    key = str(name).strip().lower().replace("_", "-")
    if key in MODELS:
        return MODELS[key]
    near = difflib.get_close_matches(key, list(MODELS), n=1)
    raise DataError(
        Message(
            "unknown language model {name!r}: use one of {models}.{hint}",
            name=name,
            models=list(MODELS),
            hint=Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else "",
        )
    )


@dataclass(frozen=True)
class ModelSpec:
    """A model with concrete parameter values."""

    model: type[LanguageModel]
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", self.model.check_params(self.params))


__all__ = [
    "AbramsStrogatz",
    "LanguageModel",
    "MODELS",
    "MinettWang",
    "ModelSpec",
    "ParameterInfo",
    "get_model",
]
