"""Lockstep fixtures from the FW-DTP authors' own code (Shibuya et al. 2023, [F]), run by hand, never by CI.

For each method this runs [F]'s code/Main.py unchanged — its argument parser, set_params, make_MNIST and
its tp_net / bp_net builders — on a tiny network (49-8-8-8-10, batch 16, 40 MNIST samples, torch's default
dtype float64) for two epochs, and records, in the format of FIXTURES.md: the data, the initial parameters,
every training pass's sample order, every feedback noise draw and every parameter after every step, in
tp-sweep's names and layouts. Only tp_net.train / bp_net.train are wrapped, to swap in the fixture's loaders
and install the recorders; then [F]'s own training function runs as is (epoch 0 of its TP family only
evaluates; evaluation never steps). What counts as one step (what tp-sweep's trainer reports):

- feedback: each tp_layer.update_backward call, i.e. one layer's SGD step inside train_back_weights, which
  runs one forward pass and then the layers L..2 in turn, each with its own fresh noise;
- forward: each tp_net.update_weights / bp_net.update_weights call (all layers of one minibatch; [F]'s
  tp_net updates them one after another from the same forward pass, which is one simultaneous step).

Noise: [F] draws torch.normal(0, std, size=...). The harness replaces torch.normal by std * randn(size) and
records the standard-normal part, so the replay's σ·ε is bit for bit the value [F]'s code adds.

    /usr/bin/python3 tools/reference/lockstep_f.py --repo /tmp/authors-f --mnist data/mnist \
        --out common/src/test/resources/lockstep [--methods dtp-f,fw-dtp-bn] [--check-omitted]

Each method runs in its own process. Every run checks that each of [F]'s weight tensors is mapped or
listed under "omitted" (unread and unchanged, or an identity matrix that must stay one), that a feedback
step changes only the Q_i of its layer and a forward step only the W_i, that fixed feedback never moves,
that each feedback step follows the noise draws of its loss (DTP, DRL: one; L-DRL: two) and a forward step
none, that every training pass steps (passes [F] makes over the training loader without any step —
fw-dtp's "pre-training" of feedback it cannot train — are left out and counted in "skipped_passes") and
that no other random draw is reached from [F]'s code. --check-omitted also reruns every method with the
unread omitted tensors set to NaN and fails unless the recording is unchanged.

bp-f-fixed and fa-f-fixed are not [F]'s code as published: there, bp_net.update_weights builds ∇W_i
(i ≥ 2) from the pre-activation a_{i-1} instead of h_{i-1} (fa_bp_preact_bug, ALGORITHMS.md §3b); these two
run that function with only that expression substituted (at run time, "authors_patch" in the fixture) to
check everything else of bp-f and fa-f.
"""
import inspect
import os
import sys
import textwrap

sys.dont_write_bytecode = True  # no __pycache__ in the project or the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lockstep_common import (HERE, N_SAMPLES, FixtureLoader, flat, git_commit,  # noqa: E402
                             install_rng_guards, main as harness_main, pooled, write_fixture)

DEPTH = 4           # [F]'s depth = number of weight layers L
WIDTHS = [49, 8, 8, 8, 10]
BATCH = 16
EPOCHS = 2
K = 2               # epochs_backward

# [F]'s bp_net.py: the gradient of W_i (i >= 2) reads a_{i-1}; the -fixed fixtures read h_{i-1} instead
PREACT = "self.layers[d - 1].linear_activation if d >= 1"
FIXED = "self.layers[d - 1].activation if d >= 1"

