#!/usr/bin/env python3
"""Winners of a tp-sweep random search, per dataset and method: the configuration with the lowest validation
error after the last epoch ([F] reports the last epoch, so the search selects on it too).

Reads the committed trial documents OUT/trials/*.json (standard library only) and prints a Markdown table:
the searched hyperparameters of each winner, its last-epoch validation error, and how many draws ran ok,
diverged or failed. Ties go to the earlier draw (the spec's order of trials).

    python3 tools/presets/best_configs.py OUT [--keys lr,target_stepsize,lr_fb,sigma]
"""
import argparse
import glob
import json
import os
import sys
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="the search's output folder (holds trials/)")
    ap.add_argument("--keys", default="lr,target_stepsize,lr_fb,sigma",
                    help="hyperparameters to print (those the search drew)")
    args = ap.parse_args()
    files = sorted(glob.glob(os.path.join(args.out, "trials", "*.json")))
    if not files:
        sys.exit(f"error: no trial documents in {os.path.join(args.out, 'trials')}")
    keys = args.keys.split(",")
    groups = defaultdict(list)
    for f in files:
        with open(f) as fh:
            t = json.load(fh)
        groups[(t["dataset"], t["method"])].append(t)
    print("| dataset | method | " + " | ".join(keys) + " | last-epoch val error | draws ok / diverged / failed |")
    print("|---" * (len(keys) + 4) + "|")
    for (dataset, method), trials in sorted(groups.items()):
        ok = [t for t in trials if t["status"] == "ok" and t.get("epoch_metrics")]
        counts = "/".join(str(sum(t["status"] == s for t in trials)) for s in ("ok", "diverged", "failed"))
        if not ok:
            print(f"| {dataset} | {method} | " + " | ".join("—" for _ in keys) + f" | none ok | {counts} |")
            continue
        best = min(ok, key=lambda t: t["epoch_metrics"][-1]["val_error"])
        values = [format(best[k], ".4g") if isinstance(best.get(k), float) else str(best.get(k, "—")) for k in keys]
        print(f"| {dataset} | {method} | " + " | ".join(values)
              + f" | {100 * best['epoch_metrics'][-1]['val_error']:.2f} % | {counts} |")


if __name__ == "__main__":
    main()
