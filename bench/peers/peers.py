#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""adonis against a Python peer, in one invocation (issue 20, item 6; docs/performance.md, "Peers").

Two workloads, each run by adonis and by numpy/scipy on this machine, interleaved, medians of
the repetitions, and the ratio peer / adonis:

1. One gossip round X <- W X: W the Metropolis weights of the 32x32 torus (w_ij = 1 / (1 +
   max(d_i, d_j)) on the edges, the diagonal the rest), X a dense 1024 x 1000 float64 matrix.
   adonis: the median of bench_sync's `gossip_round_torus32x32_d1000/library`
   (bench/micro/bench_sync.cpp). Peer: `W @ X` with W a scipy.sparse CSR matrix, timed with
   time.perf_counter in batches of about 0.5 s (per-round mean of a batch, like a Google
   Benchmark repetition), the result fed back as the next X.

2. Gradient tracking (DIGing) for 20000 rounds: logistic regression on heart_scale (270 x 13,
   labels +-1, lambda = 0.01), 10 nodes on a ring, 27 consecutive rows of the file per node
   (adonis `--partition contiguous`, which is also how Network-Distributed-Algorithm splits the
   rows of a data set when it does not shuffle), Metropolis W (1/3 everywhere), X_0 = 0, the
   step of adonis's default rule alpha = min{(1 - rho(W))/2, (1 + lambda_min(W))^2/4} / L_max
   computed here and passed to adonis with --step, so that both run the same iteration.
   The peer follows the formulation of Network-Distributed-Algorithm
   (github.com/liboyue/Network-Distributed-Algorithm, read at commit 7f661e9): the iteration of
   `DGD_tracking.init` / `DGD_tracking.update` in nda/optimizers/decentralized_distributed/
   DGD_tracking.py (x is dim x n_agent and mixes as x.dot(W); s = grad(x_0) initially;
   x <- x W - eta s, s <- s W + grad(x_new) - grad(x_old)), the local gradients of
   `LogisticRegression.grad_h` for a dim x n_agent argument (nda/problems/logistic_regression.py:
   labels in {0, 1}, sigmoid of einsum('ijk,ki->ij', X, w), einsum('ikj,ik->ji', X, .) / m +
   lambda w) and, for "objective every round", the metric of `Optimizer.optimize` /
   `Optimizer.save_metrics` (nda/optimizers/optimizer.py): f at the nodes' mean after every
   round, f(w) = -sum((y - 1) Xw - log1p(exp(-Xw))) / N + lambda/2 ||w||^2, as
   `LogisticRegression.h` writes it. The iteration is written out here in numpy (nothing is
   imported or downloaded from that project). Left out: NDA's data preprocessing for LIBSVM
   files (a column of ones, the rows scaled by ||X||_2 / (2 sqrt(N))) so that both sides solve
   adonis's `logistic:heart_scale:0.01`, its bookkeeping (n_grads, comm_rounds, metric lists)
   and its stopping test (early_stopping=True evaluates the full gradient at the mean every
   round and would stop this run at round 6581, where it falls below 1e-6; the run here is that
   of early_stopping=False). W is given to DGD_tracking as its W argument (NDA's own
   generate_mixing_matrix solves the fastest-mixing SDP with cvxpy; here Metropolis, as adonis).
   adonis: `adonis run --algorithm gradient-tracking` (with `--threads 1` when the build has
   that option, like the single-threaded peer) timed as a whole process (start-up, data,
   reference solution included) with its default trace (log-spaced rows), with `--every 1`
   (every round, as the peer's metric) and with `--every 1000000` (two rows: no objective in the
   loop). The peer is timed for the loop alone (data loaded beforehand), with and without the
   objective every round.