# fixture name -> tp-sweep method, [F]'s --algorithm, [F]'s other arguments; hyperparameters are tp-sweep's
# keys next to [F]'s: lr = learning_rate, lr_fb = learning_rate_backward, sigma = std_backward,
# target_stepsize = stepsize, epochs_backward = epochs_backward
TP_RATES = {"learning_rate": 0.1, "learning_rate_backward": 0.05, "std_backward": 0.1, "stepsize": 0.1}
METHODS = {
    "bp-f": dict(method="bp", algorithm="BP", args={"learning_rate": 0.1}),
    "fa-f": dict(method="fa", algorithm="FA", args={"learning_rate": 0.1}),
    "bp-f-fixed": dict(method="bp", algorithm="BP", args={"learning_rate": 0.1}, patch=True),
    "fa-f-fixed": dict(method="fa", algorithm="FA", args={"learning_rate": 0.1}, patch=True),
    "dtp-f": dict(method="dtp", algorithm="DTP", args=TP_RATES),
    # [F]'s DRL and L-DRL feedback losses (--loss_feedback) on its DTP network
    "drl-f": dict(method="dtp-drl", algorithm="DTP", args=dict(TP_RATES, loss_feedback="DRL"),
                  hyper={"drl_target": "clean", "diff_term_grad": False, "inv_sigma2_scale": False}),
    "l-drl-f": dict(method="l-drl-f", algorithm="DTP", args=dict(TP_RATES, loss_feedback="L-DRL")),
    "tp-f": dict(method="tp", algorithm="TP", args=TP_RATES),
    "fw-dtp": dict(method="fw-dtp", algorithm="FWDTP", args={"learning_rate": 0.1, "stepsize": 0.5}),
    # [F]'s init option uniform-1: U(-0.1, 0.1) feedback, whose hidden targets move W_1 (with the default
    # U(-1e-3, 1e-3) they are so small that W_1 moves by ~1e-9 of its size in two epochs)
    "fw-dtp-uniform-1": dict(method="fw-dtp", algorithm="FWDTP",
                             args={"learning_rate": 0.1, "stepsize": 0.5, "backward_function_1_init": "uniform-1"}),
    "fw-dtp-bn-linear": dict(method="fw-dtp-bn", algorithm="FWDTP-BN",
                             args={"learning_rate": 0.1, "stepsize": 0.04, "forward_last_activation": "linear"}),
    # the README of [F]'s code: MNIST, linear-BN, lr 0.1, stepsize 0.04
    "fw-dtp-bn": dict(method="fw-dtp-bn", algorithm="FWDTP-BN",
                      args={"learning_rate": 0.1, "stepsize": 0.04, "forward_last_activation": "linear-BN"}),
}

# noise draws per layer's feedback step, by [F]'s --loss_feedback (tp_net.py train_back_weights): DTP and DRL
# perturb h_{i-1}; L-DRL perturbs h_{i-1} (dx) and then f_i(h_{i-1}) (dy)
NOISE_PER_LAYER = {"DTP": 1, "DRL": 1, "L-DRL": 2}


def fixed_feedback_bound(init):
    """a of [F]'s fixed feedback U(-a, a) for its --backward_function_1_init (my_functions.py random_function:
    "uniform" is U(-1e-3, 1e-3), "uniform-k" U(-10^-k, 10^-k))."""
    if init == "uniform":
        return 1e-3
    if init.startswith("uniform-") and "sparse" not in init:
        return 10 ** (-float(init.split("-")[1]))
    raise SystemExit("error: fixed feedback init %r is not U(-a, a)" % init)


def authors_argv(spec):
    """The command line of [F]'s Main.py for a fixture (K only for the TP family, which reads it)."""
    args = dict(algorithm=spec["algorithm"], dataset="MNIST", depth=DEPTH, in_dim=WIDTHS[0], hid_dim=WIDTHS[1],
                out_dim=WIDTHS[-1], batch_size=BATCH, epochs=EPOCHS)
    if spec["method"] not in ("bp", "fa"):
        args["epochs_backward"] = K
    args.update(spec["args"])
    return ["Main.py"] + ["--%s=%s" % (k, v) for k, v in args.items()]


