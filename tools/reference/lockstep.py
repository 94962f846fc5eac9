"""Lockstep fixtures from the authors' own code (Meulemans et al. 2020), run by hand, never by CI.

For each method this runs the authors' main.run() unchanged on a tiny network (49-8-8-8-10, batch 16,
40 MNIST samples, float64) for a few epochs and records, in the format of FIXTURES.md: the data, the
initial parameters, every pass's sample order, every torch.randn_like draw and every parameter after
every optimiser step, in tp-sweep's names and layouts. main.run() parses the final config's command
line and builds the network; only its call to lib.train.train / train_bp is intercepted to swap in the
fixture's loaders and install the recorders, then the authors' function runs as is.

    /usr/bin/python3 tools/reference/lockstep.py --repo /tmp/authors-m --mnist data/mnist \
        --out common/src/test/resources/lockstep [--methods dtp,dtp-drl] [--work /tmp/lockstep-work]

Each method runs in its own process (the command line, the fixture files, the loader and the RNG guards
are shared with lockstep_f.py through lockstep_common.py). Every run checks that each of the authors'
parameters is either mapped or listed under "omitted" (unchanged throughout; the one kind the authors' code
reads, DFA's feedback biases, must stay exactly zero), that mapped feedback marked fixed never moves, that
each feedback step draws one noise sample per trained feedback map and that no other random draw is reached
from the authors' code. --check-omitted also reruns every method with the unread omitted parameters set
to NaN and fails unless the recorded trajectory is unchanged.
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the project or the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lockstep_common import (HERE, N_SAMPLES, SEED, FixtureLoader, flat, git_commit,  # noqa: E402
                             install_rng_guards, main as harness_main, pooled, write_fixture)

RUN_KEYS = ["batch_size", "epochs", "num_hidden", "size_hidden"]
FORWARD_KEYS = ["lr", "target_stepsize", "normalize_lr", "beta1", "beta2", "epsilon", "forward_wd"]
FEEDBACK_KEYS = ["lr_fb", "beta1_fb", "beta2_fb", "epsilon_fb", "feedback_wd", "sigma", "epochs_fb",
                 "extra_fb_epochs"]

# method -> authors' final config, extra overrides, tp-sweep hyperparameter keys, parameter layout
METHODS = {
    "bp": dict(config="mnist_BP", layout="bp", keys=[]),
    "dfa": dict(config="mnist_DFA", layout="direct", keys=[]),
    "dtp": dict(config="mnist_DTP", layout="layerwise", keys=FEEDBACK_KEYS),
    "dtp-pretrained": dict(config="mnist_DTP_pretrained", layout="layerwise", keys=FEEDBACK_KEYS),
    "dtp-drl": dict(config="mnist_DTPDRL", layout="layerwise", keys=FEEDBACK_KEYS),
    "ddtp-linear": dict(config="mnist_DDTPlinear", layout="direct", keys=FEEDBACK_KEYS),
    "ddtp-rhl": dict(config="mnist_DDTPRHL", layout="rhl", overrides={"size_hidden_fb": 16},
                     keys=FEEDBACK_KEYS + ["size_hidden_fb"]),
    "ddtp-rec": dict(config="mnist_DDTPRHL_rec", layout="rhl", overrides={"size_hidden_fb": 16},
                     keys=FEEDBACK_KEYS + ["size_hidden_fb"]),
    "ddtp-control": dict(config="mnist_DDTPControl", layout="direct", keys=FEEDBACK_KEYS),
    # [M] has no MNIST GNT config; tp-sweep's gnt takes mnist_DDTPlinear's forward hyperparameters.
    "gnt": dict(config="mnist_DDTPlinear", layout="gn",
                overrides={"network_type": "GN2", "gn_damping_training": 0.1, "epochs_fb": 0,
                           "extra_fb_epochs": 0},
                keys=["gn_damping_training"]),
}


def overrides_for(method, base):
    """The overrides applied to the authors' config `base` for `method` (None removes a key)."""
    spec = METHODS[method]
    o = dict(size_input=49, num_hidden=3, size_hidden=8, size_output=10, batch_size=16,
             double_precision=True, no_val_set=True, save_logs=False, no_cuda=True,
             gn_damping_hpsearch=None, random_seed=SEED, out_dir="runs/" + method)
    o.update(spec.get("overrides", {}))
    epochs_fb = 1 if o.get("epochs_fb", base.get("epochs_fb", 0)) > 0 else 0
    o["epochs_fb"] = epochs_fb
    o["extra_fb_epochs"] = 1 if o.get("extra_fb_epochs", base.get("extra_fb_epochs", 0)) > 0 else 0
    o["epochs"] = 2 if epochs_fb else 3
    return o


