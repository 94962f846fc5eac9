"""What the lockstep harnesses share: lockstep.py (Meulemans et al. 2020, [M]) and lockstep_f.py (Shibuya et
al. 2023, [F]) record the authors' own code into fixtures of one format (FIXTURES.md); this module holds the
parts that do not depend on whose code runs:

- flat, write_fixture, read_fixture, summarize: the fixture file (gzip-compressed JSON, floats via repr);
- pooled: the fixture's 49-dimensional inputs (28x28 images, 4x4 average-pooled, float32);
- FixtureLoader: the fixture samples in minibatches, a recorded shuffle per training pass;
- install_rng_guards: any random draw reached from the authors' code that the harness does not record is
  flagged (the harness then fails);
- main: the command line, one child process per method, and --check-omitted (a rerun with the authors'
  unread parameters set to NaN must leave the recording unchanged).
"""
import argparse
import gzip
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

N_SAMPLES = 40
SEED = 42
POOL = 4  # 28x28 -> 7x7


def flat(a):
    """A numpy array's values, C order, as Python floats (all finite)."""
    values = [float(v) for v in a.ravel(order="C")]
    assert all(math.isfinite(v) for v in values), "non-finite value"
    return values


def pooled(images):
    """N x 28 x 28 (or N x 784) float32 images, 4x4 average-pooled, as N x 49 float32."""
    import torch
    import torch.nn.functional as F
    assert images.dtype == torch.float32, images.dtype
    x = images.reshape(-1, 1, 28, 28)
    return F.avg_pool2d(x, POOL).reshape(x.shape[0], -1)


