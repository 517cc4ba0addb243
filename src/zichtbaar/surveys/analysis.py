"""The statistics of the research module: a pure module on numpy, pandas, scipy and statsmodels.

No Django here: the command line, the reports and the tests call these functions directly.
Every function documents its method; docs/research.md gives the references.

- proportions: Wilson score interval (Wilson 1927); a difference of two independent proportions:
  Newcombe's hybrid score interval (Newcombe 1998, method 10).
- reliability: Cronbach's alpha with Feldt's interval (Feldt, Woodruff & Salih 1987);
  McDonald's omega (total) from a one-factor model fitted by maximum likelihood on the item
  covariance matrix (McDonald 1999): omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi).
- linear regression (OLS, statsmodels) with standardised coefficients beta_j = b_j * sd(x_j) / sd(y).
- logistic regression (statsmodels Logit) with odds ratios and McFadden's pseudo R-squared.
- relative importance: the LMG decomposition of R-squared (Lindeman, Merenda & Gold 1980), equal
  to the Shapley value of R-squared and to general dominance (Budescu 1993; Azen & Budescu 2003),
  with percentile bootstrap intervals (Efron & Tibshirani 1993) for each predictor and for each
  pairwise difference. R-squared of all 2^k subsets is computed from the correlation matrix by
  linear algebra (R2_S = r_yS' R_SS^-1 r_yS), batched over the bootstrap resamples.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

Z95 = float(stats.norm.ppf(0.975))


# --------------------------------------------------------------------------- proportions


def wilson_ci(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927). (nan, nan) when n == 0."""
    if n <= 0:
        return (math.nan, math.nan)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def proportion(values: pd.Series) -> dict[str, Any]:
    """Share of True among the non-missing values of a boolean-ish series, with Wilson's CI."""
    clean = values.dropna().astype(bool)
    n = int(clean.size)
    k = int(clean.sum())
    share = k / n if n else math.nan
    lo, hi = wilson_ci(k, n)
    return {"share": share, "ci": [lo, hi], "k": k, "n": n}


def mean_ci(values: pd.Series, confidence: float = 0.95) -> dict[str, Any]:
    """Mean of the non-missing values with Student's t interval, and the sd."""
    clean = values.dropna().astype(float)
    n = int(clean.size)
    mean = float(clean.mean()) if n else math.nan
    sd = float(clean.std()) if n > 1 else math.nan
    if n > 1:
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
        ci = [_f(mean - half), _f(mean + half)]
    else:
        ci = [None, None]
    return {"mean": _f(mean), "ci": ci, "sd": _f(sd), "n": n}


