#!/usr/bin/env python3
"""Per-epoch seed statistics of the authors' code against tp-sweep's, per method.

    python3 tools/reference/compare_stats.py \
        --authors tools/reference/results/authors-dtp.jsonl tools/reference/results/authors-dtp-drl.jsonl \
        --tpsweep out/stats-tpsweep [--metric train_loss] [--json]

--authors: JSONL files written by reference_stats.py (one line per config, seed, epoch).
--tpsweep: output folders of `bin/tp-sweep run` (their trials/<trial_id>.json documents, one per finished
  trial, with the per-epoch columns in the epoch_metrics array; the Parquet tables are not read, so
  neither pyarrow nor Spark is needed), or single trial documents. Only trials with status ok on mnist
  are used (the others are counted and reported).

For every method and epoch present on both sides it prints mean ± standard error (sample sd / sqrt(n))
over seeds on each side, the difference tp-sweep − authors, its standard error sqrt(se_a² + se_b²) and the
difference in units of that standard error (z). Seeds are not paired: the two implementations draw
different random numbers from the same seed. Comparisons:

  test pooled    tp-sweep test_error            vs authors' test_error_pooled (misclassified / 10 000)
  test batchavg  tp-sweep test_error_batchavg   vs authors' test_error_batchavg (1 − mean over the test
                 (tp-sweep test_error when it       minibatches of 128 of the batch accuracy, what the
                 has no batch-averaged column)      authors' code reports)
  the same two for the validation set, and train_loss (means over the epoch's training minibatches on
  both sides); --metric restricts the output to some of them.
Errors are printed in per cent.
"""
import argparse
import glob
import json
import math
import os
import sys

COMPARISONS = [
    # name, tp-sweep column, tp-sweep fallback column, authors' field, scale, unit
    ("test_pooled", "test_error", None, "test_error_pooled", 100.0, "%"),
    ("test_batchavg", "test_error_batchavg", "test_error", "test_error_batchavg", 100.0, "%"),
    ("val_pooled", "val_error", None, "val_error_pooled", 100.0, "%"),
    ("val_batchavg", "val_error_batchavg", "val_error", "val_error_batchavg", 100.0, "%"),
    ("train_loss", "train_loss", None, "train_loss", 1.0, ""),
]


def number(v):
    if v is None:
        return None
    if isinstance(v, str):  # TrialDocument writes non-finite doubles as "NaN", "Infinity", "-Infinity"
        return float(v.replace("Infinity", "inf"))
    return float(v)


def read_authors(paths):
    """{method: {epoch: {field: {seed: value}}}}; a repeated (config, seed, epoch) keeps the last line."""
    data = {}
    for path in paths:
        with open(path) as f:
            for i, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"warning: {path}:{i}: skipped, not JSON ({e})", file=sys.stderr)
                    continue
                per_epoch = data.setdefault(r["method"], {}).setdefault(int(r["epoch"]), {})
                for k, v in r.items():
                    if isinstance(v, (int, float)) or v is None:
                        per_epoch.setdefault(k, {})[int(r["seed"])] = number(v)
    return data


def trial_files(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            d = os.path.join(p, "trials") if os.path.isdir(os.path.join(p, "trials")) else p
            found = sorted(glob.glob(os.path.join(d, "*.json")))
            if not found:
                sys.exit(f"error: no trial documents (*.json) in {d}")
            files.extend(found)
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"error: {p} is neither a tp-sweep output folder nor a trial document")
    return files


def read_tpsweep(paths, dataset="mnist"):
    """({method: {epoch: {column: {seed: value}}}}, {method: {status: count}})."""
    data = {}
    statuses = {}
    for path in trial_files(paths):
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        doc = json.loads(text)
        if doc.get("dataset") != dataset:
            continue
        method = doc["method"]
        st = statuses.setdefault(method, {})
        st[doc.get("status")] = st.get(doc.get("status"), 0) + 1
        if doc.get("status") != "ok":
            continue
        seed = int(doc["seed"])
        for m in doc.get("epoch_metrics") or []:
            per_epoch = data.setdefault(method, {}).setdefault(int(m["epoch"]), {})
            for k, v in m.items():
                if k != "epoch":
                    per_epoch.setdefault(k, {})[seed] = number(v)
    return data, statuses