class FixtureLoader:
    """The 40 fixture samples in minibatches. With a recorder, every pass draws a fresh order from its own
    generator and reports it (rec.start_pass) and the minibatch index (rec.batch) — except while
    rec.evaluating is true, when it yields the samples in their order and reports nothing. Without one it
    always yields them in order. `dataset` is the samples (its len() is n, as for torch's DataLoader)."""

    def __init__(self, x, y, batch_size, rec=None, seed=SEED):
        import torch
        self.x, self.y, self.bs, self.rec = x, y, batch_size, rec
        self.dataset = x
        self.gen = torch.Generator().manual_seed(seed) if rec is not None else None

    def __len__(self):
        return -(-len(self.y) // self.bs)

    def __iter__(self):
        import torch
        n = len(self.y)
        recording = self.rec is not None and not getattr(self.rec, "evaluating", False)
        if not recording:
            order = torch.arange(n)
        else:
            order = torch.randperm(n, generator=self.gen)
            self.rec.start_pass(order.tolist())
        for b, start in enumerate(range(0, n, self.bs)):
            idx = order[start:start + self.bs]
            if recording:
                self.rec.batch = b
            yield self.x[idx], self.y[idx]


RNG_TORCH = ["randn", "rand", "rand_like", "randint", "randint_like", "randperm", "normal", "bernoulli",
             "multinomial", "poisson"]
RNG_TENSOR = ["normal_", "uniform_", "random_", "bernoulli_", "exponential_", "geometric_", "log_normal_",
              "cauchy_"]
RNG_NUMPY = ["rand", "randn", "randint", "normal", "uniform", "permutation", "shuffle", "choice", "random"]
RNG_PY = ["random", "randint", "shuffle", "choice", "uniform", "gauss"]


def install_rng_guards(foreign, repo):
    """Wraps every random-number function of torch, numpy and random: a call reached from a file under
    `repo` (the authors' code) and not made by the harness itself (a file in this folder) is appended to
    `foreign` as "module.function at file:line". The harness replaces the one function it records afterwards.
    Returns the original functions by (owner, name)."""
    import random
    import numpy as np
    import torch

    repo = os.path.abspath(repo) + os.sep
    originals = {}

    def guard(owner, name):
        orig = getattr(owner, name)
        originals[(owner, name)] = orig

        def wrapper(*a, **k):
            f = sys._getframe(1)
            if os.path.dirname(os.path.abspath(f.f_code.co_filename)) != HERE:
                while f is not None:
                    if os.path.abspath(f.f_code.co_filename).startswith(repo):
                        foreign.append("%s.%s at %s:%d" % (getattr(owner, "__name__", owner), name,
                                                           f.f_code.co_filename, f.f_lineno))
                        break
                    f = f.f_back
            return orig(*a, **k)
        setattr(owner, name, wrapper)

    for n in RNG_TORCH:
        guard(torch, n)
    for n in RNG_TENSOR:
        guard(torch.Tensor, n)
    for n in RNG_NUMPY:
        guard(np.random, n)
    for n in RNG_PY:
        guard(random, n)
    return originals


def git_commit(repo):
    return subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------------
# Fixture files
# ---------------------------------------------------------------------------------------------------

def write_fixture(fx, path):
    """Compact JSON (floats via repr, so exact), one top-level key, step or noise draw per line."""
    def dump(v):
        return json.dumps(v, separators=(",", ":"), allow_nan=False)
    lines = []
    for k, v in fx.items():
        if k in ("steps", "noise", "initial", "omitted") and v:
            items = v.items() if isinstance(v, dict) else v
            body = ",\n".join(("  %s:%s" % (dump(i[0]), dump(i[1]))) if isinstance(v, dict) else "  " + dump(i)
                              for i in items)
            open_, close = ("{", "}") if isinstance(v, dict) else ("[", "]")
            lines.append("%s:%s\n%s\n%s" % (dump(k), open_, body, close))
        else:
            lines.append("%s:%s" % (dump(k), dump(v)))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    text = ("{\n" + ",\n".join(lines) + "\n}\n").encode()
    with open(path, "wb") as f:   # gzip with a fixed header (mtime 0): the same run gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as z:
            z.write(text)
    read_fixture(path)  # well-formed


def read_fixture(path):
    """A fixture written by write_fixture (gzip-compressed JSON)."""
    with gzip.open(path, "rt") as f:
        return json.load(f)


def summarize(path, name=None):
    """Size, steps per phase, noise draws, passes, parameter names and omitted parameters of a fixture."""
    fx = read_fixture(path)
    steps = fx["steps"]
    phases = []
    for s in steps:
        tag = "%s%d" % (s["phase"], s["epoch"])
        if not phases or phases[-1][0] != tag:
            phases.append([tag, {"feedback": 0, "forward": 0}])
        phases[-1][1][s["optimizer"]] += 1
    return ("%-15s %7.1f KB  steps %2d  noise %2d  orders %d  %s\n%17s params %s\n%17s omitted %s"
            % (name or fx["method"], os.path.getsize(path) / 1024, len(steps), len(fx["noise"]),
               len(fx["orders"]),
               " ".join("%s(%s)" % (t, "+".join("%d%s" % (n, o[:2]) for o, n in c.items() if n)) for t, c in phases), "", ",".join(fx["initial"]), "",
               ",".join(fx["omitted"]) or "-"))


# ---------------------------------------------------------------------------------------------------
# Command line: one child process per method
# ---------------------------------------------------------------------------------------------------

def main(doc, methods, run_one, check_repo, repo_help, out_help):
    """The command line of a harness. `methods`: the names it records; run_one(method, repo, mnist, work,
    out_path, nan_omitted) records one method in this process (the child); check_repo(repo) returns an
    error text or None."""
    script = os.path.abspath(sys.modules["__main__"].__file__)
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--repo", required=True, help=repo_help)
    p.add_argument("--mnist", required=True, help="folder with the MNIST raw IDX files")
    p.add_argument("--out", required=True, help=out_help)
    p.add_argument("--methods", default=",".join(methods), help="comma-separated (default: all)")
    p.add_argument("--work", default="/tmp/lockstep-work")
    p.add_argument("--check-omitted", action="store_true",
                   help="rerun with the unread omitted parameters set to NaN; fail unless the trajectory is unchanged")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--nan-omitted", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()

    repo = os.path.abspath(a.repo)
    problem = check_repo(repo)
    if problem:
        sys.exit("error: " + problem)
    for f in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        if not os.path.isfile(os.path.join(a.mnist, f)):
            sys.exit("error: %s missing in %s (run bin/fetch-data mnist)" % (f, a.mnist))
    chosen = [m for m in a.methods.split(",") if m]
    unknown = [m for m in chosen if m not in methods]
    if unknown:
        sys.exit("error: unknown methods %s; known: %s" % (unknown, ",".join(methods)))

    if a.one:
        run_one(a.one, repo, a.mnist, a.work, a.out, a.nan_omitted)
        return

    mnist, work, out = (os.path.abspath(v) for v in (a.mnist, a.work, a.out))
    failed = []
    for m in chosen:
        path = os.path.join(out, m + ".json.gz")
        runs = [(path, [])]
        if a.check_omitted:
            runs.append((os.path.join(work, m + ".nan.json.gz"), ["--nan-omitted"]))
        for target, extra in runs:
            cmd = [sys.executable, script, "--repo", repo, "--mnist", mnist, "--work", work,
                   "--out", target, "--one", m] + extra
            log = os.path.join(work, m + (".nan" if extra else "") + ".log")
            os.makedirs(work, exist_ok=True)
            with open(log, "w") as f:
                rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode
            if rc != 0:
                tail = open(log).read().strip().splitlines()[-1:]
                print("%s: FAILED (%s) %s" % (m, log, tail[0] if tail else ""))
                failed.append(m)
                break
        else:
            print(summarize(path, m))
            if a.check_omitted:
                x, y = read_fixture(runs[0][0]), read_fixture(runs[1][0])
                same = all(x[k] == y[k] for k in ("initial", "steps", "noise", "orders"))
                print("%17s omitted parameters set to NaN: trajectory %s" % ("", "unchanged" if same else "CHANGED"))
                if not same:
                    failed.append(m)
    if failed:
        sys.exit("failed: " + ",".join(failed))