Before timing, the iterates are checked: adonis's trace (f(x_bar) - f*, (1/n) sum ||x_i -
x_bar||^2, ||x_bar - x*|| at its recorded rounds) against the same quantities of the numpy
iterates (x* by Newton's method here). Any difference above --tolerance exits with status 1.

Exit status: 0 (done, or skipped because numpy/scipy are missing: one line says so), 1 (the
results of the two sides differ), 2 (a binary or the data is missing, or adonis failed).

Run from anywhere: python3 bench/peers/peers.py [--adonis PATH] [--bench-sync PATH] [-r N]
(defaults: build/release/bench/adonis and build/release/bench/bench_sync under the repository
root). When the interpreter running this script lacks numpy/scipy but /usr/bin/python3 (where
Debian's python3-numpy and python3-scipy install) has them, the script re-runs itself with it.
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"

NODES, ROUNDS, LAMBDA = 10, 20000, 0.01
TORUS, GOSSIP_DIM = 32, 1000
GOSSIP_BENCH = "gossip_round_torus32x32_d1000/library"


def import_numeric():
    """numpy and scipy.sparse, or a re-run under the system interpreter, or a clean skip."""
    try:
        import numpy
        import scipy
        import scipy.sparse
        return numpy, scipy
    except ImportError:
        pass
    if (os.environ.get("ADONIS_PEERS_REEXEC") is None and os.path.exists(SYSTEM_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON)):
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import numpy, scipy.sparse"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            env = dict(os.environ, ADONIS_PEERS_REEXEC="1")
            os.execve(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:], env)
    print("peers: skipped: python3-numpy/python3-scipy not installed")
    sys.exit(0)


def fail(status, message):
    print(f"peers: error: {message}", file=sys.stderr)
    sys.exit(status)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--adonis", default=str(ROOT / "build/release/bench/adonis"), help="the adonis CLI")
    ap.add_argument("--bench-sync", default=str(ROOT / "build/release/bench/bench_sync"),
                    help="the bench_sync Google Benchmark binary")
    ap.add_argument("--data", default=str(ROOT / "problems/data/heart_scale"), help="heart_scale (LIBSVM)")
    ap.add_argument("-r", "--repetitions", type=int, default=5,
                    help="repetitions of each gradient-tracking run (default 5)")
    ap.add_argument("--gossip-repetitions", type=int, default=10,
                    help="repetitions of each gossip measurement, about 0.5 s each (default 10)")
    ap.add_argument("--tolerance", type=float, default=1e-10,
                    help="largest accepted difference between the two sides' trace quantities")
    ap.add_argument("--pin", type=int, metavar="CPU",
                    help="run this script and the binaries it starts on that CPU only (like taskset -c CPU)")
    ap.add_argument("--seed", type=int, default=1, help="order of the interleaved repetitions")
    return ap.parse_args()


# ------------------------------------------------------------------------------------- data

def read_libsvm(np, path):
    labels, rows, width = [], [], 0
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            labels.append(float(line[0]))
            row = {int(k): float(v) for k, v in (t.split(":") for t in line[1:])}
            width = max([width] + list(row))
            rows.append(row)
    a = np.zeros((len(rows), width))
    for i, row in enumerate(rows):
        for k, v in row.items():
            a[i, k - 1] = v
    return a, np.array(labels)


def metropolis(sp, np, n, edges):
    """w_ij = 1/(1 + max(d_i, d_j)); the diagonal 1 minus the row's edge weights, subtracted in turn."""
    deg = np.zeros(n, dtype=int)
    for u, v in edges:
        deg[u] += 1
        deg[v] += 1
    rows, cols, vals, diag = [], [], [], [1.0] * n
    for u, v in edges:
        w = 1.0 / (1.0 + max(deg[u], deg[v]))
        rows += [u, v]
        cols += [v, u]
        vals += [w, w]
        diag[u] -= w
        diag[v] -= w
    rows += list(range(n))
    cols += list(range(n))
    vals += diag
    w = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    w.sort_indices()
    return w


def ring_edges(n):
    return [(i, (i + 1) % n) for i in range(n)]


def torus_edges(r, c):
    return [e for i in range(r) for j in range(c)
            for e in ((i * c + j, i * c + (j + 1) % c), (i * c + j, ((i + 1) % r) * c + j))]


# ------------------------------------------------------------- gradient tracking (the peer)

class LocalLogistic:
    """Per-node logistic regression in Network-Distributed-Algorithm's layout: X (n, m, d),
    labels in {0, 1}, iterates d x n (one column per node)."""

    def __init__(self, np, a, y_pm, n, lam):
        self.np, self.lam = np, lam
        self.N, self.d = a.shape
        self.m = self.N // n
        self.A = a
        self.Y01 = (y_pm > 0).astype(float)
        self.X = a.reshape(n, self.m, self.d)       # node i: rows i*m .. (i+1)*m - 1 of the file
        self.Y = self.Y01.reshape(n, self.m)

    def grad(self, w):                              # w: d x n -> d x n, node i's gradient at w[:, i]
        np = self.np
        tmp = 1 / (1 + np.exp(-np.einsum("ijk,ki->ij", self.X, w))) - self.Y
        return np.einsum("ikj,ik->ji", self.X, tmp) / self.m + w * self.lam

    def f(self, w):                                 # the global f at one vector w
        np = self.np
        tmp = self.A.dot(w)
        return -np.sum((self.Y01 - 1) * tmp - np.log1p(np.exp(-tmp))) / self.N + np.sum(w ** 2) * self.lam / 2

    def minimizer(self):
        """x* by Newton's method from 0 (the iterate with the smallest gradient)."""
        np = self.np
        x, best, best_norm = np.zeros(self.d), None, math.inf
        for _ in range(100):
            p = 1 / (1 + np.exp(-self.A.dot(x)))
            g = self.A.T.dot(p - self.Y01) / self.N + self.lam * x
            gn = np.linalg.norm(g)
            if gn >= best_norm:
                break
            best, best_norm = x.copy(), gn
            h = (self.A.T * (p * (1 - p))).dot(self.A) / self.N + self.lam * np.eye(self.d)
            x = x - np.linalg.solve(h, g)
        return best


def gradient_tracking(prob, w, eta, rounds, objective_every_round, snapshots=None):
    """DGD_tracking.init / update with Optimizer.optimize's per-round metric (see the docstring)."""
    x = prob.np.zeros((prob.d, w.shape[0]))
    s = prob.grad(x)
    grad_last = s.copy()
    values = [prob.f(x.mean(axis=1))] if objective_every_round else None
    saved = {0: x.copy()} if snapshots is not None and 0 in snapshots else {}
    for t in range(1, rounds + 1):
        x = x.dot(w) - eta * s
        grad_current = prob.grad(x)
        s = s.dot(w) + grad_current - grad_last
        grad_last = grad_current
        if objective_every_round:
            values.append(prob.f(x.mean(axis=1)))
        if snapshots is not None and t in snapshots:
            saved[t] = x.copy()
    return x, values, saved


def default_step(np, w_dense, prob):
    """adonis's default rule for gradient tracking: min{(1 - rho)/2, (1 + lambda_min)^2/4} / L_max."""
    eig = np.sort(np.linalg.eigvalsh(w_dense))
    rho = max(abs(eig[0]), abs(eig[-2]))
    l_max = max(np.linalg.eigvalsh(xi.T.dot(xi) / (4 * prob.m))[-1] for xi in prob.X) + prob.lam
    return min((1 - rho) / 2, (1 + eig[0]) ** 2 / 4) / l_max


# ----------------------------------------------------------------------------------- adonis

def adonis_gt_command(args, step, extra, rounds=ROUNDS):
    if args.one_thread:
        extra = ["--threads", "1"] + extra
    return [args.adonis, "run", "--algorithm", "gradient-tracking", "--graph", f"ring:{NODES}",
            "--problem", f"logistic:{Path(args.data).name}:{LAMBDA}", "--partition", "contiguous",
            "--mixing", "metropolis", "--start", "zero", "--iterations", str(rounds),
            "--step", repr(step)] + extra


def run_checked(cmd, env):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if r.returncode != 0:
        fail(2, f"{' '.join(cmd)} exited with status {r.returncode}: {r.stderr.strip()}")
    return r


def timed_process(cmd, env):
    t0 = time.perf_counter()
    run_checked(cmd, env)
    return time.perf_counter() - t0


def bench_sync_once(args, tmpdir):
    out = os.path.join(tmpdir, "bench_sync.json")
    cmd = [args.bench_sync, f"--benchmark_filter=^{GOSSIP_BENCH}$", "--benchmark_repetitions=1",
           f"--benchmark_out={out}", "--benchmark_out_format=json"]
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        fail(2, f"{' '.join(cmd)} exited with status {r.returncode}: {r.stderr.strip()}")
    with open(out) as f:
        runs = [b for b in json.load(f)["benchmarks"]
                if b["name"] == GOSSIP_BENCH and b.get("run_type", "iteration") == "iteration"]
    if not runs:
        fail(2, f"{args.bench_sync} has no benchmark {GOSSIP_BENCH}")
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[runs[0]["time_unit"]]
    return [b["real_time"] * scale for b in runs]


# ------------------------------------------------------------------------------------ report

def fmt_time(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def machine_line(np, scipy):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "?"
    try:
        with open("/proc/self/maps") as f:
            libs = {os.path.basename(l.split()[-1]) for l in f
                    if "blas" in l.lower() and os.path.basename(l.split()[-1]).startswith("lib")}
        blas = ", ".join(sorted(libs)) or "none loaded"
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{date}; nproc {os.cpu_count()} (this process may use {affinity}); {cpu}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}; BLAS: {blas}")


def main():
    args = parse_args()
    np, scipy = import_numeric()
    import scipy.sparse as sp

    for path, what in ((args.adonis, "--adonis"), (args.bench_sync, "--bench-sync")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            fail(2, f"{what}: no executable at {path} (build it: ./adonis build)")
    if not os.path.isfile(args.data) or ":" in Path(args.data).name:
        fail(2, f"--data: no file {args.data} (or a ':' in its name)")
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})   # inherited by the binaries started below
    env = dict(os.environ, ADONIS_DATA_DIR=str(Path(args.data).resolve().parent))
    # Builds with the round pool (core/parallel.hpp) have `run --threads`: one thread, like the peer.
    args.one_thread = "--threads" in run_checked([args.adonis, "run", "--help"], env).stdout
    rng = random.Random(args.seed)

    # ---- gradient tracking: problem, step, the check of the iterates
    a, y = read_libsvm(np, args.data)
    if a.shape[0] % NODES:
        fail(2, f"{args.data}: {a.shape[0]} rows do not split into {NODES} equal blocks")
    prob = LocalLogistic(np, a, y, NODES, LAMBDA)
    w_ring = metropolis(sp, np, NODES, ring_edges(NODES)).toarray()
    step = default_step(np, w_ring, prob)
    x_star = prob.minimizer()
    f_star = prob.f(x_star)

    with tempfile.TemporaryDirectory(prefix="adonis-peers-") as tmpdir:
        trace_csv = os.path.join(tmpdir, "trace.csv")
        run_checked(adonis_gt_command(args, step, ["--csv", trace_csv]), env)
        with open(trace_csv) as f:
            trace = [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]
        rounds = {int(r["round"]) for r in trace}
        _, values, saved = gradient_tracking(prob, w_ring, step, ROUNDS, True, snapshots=rounds)
        diff_f = diff_dist = diff_cons = 0.0
        for r in trace:
            t = int(r["round"])
            x = saved[t]
            xbar = x.mean(axis=1)
            diff_f = max(diff_f, abs((values[t] - f_star) - r["suboptimality"]))
            diff_dist = max(diff_dist, abs(np.linalg.norm(xbar - x_star) - r["distance_to_opt"]))
            cons = np.sum((x - xbar[:, None]) ** 2) / NODES
            diff_cons = max(diff_cons, abs(math.sqrt(cons) - math.sqrt(max(r["consensus_error"], 0.0))))
        matched = max(diff_f, diff_dist, diff_cons) <= args.tolerance
        print(f"adonis against a Python peer: medians of {args.gossip_repetitions} (gossip) and "
              f"{args.repetitions} (GT) interleaved repetitions")
        print(f"GT = gradient tracking, logistic:heart_scale:{LAMBDA}, ring:{NODES} (Metropolis), contiguous "
              f"partition, {ROUNDS} rounds, step {step!r}{', adonis --threads 1' if args.one_thread else ''}; "
              f"peer: Network-Distributed-Algorithm's DGD_tracking in numpy")
        print(f"check of the iterates at adonis's {len(trace)} recorded rounds (max |difference|): "
              f"f(x_bar) - f* {diff_f:.1e}, ||x_bar - x*|| {diff_dist:.1e}, "
              f"sqrt((1/n) sum ||x_i - x_bar||^2) {diff_cons:.1e} (tolerance {args.tolerance:g}): "
              f"{'match' if matched else 'MISMATCH'}", flush=True)
        if not matched:
            fail(1, "adonis and the numpy peer do not compute the same gradient-tracking iterates")

        # ---- gradient tracking: timings, interleaved
        gt = {k: [] for k in ("adonis_every1", "adonis_default", "adonis_bare", "peer_every", "peer_bare")}
        for _ in range(args.repetitions):
            order = list(gt)
            rng.shuffle(order)
            for k in order:
                if k == "adonis_every1":
                    gt[k].append(timed_process(adonis_gt_command(args, step, ["--every", "1"]), env))
                elif k == "adonis_default":
                    gt[k].append(timed_process(adonis_gt_command(args, step, []), env))
                elif k == "adonis_bare":
                    gt[k].append(timed_process(adonis_gt_command(args, step, ["--every", "1000000"]), env))
                else:
                    t0 = time.perf_counter()
                    gradient_tracking(prob, w_ring, step, ROUNDS, k == "peer_every")
                    gt[k].append(time.perf_counter() - t0)
        startup = statistics.median(timed_process(adonis_gt_command(args, step, [], rounds=1), env)
                                    for _ in range(3))

        # ---- gossip round: bench_sync's median against scipy.sparse CSR @ dense, interleaved
        w_torus = metropolis(sp, np, TORUS * TORUS, torus_edges(TORUS, TORUS))
        if w_torus.nnz != 5 * TORUS * TORUS or abs(w_torus.sum(axis=1) - 1).max() > 1e-15:
            fail(2, "the torus's Metropolis matrix is not what it should be")
        x = np.random.default_rng(1).standard_normal((TORUS * TORUS, GOSSIP_DIM))
        for _ in range(3):
            x = w_torus @ x                      # warm-up
        calls, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 0.2:
            x = w_torus @ x
            calls += 1
        batch = max(1, int(calls * 0.5 / (time.perf_counter() - t0)))
        gossip = {"adonis": [], "peer": []}
        for _ in range(args.gossip_repetitions):
            order = list(gossip)
            rng.shuffle(order)
            for k in order:
                if k == "adonis":
                    gossip[k] += bench_sync_once(args, tmpdir)
                else:
                    t0 = time.perf_counter()
                    for _ in range(batch):
                        x = w_torus @ x
                    gossip[k].append((time.perf_counter() - t0) / batch)

    med = {k: statistics.median(v) for k, v in list(gt.items()) + [("g_" + k, v) for k, v in gossip.items()]}
    rows = [
        (f"gossip round X <- W X, 32x32 torus, d = {GOSSIP_DIM}", "bench_sync", med["g_adonis"], "scipy CSR @ X",
         med["g_peer"]),
        ("GT, objective every round", "--every 1", med["adonis_every1"], "f every round", med["peer_every"]),
        ("GT, adonis default trace", f"{len(trace)} rows", med["adonis_default"], "f every round", med["peer_every"]),
        ("GT, no objective in the loop", "--every 1e6", med["adonis_bare"], "no f", med["peer_bare"]),
    ]
    print(f"{'workload':<44} {'adonis':>22} {'peer':>24} {'peer/adonis':>12}")
    for name, a_what, a_t, p_what, p_t in rows:
        print(f"{name:<44} {fmt_time(a_t):>9} ({a_what:>10}) {fmt_time(p_t):>9} ({p_what:>12}) {p_t / a_t:>12.1f}")
    print(f"adonis GT times are whole processes; its start-up alone (--iterations 1) takes {fmt_time(startup)}")
    pin = f"; pinned to CPU {args.pin}" if args.pin is not None else ""
    print(f"machine: {machine_line(np, scipy)}{pin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
