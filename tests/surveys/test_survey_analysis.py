"""The statistics against published reference values.

pingouin (GPL) is a test-only oracle here: the product never imports it. Its documented
examples (cronbach_alpha, linear_regression) are reproduced with the data sets it ships.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from zichtbaar.surveys import analysis
from zichtbaar.surveys.study import fmt_pct_ci

# ----------------------------------------------------------------------------- alpha


@pytest.fixture(scope="module")
def binary_missing():
    return pg.read_dataset("cronbach_wide_missing")


def test_alpha_pairwise_matches_pingouin_docs(binary_missing):
    alpha, ci = analysis.cronbach_alpha(binary_missing)
    # pingouin docs: (0.732660835214447, array([0.435, 0.909])), "In R: psych:alpha(data, use='pairwise')"
    assert alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert np.round(ci, 3).tolist() == [0.435, 0.909]
    oracle = pg.cronbach_alpha(data=binary_missing)
    assert alpha == pytest.approx(oracle[0], abs=1e-12)


def test_alpha_listwise_matches_pingouin_docs(binary_missing):
    alpha, ci = analysis.cronbach_alpha(binary_missing, nan_policy="listwise")
    assert alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    # pingouin documents [0.581, 0.933]: its Feldt interval keeps n = 12 rows after listwise
    # deletion. We use the rows actually analysed (9), so our interval is wider, as it should be.
    complete = binary_missing.dropna()
    assert len(complete) == 9
    assert ci == pytest.approx(analysis.cronbach_alpha(complete)[1], abs=1e-12)
    assert ci[0] < 0.581 and ci[1] > 0.933


def test_alpha_median_imputed_matches_pingouin_docs(binary_missing):
    data = binary_missing.fillna(binary_missing.median())
    alpha, ci = analysis.cronbach_alpha(data)
    assert alpha == pytest.approx(0.7380191693290734, abs=1e-12)
    assert np.round(ci, 3).tolist() == [0.447, 0.911]


def test_alpha_likert_long_format_matches_pingouin_docs():
    data = pg.read_dataset("cronbach_alpha")
    wide = data.pivot(index="Subj", columns="Items", values="Scores")
    alpha, ci = analysis.cronbach_alpha(wide)
    assert alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert np.round(ci, 3).tolist() == [0.195, 0.84]


def test_single_item_scale_has_no_alpha_or_omega():
    items = pd.DataFrame({"only": [1, 2, 3, 4, 5, 3.0]})
    assert analysis.cronbach_alpha(items) == (None, None)
    described = analysis.describe_scale(items)
    assert described["alpha"] is None and described["alpha_ci"] is None
    assert described["omega"] is None
    assert described["mean"] == pytest.approx(3.0)


# ----------------------------------------------------------------------------- omega


def _exact_covariance_sample(sigma: np.ndarray, n: int, seed: int) -> pd.DataFrame:
    """A sample whose covariance matrix (ddof=1) is exactly sigma."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, sigma.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)  # identity covariance
    x = z @ np.linalg.cholesky(sigma).T + 3.0
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(sigma.shape[0])])


def test_omega_equals_alpha_for_tau_equivalent_items():
    # equal loadings (0.7), unequal error variances: tau-equivalent
    lam = np.full(5, 0.7)
    psi = np.array([0.3, 0.5, 0.4, 0.6, 0.35])
    sigma = np.outer(lam, lam) + np.diag(psi)
    data = _exact_covariance_sample(sigma, 400, seed=3)
    assert np.allclose(np.cov(data.to_numpy(), rowvar=False), sigma)
    alpha, _ci = analysis.cronbach_alpha(data)
    omega = analysis.mcdonald_omega(data)
    expected = (5 * 0.7) ** 2 / ((5 * 0.7) ** 2 + psi.sum())
    assert alpha == pytest.approx(expected, abs=1e-10)
    assert omega == pytest.approx(alpha, abs=1e-4)


def test_omega_exceeds_alpha_for_congeneric_items():
    lam = np.array([0.9, 0.8, 0.5, 0.3])
    sigma = np.outer(lam, lam) + np.diag(1 - lam**2)
    data = _exact_covariance_sample(sigma, 500, seed=4)
    fit = analysis.one_factor_ml(np.cov(data.to_numpy(), rowvar=False))
    assert np.allclose(fit.loadings, lam, atol=1e-3)
    alpha, _ = analysis.cronbach_alpha(data)
    omega = analysis.mcdonald_omega(data)
    assert omega == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), abs=1e-4)
    assert omega > alpha


