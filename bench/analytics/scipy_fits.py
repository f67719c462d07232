"""Reference fits with numpy/scipy in the `lifetimes` formulation, timed; spawned by churn-holdout.ts.

Reads JSON on stdin: {"rows": [[x, t_x, T, monetary, weight], ...], "starts": {model: [...]}, "repeat": 3}
and prints JSON: {model: {method: {"seconds": median, "params": [...], "nll": value, "iterations": n}}}.
Identical customers are grouped on the JavaScript side and passed with weights (lifetimes' `weights`).
Parameters are fitted on their logarithms, as lifetimes does; L-BFGS-B gets bounds of ±30 and scipy's
default finite-difference gradient (lifetimes passes no gradient).
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1, logsumexp

data = json.load(sys.stdin)
rows = np.array(data["rows"], dtype=float)
x, tx, T, m, w = rows.T
n = w.sum()
repeat = int(data.get("repeat", 3))


def bg_nbd(log_params):
    r, alpha, a, b = np.exp(log_params)
    A_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A_2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A_3 = -(r + x) * np.log(alpha + T)
    A_4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + tx)
    ll = A_1 + A_2 + np.logaddexp(A_3, np.where(x > 0, A_4, -np.inf))
    return -(w * ll).sum() / n


def modified_bg_nbd(log_params):
    r, alpha, a, b = np.exp(log_params)
    A_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A_2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    A_3 = -(r + x) * np.log(alpha + T)
    A_4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
    ll = A_1 + A_2 + A_3 + np.logaddexp(A_4, 0)
    return -(w * ll).sum() / n


def pareto_nbd(log_params):
    r, alpha, s, beta = np.exp(log_params)
    if alpha < beta:
        low, high, t = alpha, beta, r + x
    else:
        low, high, t = beta, alpha, s + 1
    rsx = r + s + x
    p_1 = hyp2f1(rsx, t, rsx + 1.0, (high - low) / (high + tx))
    q_1 = high + tx
    p_2 = hyp2f1(rsx, t, rsx + 1.0, (high - low) / (high + T))
    q_2 = high + T
    with np.errstate(divide="ignore", invalid="ignore"):
        log_A_0 = logsumexp([np.log(p_1) + rsx * np.log(q_2), np.log(p_2) + rsx * np.log(q_1)], axis=0, b=[np.ones_like(x), -np.ones_like(x)]) - rsx * np.log(q_1 * q_2)
    A_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    A_2 = np.logaddexp(-(r + x) * np.log(alpha + T) - s * np.log(beta + T), np.log(s) + log_A_0 - np.log(rsx))
    ll = A_1 + A_2
    value = -(w * ll).sum() / n
    return value if np.isfinite(value) else np.inf


spend = (x > 0) & (m > 0)
gx, gm, gw = x[spend], m[spend], w[spend]


def gamma_gamma(log_params):
    p, q, v = np.exp(log_params)
    ll = gammaln(p * gx + q) - gammaln(p * gx) - gammaln(q) + q * np.log(v) + (p * gx - 1) * np.log(gm) + p * gx * np.log(gx) - (p * gx + q) * np.log(gx * gm + v)
    return -(gw * ll).sum() / gw.sum()


models = {"bg-nbd": bg_nbd, "modified-bg-nbd": modified_bg_nbd, "pareto-nbd": pareto_nbd, "gamma-gamma": gamma_gamma}
out = {}
for name, f in models.items():
    start = np.log(np.array(data["starts"][name], dtype=float))
    out[name] = {}
    for method in ("Nelder-Mead", "L-BFGS-B"):
        times = []
        for _ in range(repeat):
            begin = time.perf_counter()
            if method == "Nelder-Mead":
                res = minimize(f, start, method=method, tol=1e-7, options={"maxiter": 20000, "maxfev": 40000})
            else:
                res = minimize(f, start, method=method, bounds=[(-30, 30)] * len(start))
            times.append(time.perf_counter() - begin)
        times.sort()
        out[name][method] = {"seconds": times[len(times) // 2], "params": np.exp(res.x).tolist(), "nll": float(res.fun) * (gw.sum() if name == "gamma-gamma" else n), "iterations": int(res.nit), "evaluations": int(res.nfev), "success": bool(res.success)}
json.dump(out, sys.stdout)