# ---------------------------------------------------------------------------------------------------
# Parameter mapping: the authors' modules -> tp-sweep names and layouts.
# Each entry: (tp-sweep name, torch parameter, transpose?, fixed?). Biases become 1 x n.
# ---------------------------------------------------------------------------------------------------

def _forward(net, layout):
    out = []
    for k, layer in enumerate(net.layers):
        w, b = (layer.weight, layer.bias) if layout == "bp" else (layer.weights, layer.bias)
        out.append(("W%d" % (k + 1), w, True, False))
        if b is not None:
            out.append(("b%d" % (k + 1), b, False, False))
    return out


READ = "read: "  # marks an omitted parameter that the authors' code does read (must then stay exactly zero)


def parameter_map(net, layout, fixed_feedback):
    """Mapped parameters, and [(torch parameter, reason)] for those left out on purpose."""
    mapped = _forward(net, layout)
    omitted = []
    L = len(net.layers)
    if layout == "layerwise":
        # layer k's feedbackweights (n_{k-1} x n_k) map layer k back to k-1: Q_k = its transpose
        for k in range(1, L):
            layer = net.layers[k]
            mapped.append(("Q%d" % (k + 1), layer.feedbackweights, True, False))
            mapped.append(("c%d" % (k + 1), layer.feedbackbias, False, False))
        why = "layer 1's feedback map: read nowhere, in no optimiser (get_feedback_parameter_list skips layer 1)"
        omitted += [(net.layers[0].feedbackweights, why), (net.layers[0].feedbackbias, why)]
    elif layout == "gn":
        why = "GN2 uses no feedback: frozen (freeze_fb_weights), read nowhere"
        for layer in net.layers:
            omitted += [(layer.feedbackweights, why), (layer.feedbackbias, why)]
    elif layout == "direct":
        # hidden layer k's feedback MLP is one nn.Linear(n_L -> n_k): weight n_k x n_L, Q_k = its transpose
        for k in range(L - 1):
            mlp = net.layers[k]._fb_mlp
            assert len(mlp.layers) == 1, "expected a single-layer linear feedback MLP"
            mapped.append(("Q%d" % (k + 1), mlp.layers[0].weight, True, fixed_feedback))
            if mlp.layers[0].bias is not None:
                if fixed_feedback:
                    omitted.append((mlp.layers[0].bias, READ + "DFA's feedback bias: fixed (freeze_fb_weights), "
                                                               "stays 0, so it cancels exactly in g(t) - g(a)"))
                else:
                    mapped.append(("c%d" % (k + 1), mlp.layers[0].bias, False, False))
    elif layout == "rhl":
        # hidden layer k's feedbackweights: n_k x n_fb (or n_k x (n_fb + n_k) with recurrent input, z first;
        # n_{L-1} x n_L for the last hidden layer): Q_k = transpose
        for k in range(L - 1):
            layer = net.layers[k]
            mapped.append(("Q%d" % (k + 1), layer.feedbackweights, True, False))
            mapped.append(("c%d" % (k + 1), layer.feedbackbias, False, False))
        mapped.append(("R", net.hidden_feedback_layer.weight, True, True))
        mapped.append(("r", net.hidden_feedback_layer.bias, False, True))
        why = "output layer's feedback map: read nowhere, in no optimiser (get_feedback_parameter_list skips it)"
        omitted += [(net.layers[-1].feedbackweights, why), (net.layers[-1].feedbackbias, why)]
    elif layout != "bp":
        raise ValueError(layout)
    return mapped, omitted


def to_tpsweep(param, transpose):
    """A parameter's values as a float64 numpy array in tp-sweep's layout."""
    a = param.detach().cpu().numpy()
    assert a.dtype.name == "float64", "parameter is %s, expected float64" % a.dtype
    if a.ndim == 1:
        return a.reshape(1, -1)
    return a.T if transpose else a


# ---------------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------------

