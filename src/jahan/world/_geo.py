"""Geographic distances: great circle between capitals and the internal distance of a country."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km by the haversine formula (broadcasts over arrays).

    .. math:: d = 2R \\arcsin \\sqrt{\\sin^2(\\Delta\\phi/2) + \\cos\\phi_1\\cos\\phi_2\\sin^2(\\Delta\\lambda/2)}
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def internal_distance_km(area_km2) -> np.ndarray:
    """Internal distance of a country from its area (Head and Mayer 2000).

    .. math:: d_{ii} = 0.67 \\sqrt{\\mathrm{area}_i / \\pi}

    the average distance between a producer and a consumer placed uniformly on a disk
    of the country's area (Head, K. and Mayer, T. (2000), "Non-Europe: the magnitude and
    causes of market fragmentation in the EU", Weltwirtschaftliches Archiv 136(2), 284-314).
    """
    return 0.67 * np.sqrt(np.asarray(area_km2, dtype=float) / np.pi)


def distance_matrix_km(lat, lon, area_km2) -> np.ndarray:
    """Square matrix of capital-to-capital distances with internal distances on the diagonal."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    d = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    np.fill_diagonal(d, internal_distance_km(area_km2))
    return d