def test_omega_needs_three_items():
    data = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 2, 3, 5, 5.0]})
    assert analysis.mcdonald_omega(data) is None
    assert analysis.cronbach_alpha(data)[0] is not None


# ----------------------------------------------------------------------------- linear regression


@pytest.fixture(scope="module")
def tips():
    return pg.read_dataset("tips")


def test_ols_matches_pingouin_docs(tips):
    fit = analysis.ols(tips["tip"], tips[["total_bill", "size"]])
    # pingouin docs, example 2: Intercept 0.67, total_bill 0.09, size 0.19, r2 0.47, adj_r2 0.46
    assert round(fit["const"], 2) == 0.67
    assert round(fit["coef"]["total_bill"], 2) == 0.09
    assert round(fit["coef"]["size"], 2) == 0.19
    assert round(fit["r2"], 2) == 0.47 and round(fit["adj_r2"], 2) == 0.46
    assert round(fit["p"]["size"], 2) == 0.02
    assert [round(v, 2) for v in fit["coef_ci"]["size"]] == [0.02, 0.36]
    oracle = pg.linear_regression(tips[["total_bill", "size"]], tips["tip"])
    assert fit["coef"]["total_bill"] == pytest.approx(oracle["coef"][1], rel=1e-10)
    assert fit["r2"] == pytest.approx(oracle["r2"][0], rel=1e-10)


def test_simple_regression_matches_pingouin_docs(tips):
    fit = analysis.ols(tips["tip"], tips[["total_bill"]])
    assert round(fit["const"], 2) == 0.92 and round(fit["coef"]["total_bill"], 2) == 0.11
    assert round(fit["r2"], 2) == 0.46


def test_standardised_coefficients_equal_coefficients_on_z_scores(tips):
    fit = analysis.ols(tips["tip"], tips[["total_bill", "size"]])
    z = (tips[["tip", "total_bill", "size"]] - tips[["tip", "total_bill", "size"]].mean()) / tips[
        ["tip", "total_bill", "size"]
    ].std()
    zfit = analysis.ols(z["tip"], z[["total_bill", "size"]])
    for c in ("total_bill", "size"):
        assert fit["std_betas"][c] == pytest.approx(zfit["coef"][c], abs=1e-10)


# ----------------------------------------------------------------------------- relative importance


def test_lmg_matches_pingouin_relimp(tips):
    oracle = pg.linear_regression(tips[["total_bill", "size"]], tips["tip"], relimp=True)
    ri = analysis.relative_importance(
        tips["tip"], tips[["total_bill", "size"]], n_boot=1000, seed=1
    )
    assert ri["predictors"]["total_bill"]["lmg"] == pytest.approx(oracle["relimp"][1], abs=1e-10)
    assert ri["predictors"]["size"]["lmg"] == pytest.approx(oracle["relimp"][2], abs=1e-10)
    assert 100 * ri["predictors"]["size"]["share_of_r2"] == pytest.approx(
        oracle["relimp_perc"][2], abs=1e-8
    )


def test_lmg_shares_sum_to_r2_in_the_sample_and_every_resample():
    rng = np.random.default_rng(7)
    n = 300
    x = rng.multivariate_normal(np.zeros(4), 0.4 + 0.6 * np.eye(4), size=n)
    y = x @ [0.5, 0.3, 0.1, 0.0] + rng.normal(size=n)
    frame = pd.DataFrame(x, columns=list("abcd"))
    ri = analysis.relative_importance(pd.Series(y), frame, n_boot=1000, seed=2)
    full = sm.OLS(y, sm.add_constant(x)).fit().rsquared
    assert ri["r2"] == pytest.approx(full, abs=1e-10)
    assert sum(p["lmg"] for p in ri["predictors"].values()) == pytest.approx(full, abs=1e-10)
    assert sum(p["share_of_r2"] for p in ri["predictors"].values()) == pytest.approx(1.0)
    # every resample: LMG values add up to that resample's full-model R-squared
    corr = analysis._bootstrap_correlations(np.column_stack([y, x]), 50, np.random.default_rng(0))
    assert np.allclose(analysis.lmg(corr).sum(axis=1), analysis.subset_r2(corr)[:, -1])


