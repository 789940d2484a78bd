"""Peak-hour load on a machine: capacity, utilisation and the expected wait (Erlang C, M/M/c).

At the busiest hour members arrive for the machine at a rate ``λ`` (sessions per hour); each
session lasts ``session_minutes``; ``c`` members can use it at once (units × stations). The
offered load is ``a = λ × session_minutes / 60`` erlangs, capacity ``c × 60 / session_minutes``
sessions per hour, utilisation ``ρ = a / c``. With Poisson arrivals and exponential session
times (M/M/c), the chance an arriving member has to wait is Erlang C, ``C(c, a)``, and the mean
wait in the queue is ``W_q = C(c, a) × session_minutes / (c - a)`` minutes; when ``a >= c`` the
queue grows without bound (wait ``inf``, probability 1). Exponential session times overstate
the wait a little for the nearly fixed sessions on a gym machine; it is the standard, cautious
choice.

Every function takes numpy arrays and broadcasts, so draws × candidates arrive in one call.
"""

from __future__ import annotations

import numpy as np


def erlang_c(servers: np.ndarray | int, load: np.ndarray | float) -> np.ndarray:
    """Probability that an arrival waits in an M/M/c queue (Erlang C), 0-1.

    Computed from the Erlang B recursion ``B(k) = a B(k-1) / (k + a B(k-1))``, ``B(0) = 1``,
    which never forms ``a^c / c!`` and so stays accurate for any size, then
    ``C = c B / (c - a (1 - B))``.

    Parameters
    ----------
    servers
        Members served at once, ``c`` (whole number >= 1), broadcastable against ``load``.
    load
        Offered load ``a`` in erlangs (arrivals per hour × hours per session), >= 0.

    Returns
    -------
    numpy.ndarray
        ``C(c, a)``; 0 when ``a = 0``, 1 when ``a >= c`` (the queue is unstable).
    """
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=np.int64)
    a, c = np.broadcast_arrays(a, c)
    blocking = np.ones(a.shape)
    for k in range(1, int(c.max(initial=1)) + 1):
        step = a * blocking / (k + a * blocking)
        blocking = np.where(k <= c, step, blocking)
    with np.errstate(divide="ignore", invalid="ignore"):
        waiting = c * blocking / (c - a * (1.0 - blocking))
    return np.where(a >= c, 1.0, np.clip(waiting, 0.0, 1.0))


def capacity_per_hour(session_minutes: np.ndarray | float,
                      servers: np.ndarray | int) -> np.ndarray:
    """Sessions per hour a machine can serve: ``servers × 60 / session_minutes``."""
    return np.asarray(servers, dtype=float) * 60.0 / np.asarray(session_minutes, dtype=float)


def mean_wait_minutes(servers: np.ndarray | int, load: np.ndarray | float,
                      session_minutes: np.ndarray | float) -> np.ndarray:
    """Mean wait in the queue (minutes) in M/M/c: ``C(c, a) × session_minutes / (c - a)``.

    0 when the load is 0; ``inf`` when ``a >= c``.
    """
    a = np.asarray(load, dtype=float)
    c = np.asarray(servers, dtype=float)
    minutes = np.asarray(session_minutes, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = erlang_c(servers, a) * minutes / (c - a)
    return np.where(a >= c, np.inf, wait)


def peak_queue(weekly_sessions: np.ndarray, peak_share: np.ndarray | float,
               session_minutes: np.ndarray | float,
               servers: np.ndarray | int) -> dict[str, np.ndarray]:
    """The busiest hour of the week on a machine, for arrays of any broadcastable shape.

    Parameters
    ----------
    weekly_sessions
        Sessions a week on the machine (sessions/week).
    peak_share
        Share of a week's sessions that fall in its busiest hour (fraction).
    session_minutes
        Minutes per session.
    servers
        Members served at once: units × stations.

    Returns
    -------
    dict of numpy.ndarray
        ``arrivals_per_hour`` (sessions/hour at peak), ``capacity_per_hour`` (sessions/hour),
        ``utilisation`` (offered load / servers, 0-1 when stable, above 1 when overloaded),
        ``p_wait`` (0-1) and ``wait_minutes`` (mean wait in minutes).
    """
    arrivals = np.asarray(weekly_sessions, dtype=float) * np.asarray(peak_share, dtype=float)
    load = arrivals * np.asarray(session_minutes, dtype=float) / 60.0
    servers = np.asarray(servers)
    return {
        "arrivals_per_hour": arrivals,
        "capacity_per_hour": np.broadcast_to(capacity_per_hour(session_minutes, servers),
                                             arrivals.shape),
        "utilisation": load / servers,
        "p_wait": erlang_c(servers, load),
        "wait_minutes": mean_wait_minutes(servers, load, session_minutes),
    }