def mean_se(values):
    vals = [v for v in values if v is not None and math.isfinite(v)]
    n = len(vals)
    if n == 0:
        return None, None, 0
    m = sum(vals) / n
    if n < 2:
        return m, float("nan"), n
    var = sum((v - m) ** 2 for v in vals) / (n - 1)
    return m, math.sqrt(var / n), n


def compare(authors, tpsweep, names):
    rows = []
    for method in sorted(set(authors) & set(tpsweep)):
        for epoch in sorted(set(authors[method]) & set(tpsweep[method])):
            a_ep, t_ep = authors[method][epoch], tpsweep[method][epoch]
            for name, col, fallback, field, scale, unit in COMPARISONS:
                if name not in names:
                    continue
                used = col
                t_vals = t_ep.get(col)
                if not t_vals or all(v is None for v in t_vals.values()):
                    used = fallback
                    t_vals = t_ep.get(fallback) if fallback else None
                a_vals = a_ep.get(field)
                if not t_vals or not a_vals:
                    continue
                am, ase, an = mean_se(a_vals.values())
                tm, tse, tn = mean_se(t_vals.values())
                if am is None or tm is None:
                    continue
                diff = tm - am
                se = math.sqrt(ase ** 2 + tse ** 2)
                z = diff / se if se > 0 else float("nan")
                rows.append({"method": method, "epoch": epoch, "metric": name, "tpsweep_column": used,
                             "authors_field": field, "unit": unit, "scale": scale,
                             "authors_mean": am, "authors_se": ase, "authors_n": an,
                             "tpsweep_mean": tm, "tpsweep_se": tse, "tpsweep_n": tn,
                             "diff": diff, "diff_se": se, "z": z})
    return rows


def fmt(v, scale, digits):
    return "nan" if v is None or not math.isfinite(v) else f"{v * scale:.{digits}f}"


def print_table(rows, statuses):
    for method, st in sorted(statuses.items()):
        print(f"tp-sweep {method}: trials by status {dict(sorted(st.items(), key=lambda kv: str(kv[0])))}")
    if not rows:
        print("no method and epoch present on both sides")
        return
    header = (f"{'method':<9} {'ep':>2} {'metric':<13} {'authors mean ± se (n)':>26} "
              f"{'tp-sweep mean ± se (n)':>26} {'diff ± se':>20} {'z':>6}  tp-sweep column")
    print(header)
    print("-" * len(header))
    last = None
    for r in rows:
        if last is not None and (r["method"], r["epoch"]) != last:
            print()
        last = (r["method"], r["epoch"])
        s, u = r["scale"], r["unit"]
        d = 3 if u == "%" else 5
        a = f"{fmt(r['authors_mean'], s, d)} ± {fmt(r['authors_se'], s, d)}{u} ({r['authors_n']})"
        t = f"{fmt(r['tpsweep_mean'], s, d)} ± {fmt(r['tpsweep_se'], s, d)}{u} ({r['tpsweep_n']})"
        df = f"{'+' if r['diff'] >= 0 else ''}{fmt(r['diff'], s, d)} ± {fmt(r['diff_se'], s, d)}{u}"
        z = "nan" if not math.isfinite(r["z"]) else f"{r['z']:+.2f}"
        print(f"{r['method']:<9} {r['epoch']:>2} {r['metric']:<13} {a:>26} {t:>26} {df:>20} {z:>6}  "
              f"{r['tpsweep_column']}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--authors", nargs="+", required=True, help="JSONL files of reference_stats.py")
    p.add_argument("--tpsweep", nargs="+", required=True,
                   help="tp-sweep output folders (OUT, read OUT/trials/*.json) or trial documents")
    p.add_argument("--dataset", default="mnist", help="tp-sweep dataset to use (default mnist)")
    p.add_argument("--metric", nargs="+", choices=[c[0] for c in COMPARISONS],
                   default=[c[0] for c in COMPARISONS], help="comparisons to print (default all)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON lines instead of a table")
    opts = p.parse_args()
    authors = read_authors(opts.authors)
    tpsweep, statuses = read_tpsweep(opts.tpsweep, opts.dataset)
    rows = compare(authors, tpsweep, set(opts.metric))
    for method in sorted(set(authors) ^ set(tpsweep)):
        side = "authors" if method in authors else "tp-sweep"
        print(f"note: method {method} only on the {side} side", file=sys.stderr, flush=True)
    if opts.json:
        for r in rows:
            print(json.dumps(r))
    else:
        print_table(rows, statuses)


if __name__ == "__main__":
    main()