def test_subset_r2_matches_refitting():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(120, 3))
    y = x @ [0.4, -0.2, 0.3] + rng.normal(size=120)
    r2 = analysis.subset_r2(np.corrcoef(np.column_stack([y, x]), rowvar=False))
    for mask in range(1, 8):
        cols = [j for j in range(3) if mask >> j & 1]
        refit = sm.OLS(y, sm.add_constant(x[:, cols])).fit().rsquared
        assert r2[mask] == pytest.approx(refit, abs=1e-10)


def test_biggest_predictor_only_when_the_interval_excludes_zero():
    rng = np.random.default_rng(5)
    n = 400
    x = rng.normal(size=(n, 3))
    strong = pd.Series(x @ [0.8, 0.2, 0.1] + rng.normal(size=n))
    frame = pd.DataFrame(x, columns=["engagement", "brand_attitude", "other"])
    ri = analysis.relative_importance(strong, frame, n_boot=1000, seed=3)
    assert ri["biggest_predictor"] == "engagement"
    tied = pd.Series(x @ [0.5, 0.5, 0.0] + rng.normal(size=n))
    ri = analysis.relative_importance(tied, frame, n_boot=1000, seed=3)
    assert ri["biggest_predictor"] is None
    diff = next(
        d for d in ri["differences"] if {d["a"], d["b"]} == {"engagement", "brand_attitude"}
    )
    assert diff["ci"][0] < 0 < diff["ci"][1]


def test_bootstrap_is_seeded_and_uses_at_least_1000_resamples():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.normal(size=(200, 2)), columns=["a", "b"])
    y = x["a"] + rng.normal(size=200)
    one = analysis.relative_importance(y, x, seed=9)
    two = analysis.relative_importance(y, x, seed=9)
    other = analysis.relative_importance(y, x, seed=10)
    assert one == two
    assert one["predictors"]["a"]["ci"] != other["predictors"]["a"]["ci"]
    assert one["n_boot"] >= 1000 and analysis.default_n_boot(100_000) >= 1000


# ----------------------------------------------------------------------------- logistic regression


def test_logistic_matches_statsmodels_spector_docs():
    spector = sm.datasets.spector.load_pandas()
    fit = analysis.logistic(spector.endog, spector.exog)
    assert fit is not None
    # statsmodels documentation, Logit on the Spector & Mazzeo data
    assert fit["const"] == pytest.approx(-13.0213, abs=1e-4)
    assert fit["coef"]["GPA"] == pytest.approx(2.8261, abs=1e-4)
    assert fit["coef"]["TUCE"] == pytest.approx(0.0952, abs=1e-4)
    assert fit["coef"]["PSI"] == pytest.approx(2.3787, abs=1e-4)
    assert fit["pseudo_r2"] == pytest.approx(0.3740, abs=1e-4)
    assert fit["se"]["GPA"] == pytest.approx(1.263, abs=1e-3)
    assert fit["odds_ratio"]["PSI"] == pytest.approx(math.exp(2.3787), rel=1e-4)


def test_logistic_returns_none_when_it_cannot_be_estimated():
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6, 7, 8]})
    assert analysis.logistic(pd.Series([1.0] * 8), x) is None  # one class only
    assert analysis.logistic(pd.Series([0, 0, 0, 0, 1, 1, 1, 1.0]), x) is None  # separation


# ----------------------------------------------------------------------------- proportions


def test_wilson_interval_matches_statsmodels_and_reads_like_the_seed():
    lo, hi = analysis.wilson_ci(214, 281)
    ref = proportion_confint(214, 281, method="wilson")
    assert (lo, hi) == pytest.approx(ref, abs=1e-12)
    assert fmt_pct_ci(214 / 281, [lo, hi]) == "76% [71-81]"


def test_gap_uses_newcombes_interval():
    gap = analysis.intention_behaviour_gap(214, 281, 95, 281)
    ref = confint_proportions_2indep(214, 281, 95, 281, method="newcomb", compare="diff")
    assert gap["gap"] == pytest.approx(214 / 281 - 95 / 281)
    assert gap["ci"] == pytest.approx(list(ref), abs=1e-10)
    with pytest.raises(ValueError):
        analysis.intention_behaviour_gap(10, 20, 30, 20)
