"""The framework tree of a composite index: the index, its dimensions and sub-dimensions, its indicators.

A node without children is an indicator (it carries a direction and units); every other node is an
aggregate whose score is a weighted mean of its children's scores.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from jahan.errors import DataError, Message


@dataclass(frozen=True)
class Node:
    """One node of the framework tree.

    Parameters
    ----------
    code : str
        Unique identifier (for an indicator: the value of the ``indicator`` column of the data).
    parent : str or None
        Code of the parent node; ``None`` for the root (the index itself).
    name : str
        Human-readable name.
    direction : int
        +1 when a higher value means more of what the index measures, -1 when it means less.
        Only meaningful for indicators.
    units : str
        Units of an indicator ("% of GDP", "km", "count").
    weight : float or None
        User weight of the node within its parent (used by ``weighting="user"`` and, above the
        indicator level, by ``weighting="pca"``).
    source : str
        Where the indicator's values come from.
    """

    code: str
    parent: str | None = None
    name: str = ""
    direction: int = 1
    units: str = ""
    weight: float | None = None
    source: str = ""


class Framework:
    """A validated tree of :class:`Node` objects with a single root.

    Parameters
    ----------
    nodes : iterable of Node
        Every node of the tree, in any order. Codes must be unique; every parent must exist; the
        tree must have exactly one root and no cycles; indicator directions must be +1 or -1.
    """

    def __init__(self, nodes: Iterable[Node]) -> None:
        nodes = list(nodes)
        by_code: dict[str, Node] = {}
        for node in nodes:
            if not isinstance(node.code, str) or not node.code:
                raise DataError(
                    Message(
                        "framework node {node!r} has an empty code: give every node a code",
                        node=node,
                    )
                )
            if node.code in by_code:
                raise DataError(
                    Message(
                        "framework node code {code!r} appears twice: codes must be unique",
                        code=node.code,
                    )
                )
            by_code[node.code] = node
        roots = [n.code for n in nodes if n.parent is None]
        if len(roots) != 1:
            raise DataError(
                Message(
                    "a framework needs exactly one root (a node without parent); "
                    "found {count}: {roots!r}",
                    count=len(roots),
                    roots=roots[:5],
                )
            )
        children: dict[str, list[str]] = {code: [] for code in by_code}
        for node in nodes:
            if node.parent is None:
                continue
            if node.parent not in by_code:
                near = difflib.get_close_matches(node.parent, list(by_code), n=1)
                hint = Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else ""
                raise DataError(
                    Message(
                        "framework node {code!r} names parent {parent!r}, which is not a node.{hint}",
                        code=node.code,
                        parent=node.parent,
                        hint=hint,
                    )
                )
            children[node.parent].append(node.code)
        for node in nodes:
            if not children[node.code] and node.direction not in (1, -1):
                raise DataError(
                    Message(
                        "indicator {code!r} has direction {direction!r}: use +1 (higher is more) "
                        "or -1 (higher is less)",
                        code=node.code,
                        direction=node.direction,
                    )
                )
            if node.weight is not None and not (node.weight >= 0):
                raise DataError(
                    Message(
                        "node {code!r} has weight {weight!r}: weights must be >= 0",
                        code=node.code,
                        weight=node.weight,
                    )
                )
        # Depth-first walk from the root; a node never reached sits on a cycle.
        order: list[str] = []
        depth = {roots[0]: 0}
        stack = [roots[0]]
        while stack:
            code = stack.pop()
            order.append(code)
            for child in reversed(children[code]):
                depth[child] = depth[code] + 1
                stack.append(child)
        if len(order) != len(by_code):
            lost = sorted(set(by_code) - set(order))
            raise DataError(
                Message(
                    "framework nodes {codes!r} are not connected to the root (a cycle?)",
                    codes=lost[:5],
                )
            )
        self._nodes = MappingProxyType(by_code)
        self._children = MappingProxyType({k: tuple(v) for k, v in children.items()})
        self._depth = MappingProxyType(depth)
        self._order = tuple(order)
        self.root: str = roots[0]

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Framework:
        """Build a framework from a table with columns ``code``, ``parent`` and optionally
        ``name``, ``direction``, ``units``, ``weight``, ``source`` (one row per node; an empty
        parent marks the root)."""
        for column in ("code", "parent"):
            if column not in frame.columns:
                raise DataError(
                    Message(
                        "framework table lacks column {column!r}; it has {columns!r}. "
                        "Give one row per node with at least: code, parent.",
                        column=column,
                        columns=list(frame.columns),
                    )
                )
        nodes = []
        for row in frame.to_dict("records"):
            parent = row.get("parent")
            parent = None if parent is None or pd.isna(parent) or str(parent) == "" else str(parent)
            weight = row.get("weight")
            weight = None if weight is None or pd.isna(weight) else float(weight)
            direction = row.get("direction", 1)
            direction = 1 if direction is None or pd.isna(direction) else int(direction)
            nodes.append(
                Node(
                    code=str(row["code"]),
                    parent=parent,
                    name=str(row.get("name", "") or ""),
                    direction=direction,
                    units=str(row.get("units", "") or ""),
                    weight=weight,
                    source=str(row.get("source", "") or ""),
                )
            )
        return cls(nodes)

    def to_frame(self) -> pd.DataFrame:
        """One row per node, in depth-first order."""
        rows = [
            {
                "code": n.code,
                "parent": n.parent,
                "name": n.name,
                "kind": "indicator" if self.is_indicator(n.code) else "aggregate",
                "depth": self._depth[n.code],
                "direction": n.direction if self.is_indicator(n.code) else None,
                "units": n.units,
                "weight": n.weight,
                "source": n.source,
            }
            for n in (self._nodes[c] for c in self._order)
        ]
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ queries
    def __getitem__(self, code: str) -> Node:
        try:
            return self._nodes[code]
        except KeyError:
            near = difflib.get_close_matches(str(code), list(self._nodes), n=1)
            hint = Message(" Did you mean {suggestion!r}?", suggestion=near[0]) if near else ""
            raise DataError(
                Message("{code!r} is not a node of this framework.{hint}", code=code, hint=hint)
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def nodes(self) -> Mapping[str, Node]:
        """Every node by code."""
        return self._nodes

    def children(self, code: str) -> tuple[str, ...]:
        """Codes of the children of ``code`` (empty for an indicator)."""
        return self._children[self[code].code]

    def is_indicator(self, code: str) -> bool:
        """True when ``code`` is a leaf of the tree."""
        return not self._children[code]

    def depth(self, code: str) -> int:
        """Distance from the root (the root has depth 0)."""
        return self._depth[code]

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicator codes in depth-first order."""
        return tuple(c for c in self._order if self.is_indicator(c))

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes ordered so that every node comes after all of its descendants."""
        inner = [c for c in self._order if not self.is_indicator(c)]
        return tuple(sorted(inner, key=lambda c: -self._depth[c]))

    @property
    def order(self) -> tuple[str, ...]:
        """All codes in depth-first order from the root."""
        return self._order

    def directions(self) -> pd.Series:
        """Direction (+1/-1) of each indicator."""
        return pd.Series({c: self._nodes[c].direction for c in self.indicators}, dtype=float)

    def prune(self, keep: Iterable[str]) -> tuple[Framework, tuple[str, ...]]:
        """Drop indicators not in ``keep`` and aggregates left without indicators.

        Returns the pruned framework and the codes removed (indicators and aggregates). The root
        is never removed; a framework left with no indicators raises :class:`DataError`.
        """
        keep = set(keep)
        alive: set[str] = {c for c in self.indicators if c in keep}
        if not alive:
            raise DataError(
                Message(
                    "none of the framework's indicators has data; expected codes such as "
                    "{codes!r} in the 'indicator' column",
                    codes=list(self.indicators)[:6],
                )
            )
        for code in self.aggregates:
            if any(child in alive for child in self._children[code]):
                alive.add(code)
        removed = tuple(c for c in self._order if c not in alive)
        return Framework(
            n for n in (self._nodes[c] for c in self._order) if n.code in alive
        ), removed

    def __repr__(self) -> str:
        return (
            f"Framework(root={self.root!r}, {len(self.indicators)} indicators, "
            f"{len(self.aggregates)} aggregates)"
        )