class Recorder:
    """Sample orders, noise draws and per-step parameter snapshots of one run."""

    def __init__(self, mapped, repo):
        self.mapped = mapped
        self.repo = repo
        self.orders, self.noise, self.steps, self.foreign = [], [], [], []
        self.noise_per_step = []
        self.phase, self.epoch, self.batch = "train", 0, None
        self._noise_mark = 0
        self.stepped = {}  # optimizer name -> set of ids of its parameters

    def params(self):
        return {name: flat(to_tpsweep(p, t)) for name, p, t, _ in self.mapped}

    def start_pass(self, order):
        if self.phase == "train":
            self.epoch += 1
        self.orders.append(order)

    def draw(self, shape, values):
        self.noise.append({"shape": list(shape), "values": values})

    def step(self, optimizer, opt_list):
        ids = self.stepped.setdefault(optimizer, set())
        for opt in opt_list._optimizer_list:
            for group in opt.param_groups:
                ids.update(id(p) for p in group["params"])
        self.noise_per_step.append(len(self.noise) - self._noise_mark)
        self._noise_mark = len(self.noise)
        self.steps.append({"phase": self.phase, "epoch": self.epoch if self.phase != "pretrain" else 0,
                           "batch": self.batch, "optimizer": optimizer, "params": self.params()})


def fixture_data(dataset):
    """First 40 samples of the authors' MNIST training set through main.py's own transform (ToTensor,
    Normalize), 4x4 average-pooled, all in float32. (ToTensor follows torch's default dtype, which main.py
    has already set to float64; it is set back to float32 for this.)"""
    import torch
    xs, ys = [], []
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        for i in range(N_SAMPLES):
            img, label = dataset[i]
            assert img.dtype == torch.float32 and tuple(img.shape) == (1, 28, 28), (img.dtype, img.shape)
            xs.append(pooled(img)[0])
            ys.append(int(label))
    finally:
        torch.set_default_dtype(default)
    return torch.stack(xs), torch.tensor(ys, dtype=torch.int64)


def install_recorders(rec):
    """torch.randn_like is recorded; any other random draw reached from the authors' code is flagged."""
    import torch

    install_rng_guards(rec.foreign, rec.repo)

    randn_like = torch.randn_like

    def recorded_randn_like(*a, **k):
        out = randn_like(*a, **k)
        assert out.dtype == torch.float64, "noise drawn in %s" % out.dtype
        rec.draw(out.shape, flat(out.detach().cpu().numpy()))
        return out
    torch.randn_like = recorded_randn_like


# ---------------------------------------------------------------------------------------------------
# One method (child process)
# ---------------------------------------------------------------------------------------------------

