"""Runs the authors' code from a checkout outside this project, unchanged: what lockstep.py, lockstep_f.py and
reference_stats.py share.

Meulemans et al. 2020 (meulemansalex/theoretical_framework_for_target_propagation), `prepare`:
- a stub `tensorboardX` package (its SummaryWriter is never instantiated with save_logs=False);
- the MNIST raw IDX files linked where torchvision looks for them (<work>/data/MNIST/raw);
- the working directory set to <work>, since main.py reads './data';
- `config(name, **overrides)` and `argv(config)`: a final config as the command line run_config.py builds.

Shibuya et al. 2023 (TatsukichiShibuya/Fixed-Weight-Difference-Target-Propagation, code under code/),
`prepare_f`: a stub `wandb` module (init, log and finish do nothing; runs without --log never call them),
the same MNIST links (its dataset.py reads torchvision's MNIST from './data') and working directory.

Read the authors' code; never copy it into the project (see ../../../shared/REFERENCE-CODE.md).
"""
import importlib
import os
import sys

MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def prepare(repo, mnist_dir, work):
    """[M]: sets up stubs, data links and sys.path; returns the absolute work directory."""
    repo = os.path.abspath(repo)
    if not os.path.isfile(os.path.join(repo, "main.py")) or not os.path.isdir(os.path.join(repo, "lib")):
        sys.exit(f"error: {repo} is not a checkout of the authors' code (no main.py and lib/)")
    return _prepare(repo, mnist_dir, work, "tensorboardX/__init__.py",
                    "class SummaryWriter:\n"
                    "    def __init__(self, *a, **k):\n"
                    "        raise RuntimeError('tensorboardX stub: run with save_logs=False')\n")


def prepare_f(repo, mnist_dir, work):
    """[F]: sets up the wandb stub, data links and sys.path (<repo>/code, where Main.py imports its modules
    from); returns the absolute work directory."""
    code = os.path.join(os.path.abspath(repo), "code")
    if not os.path.isfile(os.path.join(code, "Main.py")) or not os.path.isdir(os.path.join(code, "models")):
        sys.exit(f"error: {repo} is not a checkout of the authors' code (no code/Main.py and code/models/)")
    return _prepare(code, mnist_dir, work, "wandb.py",
                    "def init(*a, **k):\n    pass\n\n\n"
                    "def log(*a, **k):\n    pass\n\n\n"
                    "def finish(*a, **k):\n    pass\n")


def _prepare(code, mnist_dir, work, stub_path, stub_text):
    mnist_dir = os.path.abspath(mnist_dir)
    work = os.path.abspath(work)
    stub = os.path.join(work, "stubs", stub_path)
    os.makedirs(os.path.dirname(stub), exist_ok=True)
    with open(stub, "w") as f:
        f.write(stub_text)
    raw = os.path.join(work, "data", "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in MNIST_FILES:
        src = os.path.join(mnist_dir, name)
        if not os.path.isfile(src):
            sys.exit(f"error: MNIST file {src} is missing (run bin/fetch-data mnist)")
        dst = os.path.join(raw, name)
        if not os.path.exists(dst):
            os.symlink(src, dst)
    sys.path.insert(0, os.path.join(work, "stubs"))
    sys.path.insert(0, code)
    os.chdir(work)
    return work


def config(name, **overrides):
    """final_configs/<name>.py's config with overrides applied (None removes a key)."""
    c = dict(importlib.import_module("final_configs." + name).config)
    for k, v in overrides.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def argv(c):
    """The command line run_config.py builds from a config: --k=v, a flag for True, nothing for False."""
    args = [sys.argv[0]]
    for k, v in c.items():
        if isinstance(v, bool):
            if v:
                args.append("--" + k)
        else:
            args.append(f"--{k}={v}")
    return args