# ---------------------------------------------------------------------------------------------------
# Parameter mapping: [F]'s tensors -> tp-sweep names and layouts. [F]'s weights are replaced by new tensors
# at every update, so each entry reads its tensor through a getter: (name, getter, fixed?).
# Every [F] weight is (out x in) as in torch; tp-sweep's W_i, Q_i, B_i are its transpose.
# ---------------------------------------------------------------------------------------------------

def _attr(obj, name):
    return lambda: getattr(obj, name)


def parameter_map(net, family, method):
    """Mapped [(name, getter, fixed)], omitted [(label, getter, reason, must_stay_identity)]."""
    mapped, omitted = [], []
    L = len(net.layers)
    if family == "bp":
        for k, layer in enumerate(net.layers):
            mapped.append(("W%d" % (k + 1), _attr(layer, "weight"), False))
        for k, layer in enumerate(net.layers):
            if method == "fa" and k >= 1:
                # g = g @ fixed_weight maps layer k+1's error back to layer k: B_{k+1} (n_k x n_{k+1})
                mapped.append(("B%d" % (k + 1), _attr(layer, "fixed_weight"), True))
            elif method == "fa":
                omitted.append(("layers[0].fixed_weight", _attr(layer, "fixed_weight"),
                                "layer 1's FA matrix: bp_net.update_weights multiplies by it after the last "
                                "gradient (d = 0) and discards the product", False))
            else:
                omitted.append(("layers[%d].fixed_weight" % k, _attr(layer, "fixed_weight"),
                                "FA's matrix, drawn for every layer, read only by algorithm FA", False))
        return mapped, omitted
    for k, layer in enumerate(net.layers):
        mapped.append(("W%d" % (k + 1), _attr(layer.forward_function_2, "weight"), False))
    for k, layer in enumerate(net.layers):
        fb = layer.backward_function_1
        if k >= 1:
            mapped.append(("Q%d" % (k + 1), _attr(fb, "weight"), not net.back_trainable))
        else:
            omitted.append(("layers[0].backward_function_1.weight", _attr(fb, "weight"),
                            "layer 1's feedback map: read nowhere (no target for the input, no feedback loss "
                            "for d = 0, Jacobians from d = 1)", False))
    for k, layer in enumerate(net.layers):
        for part in ("forward_function_1", "backward_function_2"):
            fn = getattr(layer, part)
            if hasattr(fn, "weight"):
                omitted.append(("layers[%d].%s.weight" % (k, part), _attr(fn, "weight"),
                                "read: %s's identity matrix (an exact copy of its input)" % type(fn).__name__,
                                True))
    return mapped, omitted


def to_tpsweep(t):
    """A [F] weight (out x in) as float64 numpy in tp-sweep's layout (in x out)."""
    a = t.detach().cpu().numpy()
    assert a.dtype.name == "float64", "tensor is %s, expected float64" % a.dtype
    assert a.ndim == 2, a.shape
    return a.T


# ---------------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------------

