"""Runs the authors' code of Meulemans et al. 2020 (meulemansalex/theoretical_framework_for_target_propagation)
from a checkout outside this project, unchanged: what lockstep.py and reference_stats.py share.

- a stub `tensorboardX` package (its SummaryWriter is never instantiated with save_logs=False);
- the MNIST raw IDX files linked where torchvision looks for them (<work>/data/MNIST/raw);
- the working directory set to <work>, since main.py reads './data';
- `config(name, **overrides)` and `argv(config)`: a final config as the command line run_config.py builds.

Read the authors' code; never copy it into the project (see ../../../shared/REFERENCE-CODE.md).
"""
import importlib
import os
import sys

MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def prepare(repo, mnist_dir, work):
    """Sets up stubs, data links and sys.path; returns the absolute work directory."""
    repo = os.path.abspath(repo)
    mnist_dir = os.path.abspath(mnist_dir)
    work = os.path.abspath(work)
    if not os.path.isfile(os.path.join(repo, "main.py")) or not os.path.isdir(os.path.join(repo, "lib")):
        sys.exit(f"error: {repo} is not a checkout of the authors' code (no main.py and lib/)")
    stubs = os.path.join(work, "stubs", "tensorboardX")
    os.makedirs(stubs, exist_ok=True)
    with open(os.path.join(stubs, "__init__.py"), "w") as f:
        f.write("class SummaryWriter:\n"
                "    def __init__(self, *a, **k):\n"
                "        raise RuntimeError('tensorboardX stub: run with save_logs=False')\n")
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
    sys.path.insert(0, repo)
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