def newcombe_diff_ci(
    k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """p1 - p2 with Newcombe's hybrid score interval (two independent proportions)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_ci(k1, n1, confidence)
    l2, u2 = wilson_ci(k2, n2, confidence)
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lower, upper


def intention_behaviour_gap(willing_k: int, willing_n: int, sharers: int, people: int) -> dict:
    """The gap between the share willing (survey) and the share actually sharing (platform).

    The platform figure is an aggregate (people who shared at least once in the period among the
    people on the platform), not linked to survey answers, so the two shares come from two
    independent samples of the same organisation: Newcombe's interval for the difference.
    """
    if willing_n <= 0 or people <= 0:
        raise ValueError("both groups need at least one person")
    if not 0 <= sharers <= people:
        raise ValueError("sharers must be between 0 and the number of people")
    d, lo, hi = newcombe_diff_ci(willing_k, willing_n, sharers, people)
    return {
        "willing_share": willing_k / willing_n,
        "sharing_share": sharers / people,
        "sharers": sharers,
        "people": people,
        "gap": d,
        "ci": [lo, hi],
    }


# --------------------------------------------------------------------------- reliability


def cronbach_alpha(
    items: pd.DataFrame, confidence: float = 0.95, nan_policy: str = "pairwise"
) -> tuple[float | None, list[float] | None]:
    """Cronbach's alpha and Feldt's interval; (None, None) for fewer than two items.

    alpha = k/(k-1) * (1 - trace(C) / sum(C)) with C the item covariance matrix (pairwise
    complete by default, as psych::alpha(use="pairwise")); the interval uses
    F(n-1, (n-1)(k-1)) (Feldt, Woodruff & Salih 1987).
    """
    k = items.shape[1]
    if k < 2:
        return None, None
    data = items.astype(float)
    if nan_policy == "listwise":
        data = data.dropna(axis=0, how="any")
    elif nan_policy != "pairwise":
        raise ValueError("nan_policy must be 'pairwise' or 'listwise'")
    n = data.shape[0]
    if n < 2:
        return None, None
    cov = data.cov().to_numpy()
    total = cov.sum()
    if not np.isfinite(total) or total <= 0:
        return None, None
    alpha = (k / (k - 1)) * (1 - np.trace(cov) / total)
    tail = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.isf(tail / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.isf(1 - tail / 2, df1, df2)
    return float(alpha), [float(lower), float(upper)]


@dataclass(frozen=True)
class OneFactor:
    loadings: np.ndarray
    uniquenesses: np.ndarray
    converged: bool


def one_factor_ml(cov: np.ndarray) -> OneFactor:
    """Maximum-likelihood one-factor model of a covariance matrix (k >= 3).

    Minimises F = log|Sigma| + tr(S Sigma^-1) with Sigma = lambda lambda' + diag(psi) over
    lambda and log(psi) (L-BFGS-B, analytic gradient), starting from the first principal
    factor. Uniquenesses are kept above 1e-6 * var (a Heywood case stops at the bound).
    """
    s = np.asarray(cov, dtype=float)
    k = s.shape[0]
    var = np.diag(s).copy()
    eigval, eigvec = np.linalg.eigh(s)
    lam0 = eigvec[:, -1] * math.sqrt(max(eigval[-1], 1e-12))
    if lam0.sum() < 0:
        lam0 = -lam0
    lam0 = 0.9 * lam0
    psi0 = np.maximum(var - lam0**2, 0.05 * var)
    floor = np.log(np.maximum(var, 1e-12) * 1e-6)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        lam, psi = theta[:k], np.exp(theta[k:])
        sigma = np.outer(lam, lam) + np.diag(psi)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(theta)
        inv = np.linalg.inv(sigma)
        f = logdet + float(np.trace(s @ inv))
        g = inv - inv @ s @ inv
        grad = np.concatenate([2 * g @ lam, np.diag(g) * psi])
        return f, grad

    theta0 = np.concatenate([lam0, np.log(psi0)])
    bounds = [(None, None)] * k + [(float(lo), None) for lo in floor]
    res = optimize.minimize(
        objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000}
    )
    lam = res.x[:k]
    if lam.sum() < 0:
        lam = -lam
    return OneFactor(loadings=lam, uniquenesses=np.exp(res.x[k:]), converged=bool(res.success))


def mcdonald_omega(items: pd.DataFrame) -> float | None:
    """McDonald's omega (total) from a one-factor ML model on the listwise item covariances.

    None for fewer than three items: a one-factor model of two items is not identified.
    For tau-equivalent items (equal loadings) omega equals Cronbach's alpha.
    """
    k = items.shape[1]
    if k < 3:
        return None
    data = items.astype(float).dropna(axis=0, how="any")
    if data.shape[0] < k + 1:
        return None
    cov = data.cov().to_numpy()
    if np.any(np.diag(cov) <= 0):
        return None
    fit = one_factor_ml(cov)
    common = float(fit.loadings.sum()) ** 2
    return common / (common + float(fit.uniquenesses.sum()))


# --------------------------------------------------------------------------- scales


def scale_score(items: pd.DataFrame) -> pd.Series:
    """Item mean per respondent; missing when fewer than half of the items were answered."""
    k = items.shape[1]
    answered = items.notna().sum(axis=1)
    score = items.astype(float).mean(axis=1, skipna=True)
    return score.where(answered >= math.ceil(k / 2))


def describe_scale(items: pd.DataFrame) -> dict[str, Any]:
    score = scale_score(items)
    alpha, alpha_ci = cronbach_alpha(items)
    return {
        "items": list(items.columns),
        "n": int(score.notna().sum()),
        "mean": _f(score.mean()),
        "sd": _f(score.std()),
        "alpha": alpha,
        "alpha_ci": alpha_ci,
        "omega": mcdonald_omega(items),
    }


def correlations(frame: pd.DataFrame) -> dict[str, Any]:
    """Pearson correlations (pairwise complete) with their p-values and pairwise n."""
    cols = list(frame.columns)
    r = frame.corr(method="pearson")
    out: dict[str, Any] = {"variables": cols, "r": {}, "p": {}, "n": {}}
    for a in cols:
        out["r"][a], out["p"][a], out["n"][a] = {}, {}, {}
        for b in cols:
            both = frame[[a, b]].dropna()
            n = int(both.shape[0])
            rv = float(r.loc[a, b]) if n > 2 else math.nan
            if a == b:
                p = 0.0
            elif n > 2 and abs(rv) < 1:
                t = rv * math.sqrt((n - 2) / (1 - rv * rv))
                p = float(2 * stats.t.sf(abs(t), n - 2))
            else:
                p = math.nan
            out["r"][a][b], out["p"][a][b], out["n"][a][b] = _f(rv), _f(p), n
    return out


# --------------------------------------------------------------------------- regressions


def ols(y: pd.Series, x: pd.DataFrame) -> dict[str, Any]:
    """OLS of y on x (with a constant), listwise; coefficients and standardised coefficients."""
    import statsmodels.api as sm

    data = pd.concat([y.rename("__y"), x], axis=1).dropna()
    yy, xx = data["__y"].astype(float), data[list(x.columns)].astype(float)
    fit = sm.OLS(yy, sm.add_constant(xx, has_constant="add")).fit()
    sd_y = float(yy.std())
    ci = fit.conf_int()
    return {
        "n": int(fit.nobs),
        "r2": float(fit.rsquared),
        "adj_r2": float(fit.rsquared_adj),
        "f_pvalue": _f(fit.f_pvalue),
        "const": float(fit.params["const"]),
        "coef": {c: float(fit.params[c]) for c in x.columns},
        "se": {c: float(fit.bse[c]) for c in x.columns},
        "p": {c: float(fit.pvalues[c]) for c in x.columns},
        "coef_ci": {c: [float(ci.loc[c, 0]), float(ci.loc[c, 1])] for c in x.columns},
        "std_betas": {
            c: float(fit.params[c] * xx[c].std() / sd_y) if sd_y > 0 else math.nan
            for c in x.columns
        },
    }


def logistic(y: pd.Series, x: pd.DataFrame) -> dict[str, Any] | None:
    """Logistic regression of a 0/1 outcome on x (statsmodels Logit, Newton), listwise.

    None when the model cannot be estimated (one outcome class only, perfect separation).
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    data = pd.concat([y.rename("__y"), x], axis=1).dropna()
    yy, xx = data["__y"].astype(float), data[list(x.columns)].astype(float)
    if yy.nunique() < 2 or len(yy) <= xx.shape[1] + 1:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", category=PerfectSeparationWarning)
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            fit = sm.Logit(yy, sm.add_constant(xx, has_constant="add")).fit(disp=0, maxiter=100)
    except (PerfectSeparationError, PerfectSeparationWarning, np.linalg.LinAlgError, ValueError):
        return None
    if not fit.mle_retvals.get("converged", True):
        return None
    ci = fit.conf_int()
    return {
        "n": int(fit.nobs),
        "const": float(fit.params["const"]),
        "coef": {c: float(fit.params[c]) for c in x.columns},
        "se": {c: float(fit.bse[c]) for c in x.columns},
        "p": {c: float(fit.pvalues[c]) for c in x.columns},
        "odds_ratio": {c: float(np.exp(fit.params[c])) for c in x.columns},
        "odds_ratio_ci": {
            c: [float(np.exp(ci.loc[c, 0])), float(np.exp(ci.loc[c, 1]))] for c in x.columns
        },
        "pseudo_r2": float(fit.prsquared),
        "llr_pvalue": _f(fit.llr_pvalue),
    }


# --------------------------------------------------------------------------- relative importance


def _subset_masks(k: int) -> list[np.ndarray]:
    return [np.flatnonzero((mask >> np.arange(k)) & 1) for mask in range(2**k)]


def lmg_weights(k: int) -> np.ndarray:
    """Matrix M (2^k x k) with lmg = r2_of_subsets @ M (Shapley weights s!(k-s-1)!/k!)."""
    m = np.zeros((2**k, k))
    for j in range(k):
        for mask in range(2**k):
            if mask >> j & 1:
                continue
            s = bin(mask).count("1")
            w = math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
            m[mask | (1 << j), j] += w
            m[mask, j] -= w
    return m


def subset_r2(corr: np.ndarray) -> np.ndarray:
    """R-squared of every subset of predictors from correlation matrices.

    corr has shape (..., p, p) with the outcome first and k = p - 1 predictors after it;
    the result has shape (..., 2^k), indexed by a bitmask of the predictors in the model.
    """
    corr = np.asarray(corr, dtype=float)
    batch = corr.shape[:-2]
    k = corr.shape[-1] - 1
    out = np.zeros((*batch, 2**k))
    for mask, idx in enumerate(_subset_masks(k)):
        if mask == 0:
            continue
        cols = idx + 1
        rxx = corr[..., cols[:, None], cols[None, :]]
        rxy = corr[..., cols, 0]
        try:
            sol = np.linalg.solve(rxx, rxy[..., None])[..., 0]
        except np.linalg.LinAlgError:
            sol = (np.linalg.pinv(rxx, hermitian=True) @ rxy[..., None])[..., 0]
        out[..., mask] = np.sum(rxy * sol, axis=-1)
    return out


def lmg(corr: np.ndarray) -> np.ndarray:
    """LMG relative importance of each predictor from correlation matrix/matrices (outcome first)."""
    k = np.asarray(corr).shape[-1] - 1
    return subset_r2(corr) @ lmg_weights(k)


def _bootstrap_correlations(
    z: np.ndarray, n_boot: int, rng: np.random.Generator, chunk_cells: int = 4_000_000
) -> np.ndarray:
    """Correlation matrices of n_boot resamples (rows drawn with replacement) of z (n x p).

    Each resample is a vector of counts; the first and second moments of all resamples in a
    chunk are two matrix products (counts @ z, counts @ pairwise products), so no resample is
    materialised and nothing is refitted.
    """
    n, p = z.shape
    z = (z - z.mean(axis=0)) / np.where(z.std(axis=0) > 0, z.std(axis=0), 1.0)
    iu = np.triu_indices(p)
    products = z[:, iu[0]] * z[:, iu[1]]  # n x p(p+1)/2
    out = np.empty((n_boot, p, p))
    per_chunk = max(1, min(n_boot, chunk_cells // max(n, 1)))
    done = 0
    while done < n_boot:
        b = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(b, n))
        idx += (np.arange(b) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(float)
        mean = counts @ z / n  # b x p
        second = counts @ products / n  # b x q
        cov = np.empty((b, p, p))
        cov[:, iu[0], iu[1]] = second - mean[:, iu[0]] * mean[:, iu[1]]
        cov[:, iu[1], iu[0]] = cov[:, iu[0], iu[1]]
        sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 1e-300, None))
        out[done : done + b] = cov / sd[:, :, None] / sd[:, None, :]
        done += b
    return out


def relative_importance(
    y: pd.Series,
    x: pd.DataFrame,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """LMG / Shapley relative importance with seeded percentile bootstrap intervals.

    Returns r2, per predictor lmg, share_of_r2 and ci, every pairwise difference with its
    interval, and biggest_predictor: the predictor with the largest lmg whose difference with
    every other predictor has an interval above zero, else None (also None with one predictor).
    """
    names = list(x.columns)
    data = pd.concat([y.rename("__y"), x], axis=1).dropna().astype(float)
    z = data.to_numpy()
    n, k = z.shape[0], len(names)
    if n < k + 2:
        raise ValueError("too few complete responses for the models")
    point_corr = np.corrcoef(z, rowvar=False)
    point = lmg(point_corr)
    r2 = float(point.sum())
    rng = np.random.default_rng(seed)
    boot = lmg(_bootstrap_correlations(z, n_boot, rng))
    tail = (1 - confidence) / 2 * 100
    lo, hi = np.nanpercentile(boot, [tail, 100 - tail], axis=0)
    predictors = {
        name: {
            "lmg": float(point[j]),
            "share_of_r2": float(point[j] / r2) if r2 > 0 else math.nan,
            "ci": [float(lo[j]), float(hi[j])],
        }
        for j, name in enumerate(names)
    }
    differences = []
    for i, j in combinations(range(k), 2):
        d = boot[:, i] - boot[:, j]
        dlo, dhi = np.nanpercentile(d, [tail, 100 - tail])
        differences.append(
            {
                "a": names[i],
                "b": names[j],
                "diff": float(point[i] - point[j]),
                "ci": [float(dlo), float(dhi)],
            }
        )
    biggest = None
    if k >= 2:
        top = int(np.argmax(point))
        clear = True
        for diff in differences:
            if names[top] == diff["a"]:
                clear &= diff["ci"][0] > 0
            elif names[top] == diff["b"]:
                clear &= diff["ci"][1] < 0
        biggest = names[top] if clear else None
    return {
        "n": n,
        "r2": r2,
        "n_boot": n_boot,
        "seed": seed,
        "predictors": predictors,
        "differences": differences,
        "biggest_predictor": biggest,
    }


def default_n_boot(n: int) -> int:
    """2,000 resamples up to 20,000 responses, 1,000 above (never fewer than 1,000)."""
    return 2000 if n <= 20_000 else 1000


def _f(value: Any) -> float | None:
    """A float for JSON: None instead of NaN or infinity."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def clean_json(obj: Any) -> Any:
    """Replace NaN/inf by None and numpy scalars by Python numbers, recursively."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [clean_json(v) for v in obj.tolist()]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _f(obj)
    return obj


__all__: Sequence[str] = [
    "clean_json",
    "correlations",
    "cronbach_alpha",
    "default_n_boot",
    "describe_scale",
    "intention_behaviour_gap",
    "lmg",
    "logistic",
    "mcdonald_omega",
    "newcombe_diff_ci",
    "ols",
    "one_factor_ml",
    "proportion",
    "relative_importance",
    "scale_score",
    "subset_r2",
    "wilson_ci",
]
