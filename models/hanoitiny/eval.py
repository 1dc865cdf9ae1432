"""Evaluates committed hanoitiny models on the held-out 10- and 12-disk
trajectories, which no model saw in training.

    /usr/bin/python3 eval.py NAME [NAME ...] [--temps 0.1 1]

Per model and trajectory it prints the greedy exact accuracy (the whole
answer, move and next state, right to the last token), and, per temperature,
the mean and minimum over the states of p(right): the probability that one
sample at that temperature is exactly the right answer token sequence,
computed teacher-forced from the logits in one pass. It lists the hard states
(p(right) < 0.5), by step number (1-based), since voting cannot fix a state
whose right answer is not the most likely sample. It also measures the model
as `maker hanoi --rules` sees it: the probability of a legal wrong answer (a
legal move other than the procedure's, with the state it leads to: the only
wrong answer the rules let vote) and p(right | legal), the share of right
answers among the answers that obey the rules, whose hard states are the
ones voting with --rules cannot fix. With several models it
also prints the ensemble (a sample drawn from a model chosen at random, so
p(right) is the models' mean) and the overlap of the models' hard states.
Each model's report is also written to NAME.eval.txt.
"""

import argparse
import os
import sys

import torch

import data
import export
import model as gpt

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt_steps(steps, limit=60):
    s = ", ".join(str(i) for i in steps[:limit])
    if len(steps) > limit:
        s += ", ... (%d more)" % (len(steps) - limit)
    return s or "none"


def legal_wrong(traj):
    """The legal wrong answers of each step of a trajectory, as examples,
    and the index of the step each belongs to."""
    ex, owner = [], []
    for i, (n, prev, state, move, _) in enumerate(traj):
        for x in data.legal_moves(state):
            if x != move:
                ex.append(data.example((n, prev, state, x, data.apply(state, x))))
                owner.append(i)
    return ex, owner


def per_state(p, owner, n):
    """Sums the probabilities p of examples per step."""
    out = [0.0] * n
    for i, x in zip(owner, p):
        out[i] += x
    return out


def models_mean(per_model, names, n, T):
    """The per-state mean over the models of per_model[(name, n, T)]: the
    ensemble's, whose sample comes from a model chosen at random."""
    return [sum(col) / len(col) for col in zip(*(per_model[(name, n, T)] for name in names))]


def legal_line(right, wrong):
    """p(right | legal) per state: its mean, minimum and hard states."""
    c = [r / (r + w) if r + w > 0 else 0.0 for r, w in zip(right, wrong)]
    worst = min(range(len(c)), key=c.__getitem__)
    h = [i + 1 for i, x in enumerate(c) if x < 0.5]
    return "p(right | legal) mean %.4f, min %.4g (step %d); %d hard states: %s" % (
        sum(c) / len(c), c[worst], worst + 1, len(h), fmt_steps(h))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="+", metavar="NAME")
    ap.add_argument("--temps", type=float, nargs="+", default=[0.1, 1.0])
    ap.add_argument("--disks", type=int, nargs="+", default=list(data.HELD_OUT))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-write", action="store_true", help="print only; do not write NAME.eval.txt")
    args = ap.parse_args()
    for T in args.temps:
        if T <= 0:
            ap.error("--temps: %g is not a positive temperature" % T)
    torch.set_num_threads(args.threads)

    trajs = {n: data.trajectory(n) for n in args.disks}
    sets = {n: [data.example(s) for s in traj] for n, traj in trajs.items()}
    alts = {n: legal_wrong(traj) for n, traj in trajs.items()}
    probs = {}  # (name, n, T) -> list of p(right)
    legal = {}  # (name, n, T) -> list of p(a legal wrong answer)
    hard = {}   # (name, n, T) -> set of step numbers
    for name in args.names:
        path = os.path.join(HERE, name + ".safetensors")
        if not os.path.exists(path):
            sys.exit("eval.py: no model %s (%s not found)" % (name, path))
        m, meta = export.read_safetensors(path)
        lines = ["model %s: d_model %s, layers %s, heads %s, %d parameters, seed %s, %s steps, %s CPU-minutes"
                 % (name, meta["d_model"], meta["n_layer"], meta["n_head"], m.n_params(), meta["seed"],
                    meta["train_steps"], meta["train_cpu_minutes"])]
        for n, ex in sets.items():
            exact, pr = gpt.score(m, ex, temps=tuple(args.temps))
            alt_ex, owner = alts[n]
            _, pa = gpt.score(m, alt_ex, temps=tuple(args.temps))
            wrong = [i + 1 for i, ok in enumerate(exact) if not ok]
            seen = "held out" if n in data.HELD_OUT else "in training"
            lines.append("  %d disks (%d steps, %s): greedy exact %.4f (%d wrong: %s)"
                         % (n, len(ex), seen, sum(exact) / len(ex), len(wrong), fmt_steps(wrong)))
            for T in args.temps:
                p = pr[T]
                probs[(name, n, T)] = p
                h = [i + 1 for i, x in enumerate(p) if x < 0.5]
                hard[(name, n, T)] = set(h)
                worst = min(range(len(p)), key=p.__getitem__)
                lines.append("    T=%g: p(right) mean %.4f, min %.4g (step %d); %d hard states (p < 0.5): %s"
                             % (T, sum(p) / len(p), p[worst], worst + 1, len(h), fmt_steps(h)))
                w = per_state(pa[T], owner, len(ex))
                legal[(name, n, T)] = w
                lines.append("      by the rules: a legal wrong answer %.4g a sample (mean); " % (sum(w) / len(w))
                             + legal_line(p, w))
        print("\n".join(lines), flush=True)
        if not args.no_write:
            with open(os.path.join(HERE, name + ".eval.txt"), "w") as f:
                f.write("$ /usr/bin/python3 eval.py %s\n" % name)
                f.write("\n".join(lines) + "\n")
    if len(args.names) > 1:
        print("ensemble of %s (a sample from a model chosen at random):" % ", ".join(args.names))
        for n in args.disks:
            for T in args.temps:
                mean = models_mean(probs, args.names, n, T)
                h = [i + 1 for i, x in enumerate(mean) if x < 0.5]
                worst = min(range(len(mean)), key=mean.__getitem__)
                sets_h = [hard[(name, n, T)] for name in args.names]
                inter = set.intersection(*sets_h)
                union = set.union(*sets_h)
                print("  %d disks T=%g: p(right) mean %.4f, min %.4g (step %d); %d hard: %s"
                      % (n, T, sum(mean) / len(mean), mean[worst], worst + 1, len(h), fmt_steps(h)))
                print("    by the rules: " + legal_line(mean, models_mean(legal, args.names, n, T)))
                print("    hard states per model %s; in every model %d (%s); in any model %d"
                      % ([len(s) for s in sets_h], len(inter), fmt_steps(sorted(inter)), len(union)))
                for i in range(len(args.names)):
                    for j in range(i + 1, len(args.names)):
                        a, b = sets_h[i], sets_h[j]
                        if a or b:
                            print("    %s & %s: %d shared of %d and %d (Jaccard %.2f)"
                                  % (args.names[i], args.names[j], len(a & b), len(a), len(b),
                                     len(a & b) / len(a | b)))


if __name__ == "__main__":
    main()