def run_one(method, repo, mnist, work, out_path, nan_omitted):
    """Runs the authors' main.run() for `method` and writes its fixture to `out_path`."""
    sys.dont_write_bytecode = True  # no __pycache__ in the project or the checkout
    sys.path.insert(0, HERE)
    import authors_env
    repo = os.path.abspath(repo)
    commit = git_commit(repo)
    work = authors_env.prepare(repo, mnist, os.path.join(work, method))
    spec = METHODS[method]
    base = authors_env.config(spec["config"])
    overrides = overrides_for(method, base)
    cfg = authors_env.config(spec["config"], **overrides)
    sys.argv = authors_env.argv(cfg)

    import torch
    import main as authors_main
    import lib.train as lib_train
    import lib.utils as lib_utils

    result = {}

    def intercept(authors_fn):
        def train(args, device, train_loader, net, writer, test_loader, summary, val_loader):
            x, y = fixture_data(train_loader.dataset)
            mapped, omitted = parameter_map(net, spec["layout"], args.freeze_fb_weights)
            rec = Recorder(mapped, repo)
            names = {id(p): n for n, p in net.named_parameters()}
            covered = {id(p) for _, p, _, _ in mapped}
            omitted = {names[id(p)]: why for p, why in omitted}
            missing = [n for i, n in names.items() if i not in covered and n not in omitted]
            if missing:
                raise SystemExit("error: authors' parameters neither mapped nor omitted: %s" % missing)
            omitted_params = {n: p for n, p in net.named_parameters() if n in omitted}
            omitted_init = {n: p.detach().clone() for n, p in omitted_params.items()}
            omitted_info = {n: "%s, %s at init; %s" % ("x".join(map(str, p.shape)),
                                                       "zero" if not torch.any(p != 0) else "non-zero",
                                                       omitted[n])
                            for n, p in omitted_params.items()}
            for n, p in omitted_params.items():
                if omitted[n].startswith(READ) and torch.any(p != 0):
                    raise SystemExit("error: omitted %s is read and non-zero (potential mismatch)" % n)
            if nan_omitted:
                with torch.no_grad():
                    for n, p in omitted_params.items():
                        if not omitted[n].startswith(READ):
                            p.fill_(float("nan"))
            initial = {n: {"shape": list(to_tpsweep(p, t).shape), "values": flat(to_tpsweep(p, t))}
                       for n, p, t, _ in mapped}

            for cls, name in ((lib_utils.OptimizerList, "forward"), (lib_utils.FbOptimizerList, "feedback")):
                def make(orig, name):
                    def step(self, *a, **k):
                        r = orig(self, *a, **k)
                        rec.step(name, self)
                        return r
                    return step
                cls.step = make(cls.step, name)

            only_fb = lib_train.train_only_feedback_parameters

            def train_only_feedback_parameters(*a, **k):
                rec.phase = "pretrain" if rec.epoch == 0 else "feedback_epoch"
                try:
                    return only_fb(*a, **k)
                finally:
                    rec.phase = "train"
            lib_train.train_only_feedback_parameters = train_only_feedback_parameters
            install_recorders(rec)

            out = authors_fn(args=args, device=device, train_loader=FixtureLoader(x, y, args.batch_size, rec),
                             net=net, writer=writer, test_loader=FixtureLoader(x, y, args.batch_size),
                             summary=summary, val_loader=val_loader)

            # checks: trained / fixed / omitted parameters behave as the mapping says
            trained = set().union(*rec.stepped.values()) if rec.stepped else set()
            for n, p, _, fixed in mapped:
                if fixed and (id(p) in trained or any(s["params"][n] != initial[n]["values"] for s in rec.steps)):
                    raise SystemExit("error: fixed parameter %s is trained" % n)
                if not fixed and id(p) not in trained:
                    raise SystemExit("error: %s is in no stepped optimiser" % n)
            for n, p in omitted_params.items():
                if id(p) in trained:
                    raise SystemExit("error: omitted %s is trained (potential mismatch)" % n)
                same = torch.equal(p, omitted_init[n]) or (nan_omitted and bool(torch.all(torch.isnan(p))))
                if not same:
                    raise SystemExit("error: omitted %s changed (potential mismatch)" % n)
            if rec.foreign:
                raise SystemExit("error: unrecorded random draws: %s" % sorted(set(rec.foreign)))
            n_fb = sum(1 for n, _, _, fixed in mapped if n.startswith("Q") and not fixed)
            for s, k in zip(rec.steps, rec.noise_per_step):
                want = n_fb if s["optimizer"] == "feedback" else 0
                if k != want:
                    raise SystemExit("error: %d noise draws before a %s step, expected %d" % (k, s["optimizer"], want))

            hyper = {k: getattr(args, k) for k in RUN_KEYS + FORWARD_KEYS + spec["keys"]}
            hyper["lr"] = float(cfg["lr"])
            hyper["normalize_lr"] = bool(cfg.get("normalize_lr", False))
            expect = hyper["lr"] / args.target_stepsize if hyper["normalize_lr"] else hyper["lr"]
            assert args.lr == expect, (args.lr, expect)
            widths = [args.size_input] + [args.size_hidden] * args.num_hidden + [args.size_output]
            result["fixture"] = {
                "format": 1,
                "method": method,
                "authors_config": spec["config"],
                "authors_overrides": {k: v for k, v in overrides.items() if v is not None},
                "authors_commit": commit,
                "authors_network_type": args.network_type,
                "torch_version": torch.__version__,
                "dtype": "float64",
                "widths": widths,
                "hyperparameters": hyper,
                "data": {"n": N_SAMPLES, "dim": int(x.shape[1]), "num_classes": args.size_output,
                         "x": flat(x.numpy().astype("float64")), "y": y.tolist()},
                "initial": initial,
                "omitted": omitted_info,
                "orders": rec.orders,
                "noise": rec.noise,
                "steps": rec.steps,
            }
            result["noise_per_step"] = rec.noise_per_step
            return out
        return train

    authors_main.train = intercept(lib_train.train)
    authors_main.train_bp = intercept(lib_train.train_bp)
    authors_main.run()
    if "fixture" not in result:
        raise SystemExit("error: the authors' main.run() never reached train/train_bp")
    write_fixture(result["fixture"], out_path)


def check_repo(repo):
    if not os.path.isfile(os.path.join(repo, "main.py")) or not os.path.isdir(os.path.join(repo, ".git")):
        return "%s is not a git checkout of the authors' code (git clone the mirror there)" % repo
    return None


def main():
    harness_main(__doc__, METHODS, run_one, check_repo,
                 "checkout of meulemansalex/theoretical_framework_for_target_propagation",
                 "fixture folder, e.g. common/src/test/resources/lockstep")


if __name__ == "__main__":
    main()
