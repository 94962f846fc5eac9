#!/usr/bin/python3
"""Per-epoch statistics of the authors' own code (Meulemans et al. 2020) over seeds, for comparison with tp-sweep.

    /usr/bin/python3 tools/reference/reference_stats.py --repo /tmp/authors-stats --mnist data/mnist \
        --config mnist_DTP --seeds 1-10 --epochs 5 --out results.jsonl [--work DIR] [--in-process]

Runs final_configs/<config>.py unchanged except: epochs, random_seed = seed, save_logs off, out_dir in the
work folder, and gn_damping_hpsearch removed (mnist_DTPDRL.py sets it, which ends training after epoch 3
with a damping search). It calls the authors' main.run() in-process and wraps three module-level functions
of lib.train, which lib.train.train looks up at call time:

- test(args, device, net, loader, loss_function): the authors' result is kept (their accuracy is the mean
  over minibatches of 128 of the per-batch accuracy, so the last, short batch weighs as much as a full one);
  then one more pass over the same loader with the same net counts misclassified samples (pooled error).
  That pass saves and restores torch's, numpy's and random's RNG states: iterating a DataLoader draws a
  base seed from torch's global generator, so without the restore the extra pass would change the rest
  of the training run. The loader is told apart by its dataset: the 5000-sample random_split Subset is the
  validation set, the 10 000-sample MNIST test set the test set.
- train_parallel(args, train_var, ...): times the epoch's forward-training loop and keeps train_var, whose
  losses/accuracies arrays are the epoch's per-minibatch training loss and accuracy (the authors' epoch
  loss is their mean).
- train_only_feedback_parameters(..., log=True|False): times the feedback pre-training epochs (log=True,
  before epoch 1) and the interleaved feedback-only epochs (log=False, extra_fb_epochs after each epoch).

One JSON line per (config, seed, epoch), flushed when the epoch's evaluations are done. By default each seed
runs in its own child process (this script with --in-process and that one seed), so nothing leaks between
seeds; --in-process runs all seeds sequentially in this process (main.run() reseeds torch, numpy and random
from random_seed at its start).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import authors_env  # noqa: E402

METHODS = {"mnist_DTP": "dtp", "mnist_DTPDRL": "dtp-drl", "mnist_DTP_train": "dtp",
           "mnist_DTPDRL_train": "dtp-drl"}


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


class Recorder:
    """Wraps lib.train's functions for one run and writes its per-epoch lines."""

    def __init__(self, out, config_name, seed, method):
        self.out = out
        self.config_name = config_name
        self.seed = seed
        self.method = method
        self.reset()

    def reset(self):
        self.train_var = None
        self.args = None
        self.epoch = 0
        self.pending = None
        self.epoch_start = None
        self.train_seconds = None
        self.feedback_seconds = 0.0
        self.pretrain_seconds = 0.0
        self.pretrain_epochs = 0
        self.run_start = time.time()
        self.lines = []

    def install(self, lib_train, torch, np):
        self.torch = torch
        self.np = np
        orig_test = lib_train.test
        orig_parallel = lib_train.train_parallel
        orig_fb = lib_train.train_only_feedback_parameters
        rec = self

        def train_parallel(args, train_var, *a, **k):
            rec.args = args
            rec.train_var = train_var
            rec.epoch += 1
            rec.feedback_seconds = 0.0
            rec.pending = {}
            rec.epoch_start = time.time()
            result = orig_parallel(args, train_var, *a, **k)
            rec.train_seconds = time.time() - rec.epoch_start
            return result

        def train_only_feedback_parameters(args, train_var, device, train_loader, net, writer, log=True):
            t0 = time.time()
            result = orig_fb(args, train_var, device, train_loader, net, writer, log=log)
            dt = time.time() - t0
            if log:
                rec.pretrain_seconds += dt
                rec.pretrain_epochs += 1
            else:
                rec.feedback_seconds += dt
            return result

        def test(args, device, net, loader, loss_function):
            accuracy, loss = orig_test(args, device, net, loader, loss_function)
            pooled_error, batchavg_check, n = rec.pooled(args, device, net, loader)
            rec.record(loader, accuracy, loss, pooled_error, batchavg_check, n)
            return accuracy, loss

        lib_train.test = test
        lib_train.train_parallel = train_parallel
        lib_train.train_only_feedback_parameters = train_only_feedback_parameters

    def pooled(self, args, device, net, loader):
        """(pooled error, batch-averaged error, samples) of net on loader, RNG states left untouched."""
        torch, np = self.torch, self.np
        states = (torch.get_rng_state(), np.random.get_state(), random.getstate())
        wrong = 0
        total = 0
        batch_acc = []
        with torch.no_grad():
            for inputs, targets in loader:
                if args.double_precision:
                    inputs = inputs.double()
                inputs, targets = inputs.to(device), targets.to(device)
                inputs = inputs.flatten(1, -1)
                pred = net.forward(inputs).argmax(dim=1)
                w = int((pred != targets).sum().item())
                wrong += w
                total += targets.numel()
                batch_acc.append(1.0 - w / targets.numel())
        torch.set_rng_state(states[0])
        np.random.set_state(states[1])
        random.setstate(states[2])
        return wrong / total, 1.0 - float(np.mean(batch_acc)), total

    def record(self, loader, accuracy, loss, pooled_error, batchavg_check, n):
        ds = loader.dataset
        if isinstance(ds, self.torch.utils.data.Subset) or n == 5000:
            which = "val"
        elif n == 10000:
            which = "test"
        else:
            raise RuntimeError(f"test() called on a loader of {n} samples: neither test nor validation set")
        if self.pending is None:
            raise RuntimeError("test() called before any training epoch")
        p = self.pending
        p[which + "_error_pooled"] = pooled_error
        p[which + "_error_batchavg"] = 1.0 - accuracy
        p[which + "_loss_batchavg"] = loss
        if abs((1.0 - accuracy) - batchavg_check) > 1e-12:
            print(f"warning: {which} batch-averaged error {1.0 - accuracy} != recomputed {batchavg_check}",
                  file=sys.stderr, flush=True)
        done = "val_error_pooled" in p if not self.args.no_val_set else True
        if which == "test" and self.args.no_val_set:
            p["val_error_pooled"] = p["val_error_batchavg"] = p["val_loss_batchavg"] = None
        if "test_error_pooled" in p and done:
            self.emit()

    def emit(self):
        np = self.np
        tv = self.train_var
        line = {
            "config": self.config_name,
            "method": self.method,
            "seed": self.seed,
            "epoch": self.epoch,
            "test_error_pooled": self.pending["test_error_pooled"],
            "test_error_batchavg": self.pending["test_error_batchavg"],
            "val_error_pooled": self.pending["val_error_pooled"],
            "val_error_batchavg": self.pending["val_error_batchavg"],
            "train_loss": float(np.mean(tv.losses)),
            "train_error": 1.0 - float(np.mean(tv.accuracies)),
            "test_loss": self.pending["test_loss_batchavg"],
            "val_loss": self.pending["val_loss_batchavg"],
            "seconds": self.train_seconds,
            "feedback_seconds": self.feedback_seconds,
            "epoch_wall_seconds": time.time() - self.epoch_start,
            "pretrain_seconds": self.pretrain_seconds if self.epoch == 1 else 0.0,
            "pretrain_epochs": self.pretrain_epochs if self.epoch == 1 else 0,
        }
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()
        self.lines.append(line)
        self.pending = None
        print(f"[reference_stats] {self.config_name} seed {self.seed} epoch {self.epoch}: "
              f"test err pooled {line['test_error_pooled']:.4%} batchavg {line['test_error_batchavg']:.4%}, "
              f"train loss {line['train_loss']:.5f}, {line['seconds']:.1f} s + fb {line['feedback_seconds']:.1f} s"
              + (f" (pre-training {line['pretrain_seconds']:.1f} s)" if line["pretrain_epochs"] else ""),
              file=sys.stderr, flush=True)