class Recorder:
    """Passes over the training loader, noise draws and per-step parameter snapshots of one run."""

    def __init__(self, mapped, repo):
        self.mapped = mapped
        self.repo = repo
        self.passes, self.noise, self.steps, self.foreign = [], [], [], []
        self.evaluating = False
        self.batch = None
        self._noise_mark = 0

    def params(self):
        return {name: flat(to_tpsweep(get())) for name, get, _ in self.mapped}

    def start_pass(self, order):
        self.passes.append({"order": order, "steps": 0})

    def draw(self, eps):
        self.noise.append({"shape": list(eps.shape), "values": flat(eps.detach().cpu().numpy())})

    def step(self, optimizer, layer=None):
        if self.evaluating or not self.passes:
            raise SystemExit("error: a %s step outside a training pass" % optimizer)
        self.passes[-1]["steps"] += 1
        s = {"pass": len(self.passes) - 1, "batch": self.batch, "optimizer": optimizer}
        if layer is not None:
            s["layer"] = layer
        s["noise_before"] = len(self.noise) - self._noise_mark
        self._noise_mark = len(self.noise)
        s["params"] = self.params()
        self.steps.append(s)

    def schedule(self):
        """Orders of the passes that stepped, the steps with their phase and epoch (a pass with a forward step
        is a training epoch, counted from 1; one with only feedback steps is pre-training, epoch 0), and the
        number of passes without any step."""
        kept, phase_of = [], {}
        epoch = 0
        forward_passes = {s["pass"] for s in self.steps if s["optimizer"] == "forward"}
        for p, info in enumerate(self.passes):
            if info["steps"] == 0:
                continue
            kept.append(info["order"])
            if p in forward_passes:
                epoch += 1
                phase_of[p] = ("train", epoch)
            else:
                if epoch > 0:
                    raise SystemExit("error: a feedback-only pass after training began (pass %d)" % p)
                phase_of[p] = ("pretrain", 0)
        skipped = [p for p, info in enumerate(self.passes) if info["steps"] == 0]
        if skipped and max(skipped) > min(phase_of):
            raise SystemExit("error: passes without steps after the first step: %s" % skipped)
        steps = []
        for s in self.steps:
            phase, epoch = phase_of[s["pass"]]
            out = {"phase": phase, "epoch": epoch, "batch": s["batch"], "optimizer": s["optimizer"]}
            if "layer" in s:
                out["layer"] = s["layer"]
            out["params"] = s["params"]
            steps.append(out)
        return kept, steps, len(skipped)


def install_recorders(rec):
    """torch.normal(0, std, size=...) becomes std * randn(size), its randn part recorded; any other random
    draw reached from [F]'s code is flagged."""
    import torch

    originals = install_rng_guards(rec.foreign, rec.repo)
    randn = originals[(torch, "randn")]
    normal = originals[(torch, "normal")]

    def recorded_normal(*a, **k):
        if not (len(a) == 2 and all(isinstance(v, (int, float)) for v in a) and "size" in k
                and set(k) <= {"size", "device"}):
            f = sys._getframe(1)
            rec.foreign.append("torch.normal in an unrecorded form at %s:%d" % (f.f_code.co_filename, f.f_lineno))
            return normal(*a, **k)
        mean, std = a
        assert mean == 0, "noise with mean %s" % mean
        eps = randn(k["size"], device=k.get("device"))
        assert eps.dtype == torch.float64, "noise drawn in %s" % eps.dtype
        rec.draw(eps)
        return eps * std
    torch.normal = recorded_normal


def patched_update_weights(bp_net_cls):
    """bp_net.update_weights compiled from [F]'s source with PREACT replaced by FIXED (nothing else)."""
    fn = bp_net_cls.update_weights
    src = textwrap.dedent(inspect.getsource(fn))
    if src.count(PREACT) != 1:
        raise SystemExit("error: bp_net.update_weights does not contain %r exactly once" % PREACT)
    code = compile(src.replace(PREACT, FIXED), inspect.getsourcefile(fn), "exec")
    ns = {}
    exec(code, fn.__globals__, ns)
    return ns["update_weights"]


# ---------------------------------------------------------------------------------------------------
# One method (child process)
# ---------------------------------------------------------------------------------------------------

class _Done(Exception):
    """Raised after the recorded training function returns: Main.py would go on to test on full MNIST."""


