#!/usr/bin/env python3
"""Least squares (statsmodels OLS, HC1 standard errors) as an external
estimator for `redress bias` on a textbook-mode scenario:

    redress bias textbook-selection --reps 200 \\
      --external "python3 examples/external/ols.py {data}" --external-name ols_py

It reads one replication's observed data (a CSV file named by its
argument, else standard input) and prints on standard output the JSON
redress reads back, for the three textbook estimands:

- beta_x1: the coefficient of x1 in satisfaction ~ x1 + x2 over the
  contacted rows (where satisfaction is observed);
- mean_satisfaction_given_x: the mean over all rows of x'b from that
  fit, with its delta-method SE sqrt(xbar' V xbar);
- ate_contact_outcome: the coefficient of contacted in
  outcome ~ contacted + x1 + x2 over all rows.

Needs pandas and statsmodels. Messages go to standard error; a failure
is an error exit, which redress records as a failed replication.
"""
import json
import sys

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else sys.stdin
    d = pd.read_csv(src)
    sel = d[d["contacted"] == 1]
    fit = smf.ols("satisfaction ~ x1 + x2", data=sel).fit(cov_type="HC1")
    xbar = np.array([1.0, d["x1"].mean(), d["x2"].mean()])
    b = fit.params[["Intercept", "x1", "x2"]].to_numpy()
    V = fit.cov_params().loc[["Intercept", "x1", "x2"], ["Intercept", "x1", "x2"]].to_numpy()
    ate = smf.ols("outcome ~ contacted + x1 + x2", data=d).fit(cov_type="HC1")
    est = {
        "beta_x1": {"estimate": fit.params["x1"], "se": fit.bse["x1"]},
        "mean_satisfaction_given_x": {"estimate": xbar @ b, "se": np.sqrt(xbar @ V @ xbar)},
        "ate_contact_outcome": {"estimate": ate.params["contacted"], "se": ate.bse["contacted"]},
    }
    est = {k: {f: float(x) for f, x in v.items()} for k, v in est.items()}
    # allow_nan=False: a NaN is an error exit, not invalid JSON.
    json.dump({"estimates": est}, sys.stdout, allow_nan=False)
    print()


if __name__ == "__main__":
    main()
