"""Writes stat-vectors.json: reference p-values from SciPy, an implementation independent of ours.

Run: python3 make-stat-vectors.py  (SciPy >= 1.11; the committed file was made with SciPy 1.17.1)
"""
import json

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20250106)


def fisher_cases():
    cases = []
    for _ in range(60):
        n = int(rng.integers(1, 400))
        m = int(rng.integers(1, 400))
        a = int(rng.binomial(n, rng.uniform(0, 0.4)))
        c = int(rng.binomial(m, rng.uniform(0, 0.2)))
        p = stats.fisher_exact([[a, n - a], [c, m - c]], alternative="greater").pvalue
        cases.append({"treatedFailures": a, "treatedTotal": n, "controlFailures": c,
                      "controlTotal": m, "p": float(p)})
    return cases


def mann_whitney_case(x, y, method):
    res = stats.mannwhitneyu(x, y, alternative="greater", method=method, use_continuity=True)
    return {"first": [float(v) for v in x], "second": [float(v) for v in y],
            "method": "exact" if method == "exact" else "normal",
            "u": float(res.statistic), "p": float(res.pvalue)}


def mann_whitney_cases():
    cases = []
    for _ in range(25):  # small, no ties: exact distribution
        n, m = int(rng.integers(1, 49)), int(rng.integers(1, 49))
        x = np.round(rng.normal(0.3, 1, n), 6)
        y = np.round(rng.normal(0, 1, m), 6)
        if len(set(np.concatenate([x, y]))) == n + m:
            cases.append(mann_whitney_case(x, y, "exact"))
    for _ in range(25):  # ties, normal approximation with tie and continuity correction
        n, m = int(rng.integers(5, 300)), int(rng.integers(5, 300))
        x = rng.poisson(3.3, n).astype(float)
        y = rng.poisson(3.0, m).astype(float)
        cases.append(mann_whitney_case(x, y, "asymptotic"))
    for _ in range(10):  # large, continuous
        n, m = int(rng.integers(50, 600)), int(rng.integers(50, 600))
        x = np.round(rng.lognormal(4.6, 0.25, n) * 1.02, 3)
        y = np.round(rng.lognormal(4.6, 0.25, m), 3)
        cases.append(mann_whitney_case(x, y, "asymptotic"))
    return cases


def hodges_lehmann_cases():
    cases = []
    for _ in range(20):
        n, m = int(rng.integers(1, 60)), int(rng.integers(1, 60))
        x = np.round(rng.normal(1, 2, n), 3)
        y = np.round(rng.normal(0, 2, m), 3)
        shift = float(np.median(np.subtract.outer(x, y)))
        cases.append({"first": x.tolist(), "second": y.tolist(), "shift": shift})
    return cases


def normal_cases():
    xs = [-37.5, -30, -12, -8.25, -6, -3.5, -1.96, -1, -0.3, 0, 0.3, 1, 2.5, 5, 7.5, 9]
    return [{"x": x, "cdf": float(stats.norm.cdf(x)), "upper": float(stats.norm.sf(x))} for x in xs]


vectors = {
    "source": f"SciPy {scipy.__version__} (scipy.stats.fisher_exact, mannwhitneyu, norm)",
    "fisherGreater": fisher_cases(),
    "mannWhitneyGreater": mann_whitney_cases(),
    "hodgesLehmann": hodges_lehmann_cases(),
    "normal": normal_cases(),
}
with open("stat-vectors.json", "w") as out:
    json.dump(vectors, out, indent=1)
    out.write("\n")