def run_in_process(opts, seeds):
    work = authors_env.prepare(opts.repo, opts.mnist, opts.work)
    import numpy as np
    import torch
    import lib.train as lib_train
    import main as authors_main

    method = METHODS.get(opts.config, opts.config)
    with open(opts.out, "a") as out:
        rec = Recorder(out, opts.config, None, method)
        rec.install(lib_train, torch, np)
        for seed in seeds:
            c = authors_env.config(opts.config, epochs=opts.epochs, random_seed=seed, save_logs=False,
                                   out_dir=os.path.join(work, "logs", opts.config, f"seed{seed}"),
                                   gn_damping_hpsearch=None)
            rec.seed = seed
            rec.reset()
            sys.argv = authors_env.argv(c)
            summary = authors_main.run()
            check(summary, rec.lines, opts.epochs)


def check(summary, lines, epochs):
    """The authors' summary arrays against the lines written."""
    if len(lines) != epochs:
        print(f"warning: {len(lines)} epoch lines for {epochs} epochs (finished={summary.get('finished')})",
              file=sys.stderr, flush=True)
    for key, field in [("loss_train", "train_loss"), ("acc_test", "test_error_batchavg"),
                       ("acc_val", "val_error_batchavg")]:
        if key not in summary:
            continue
        ref = list(summary[key])
        mine = [ln[field] for ln in lines]
        if key.startswith("acc"):
            mine = [1.0 - m for m in mine]
        if len(ref) != len(mine) or any(abs(a - b) > 1e-12 for a, b in zip(ref, mine)):
            print(f"warning: summary[{key}] = {ref} differs from the lines' {mine}", file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repo", required=True, help="checkout of the authors' code")
    p.add_argument("--mnist", required=True, help="folder with the four raw MNIST IDX files")
    p.add_argument("--config", required=True, help="final_configs module, e.g. mnist_DTP")
    p.add_argument("--seeds", default="1-10", help="e.g. 1-10 or 1,3,5")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--out", required=True, help="JSONL file, appended to")
    p.add_argument("--work", default=None, help="scratch folder (default /tmp/reference-stats-<config>)")
    p.add_argument("--in-process", action="store_true",
                   help="run all seeds in this process instead of one child process per seed")
    opts = p.parse_args()
    opts.repo = os.path.abspath(opts.repo)
    opts.mnist = os.path.abspath(opts.mnist)
    opts.out = os.path.abspath(opts.out)
    opts.work = os.path.abspath(opts.work or f"/tmp/reference-stats-{opts.config}")
    os.makedirs(os.path.dirname(opts.out), exist_ok=True)
    seeds = parse_seeds(opts.seeds)
    if opts.in_process:
        run_in_process(opts, seeds)
        return
    failed = []
    for seed in seeds:
        t0 = time.time()
        cmd = [sys.executable, os.path.abspath(__file__), "--repo", opts.repo, "--mnist", opts.mnist,
               "--config", opts.config, "--seeds", str(seed), "--epochs", str(opts.epochs),
               "--out", opts.out, "--work", opts.work, "--in-process"]
        rc = subprocess.call(cmd)
        print(f"[reference_stats] {opts.config} seed {seed}: exit {rc}, {time.time() - t0:.0f} s",
              file=sys.stderr, flush=True)
        if rc != 0:
            failed.append(seed)
    if failed:
        sys.exit(f"error: seeds {failed} failed")


if __name__ == "__main__":
    main()