def run_one(name, repo, mnist, work, out_path, nan_omitted):
    """Runs [F]'s Main.main() for fixture `name` and writes its fixture to `out_path`."""
    sys.path.insert(0, HERE)
    import authors_env
    repo = os.path.abspath(repo)
    commit = git_commit(repo)
    authors_env.prepare_f(repo, mnist, os.path.join(work, name))
    spec = METHODS[name]
    method = spec["method"]
    sys.argv = authors_argv(spec)

    import torch
    torch.set_default_dtype(torch.float64)
    import Main as authors_main
    import models.net as f_net
    import models.tp_net as f_tp_net
    import models.tp_layer as f_tp_layer
    import models.bp_net as f_bp_net

    family = "bp" if spec["algorithm"] in authors_main.BP_LIST else "tp"
    kwargs = vars(authors_main.get_args())
    result = {}

    make_mnist = authors_main.make_MNIST

    def make_mnist_float32(*a, **k):
        # the fixture's data are float32 (tp-sweep holds samples in float32): [F]'s transform under float32
        torch.set_default_dtype(torch.float32)
        try:
            return make_mnist(*a, **k)
        finally:
            torch.set_default_dtype(torch.float64)
    authors_main.make_MNIST = make_mnist_float32

    if spec.get("patch"):
        f_bp_net.bp_net.update_weights = patched_update_weights(f_bp_net.bp_net)

    def intercept(authors_train):
        def train(net, train_loader, valid_loader, *rest, **kw):
            ds = train_loader.dataset
            assert ds.X.dtype == torch.float32 and tuple(ds.X.shape[1:]) == (784,), (ds.X.dtype, ds.X.shape)
            x, y = pooled(ds.X[:N_SAMPLES]), ds.y[:N_SAMPLES].clone()
            mapped, omitted = parameter_map(net, family, method)
            rec = Recorder(mapped, repo)
            with torch.no_grad():
                for label, get, why, identity in omitted:
                    t = get()
                    if identity and not torch.equal(t, torch.eye(*t.shape, dtype=t.dtype)):
                        raise SystemExit("error: %s is not an identity matrix" % label)
                    if nan_omitted and not identity:
                        t.fill_(float("nan"))
            omitted_init = [get().detach().clone() for _, get, _, _ in omitted]
            initial = {}
            for n, get, _ in mapped:
                a = to_tpsweep(get())
                initial[n] = {"shape": list(a.shape), "values": flat(a)}

            # steps
            if family == "tp":
                update_backward = f_tp_layer.tp_layer.update_backward

                def recorded_update_backward(layer, lr):
                    r = update_backward(layer, lr)
                    rec.step("feedback", net.layers.index(layer) + 1)
                    return r
                f_tp_layer.tp_layer.update_backward = recorded_update_backward
                owner = f_tp_net.tp_net
            else:
                owner = f_bp_net.bp_net
            update_weights = owner.update_weights

            def recorded_update_weights(self, *a, **k):
                r = update_weights(self, *a, **k)
                rec.step("forward")
                return r
            owner.update_weights = recorded_update_weights
            test = f_net.net.test

            def evaluating_test(self, loader):
                rec.evaluating = True
                try:
                    return test(self, loader)
                finally:
                    rec.evaluating = False
            f_net.net.test = evaluating_test
            install_recorders(rec)

            xd = x.to(torch.float64)
            loader = FixtureLoader(xd, y, BATCH, rec)
            authors_train(net, loader, FixtureLoader(xd, y, BATCH), *rest, **kw)

            # checks
            if rec.foreign:
                raise SystemExit("error: unrecorded random draws: %s" % sorted(set(rec.foreign)))
            for (label, get, why, identity), before in zip(omitted, omitted_init):
                t = get()
                same = torch.equal(t, before) or (nan_omitted and bool(torch.all(torch.isnan(t))))
                if not same:
                    raise SystemExit("error: omitted %s changed (potential mismatch)" % label)
            fixed = {n for n, _, f in mapped if f}
            prev = {n: v["values"] for n, v in initial.items()}
            moved = set()
            for k, s in enumerate(rec.steps):
                changed = {n for n, v in s["params"].items() if v != prev[n]}
                allowed = {"Q%d" % s["layer"]} if s["optimizer"] == "feedback" else \
                    {n for n in prev if n.startswith("W")}
                if changed - allowed:
                    raise SystemExit("error: step %d (%s) changed %s" % (k, s["optimizer"], sorted(changed - allowed)))
                want = NOISE_PER_LAYER[kwargs["loss_feedback"]] if s["optimizer"] == "feedback" else 0
                if s["noise_before"] != want:
                    raise SystemExit("error: %d noise draws before step %d (%s), expected %d"
                                     % (s["noise_before"], k, s["optimizer"], want))
                moved |= changed
                prev = s["params"]
            if moved & fixed:
                raise SystemExit("error: fixed parameters %s moved" % sorted(moved & fixed))
            if set(prev) - fixed - moved:
                raise SystemExit("error: %s never moved" % sorted(set(prev) - fixed - moved))
            orders, steps, skipped = rec.schedule()

            hyper = {"conventions": "f", "precision": "float64", "lr": kwargs["learning_rate"],
                     "batch_size": kwargs["batch_size"], "epochs": kwargs["epochs"],
                     "num_hidden": kwargs["depth"] - 1, "size_hidden": kwargs["hid_dim"]}
            if family == "bp":
                hyper["fa_bp_preact_bug"] = not spec.get("patch", False)
            else:
                hyper["target_stepsize"] = kwargs["stepsize"]
                hyper["epochs_backward"] = kwargs["epochs_backward"]
                if net.back_trainable:
                    hyper["lr_fb"] = kwargs["learning_rate_backward"]
                    hyper["sigma"] = kwargs["std_backward"]
                else:
                    a = fixed_feedback_bound(kwargs["backward_function_1_init"])
                    for n in fixed:
                        assert a / 2 < max(abs(v) for v in initial[n]["values"]) <= a, n
                    hyper["feedback_scale"] = a
                if method == "fw-dtp-bn":
                    hyper["last_activation"] = kwargs["forward_last_activation"]
                hyper.update(spec.get("hyper", {}))
            widths = [kwargs["in_dim"]] + [kwargs["hid_dim"]] * (kwargs["depth"] - 1) + [kwargs["out_dim"]]
            assert widths == WIDTHS and x.shape == (N_SAMPLES, WIDTHS[0]), (widths, x.shape)
            fixture = {
                "format": 1,
                "method": method,
                "authors_config": "code/" + " ".join(sys.argv),
                "authors_args": kwargs,
                "authors_commit": commit,
                "authors_algorithm": kwargs["algorithm"],
            }
            if spec.get("patch"):
                fixture["authors_patch"] = "code/models/bp_net.py, update_weights: %r -> %r" % (PREACT, FIXED)
            fixture.update({
                "torch_version": torch.__version__,
                "dtype": "float64",
                "widths": widths,
                "hyperparameters": hyper,
                "data": {"n": N_SAMPLES, "dim": int(x.shape[1]), "num_classes": kwargs["out_dim"],
                         "x": flat(x.numpy().astype("float64")), "y": y.tolist()},
                "initial": initial,
                "omitted": {label: "%s; %s" % ("x".join(map(str, get().shape)), why)
                            for label, get, why, _ in omitted},
                "orders": orders,
                "skipped_passes": skipped,
                "noise": rec.noise,
                "steps": steps,
            })
            result["fixture"] = fixture
            raise _Done()
        return train

    f_tp_net.tp_net.train = intercept(f_tp_net.tp_net.train)
    f_bp_net.bp_net.train = intercept(f_bp_net.bp_net.train)
    try:
        authors_main.main(**kwargs)
    except _Done:
        pass
    if "fixture" not in result:
        raise SystemExit("error: [F]'s Main.main() never reached tp_net.train / bp_net.train")
    write_fixture(result["fixture"], out_path)


def check_repo(repo):
    if not os.path.isfile(os.path.join(repo, "code", "Main.py")) or not os.path.isdir(os.path.join(repo, ".git")):
        return "%s is not a git checkout of [F]'s code (git clone the mirror there)" % repo
    return None


def main():
    harness_main(__doc__, METHODS, run_one, check_repo,
                 "checkout of TatsukichiShibuya/Fixed-Weight-Difference-Target-Propagation",
                 "fixture folder, e.g. common/src/test/resources/lockstep")


if __name__ == "__main__":
    main()
