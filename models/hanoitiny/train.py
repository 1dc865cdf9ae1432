"""Trains one hanoitiny model on CPU, seeded, and exports it.

    nice -n 19 /usr/bin/python3 train.py --seed 1 --d-model 128 --layers 4 \
        --heads 4 --steps 4000 --batch 64 --out h128s1

Every --eval-every steps it prints the loss and the greedy exact accuracy,
mean and minimum p(right) at T = 1 on the held-out 10-disk trajectory (as a
progress report only: the final weights are the last step's, never chosen by
a held-out score). At the end it writes NAME.safetensors,
testdata/NAME.golden.json and NAME.train.json (the training record).
"""

import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

import data
import export
import model as gpt

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--traj", type=float, default=0.4, help="share of trajectory steps in a batch")
    ap.add_argument("--slip", type=float, default=0.0,
                    help="share of answers that make another legal move than the procedure's (with the state it "
                    "leads to): a model that misreads the strategy now and then")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--init", metavar="FILE", help="start from these weights (a .safetensors file this script wrote) "
                    "instead of random ones; the steps and CPU-minutes recorded add up")
    ap.add_argument("--out", required=True, help="model name: writes NAME.safetensors")
    args = ap.parse_args()
    if args.d_model % args.heads:
        ap.error("--d-model %d is not a multiple of --heads %d" % (args.d_model, args.heads))
    if not 0 <= args.slip < 0.5:
        ap.error("--slip %g is not in [0, 0.5)" % args.slip)
    if args.steps < 1 or args.batch < 1:
        ap.error("--steps and --batch must be positive")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    recipe = data.Recipe(rng, traj=args.traj, slip=args.slip)
    m = gpt.GPT(args.d_model, args.layers, args.heads)
    before = {"train_steps": 0, "train_cpu_minutes": 0.0}
    if args.init:
        if not os.path.exists(args.init):
            ap.error("--init: %s does not exist" % args.init)
        init, meta0 = export.read_safetensors(args.init)
        if init.cfg != m.cfg:
            ap.error("--init: %s is %s, not the --d-model/--layers/--heads given" % (args.init, init.cfg))
        m.load_state_dict(init.state_dict())
        before = {"train_steps": int(meta0["train_steps"]), "train_cpu_minutes": float(meta0["train_cpu_minutes"]),
                  "seed": meta0["seed"]}
    decay = [p for n, p in m.named_parameters() if p.dim() == 2 and n not in ("tok_emb", "pos_emb")]
    rest = [p for n, p in m.named_parameters() if not (p.dim() == 2 and n not in ("tok_emb", "pos_emb"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    held = [data.example(s) for s in data.trajectory(10)]
    print("params %d, %s" % (m.n_params(), vars(args)), flush=True)

    def lr_at(step):  # linear warm-up, then cosine down to 2 % of the peak
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        f = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * f)))

    cpu0, wall0 = time.process_time(), time.time()
    record = {"args": vars(args), "params": m.n_params(), "init": before if args.init else None, "evals": []}
    queue = []
    loss_avg = None
    for step in range(args.steps):
        if not queue:
            # Draw four batches at once and group them by length, which
            # saves the padding of mixing 2- and 13-disk examples.
            ex = data.batch(recipe, 4 * args.batch)
            ex.sort(key=lambda e: len(e[0]) + len(e[1]))
            queue = [ex[i * args.batch:(i + 1) * args.batch] for i in range(4)]
            rng.shuffle(queue)
        ids, tgt = gpt.collate(queue.pop())
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        m.train()
        logits = m(ids)
        loss = F.cross_entropy(logits.view(-1, data.V), tgt.view(-1), ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        loss_avg = loss.item() if loss_avg is None else 0.95 * loss_avg + 0.05 * loss.item()
        last = step + 1 == args.steps
        if (step + 1) % args.eval_every == 0 or last:
            exact, probs = gpt.score(m, held, temps=(1.0,))
            p = probs[1.0]
            e = {"step": step + 1, "loss": round(loss_avg, 5), "greedy10": sum(exact) / len(exact),
                 "mean_p10": sum(p) / len(p), "min_p10": min(p), "hard10": sum(x < 0.5 for x in p),
                 "cpu_min": (time.process_time() - cpu0) / 60, "wall_min": (time.time() - wall0) / 60}
            record["evals"].append(e)
            print("step %5d loss %.4f | 10 disks held out: greedy %.4f mean p %.4f min p %.3g hard %d | cpu %.1f min wall %.1f min"
                  % (e["step"], e["loss"], e["greedy10"], e["mean_p10"], e["min_p10"], e["hard10"], e["cpu_min"], e["wall_min"]),
                  flush=True)
            torch.save(m.state_dict(), os.path.join(HERE, "runs", args.out + ".pt"))
    cpu_min = (time.process_time() - cpu0) / 60
    wall_min = (time.time() - wall0) / 60
    record.update(cpu_minutes=round(cpu_min, 2), wall_minutes=round(wall_min, 2))
    meta = {"seed": before["seed"] if args.init else args.seed, "train_steps": before["train_steps"] + args.steps,
            "train_cpu_minutes": "%.1f" % (before["train_cpu_minutes"] + cpu_min),
            "held_out": ",".join(str(n) for n in data.HELD_OUT), "batch": args.batch,
            "recipe": "hanoitiny data.py, traj share %.2f" % args.traj + (", slip %g" % args.slip if args.slip else "")}
    if args.init:  # the seed is the first stage's; this stage's is recorded here
        meta["continued"] = "from %s steps, seed %d, %d steps, peak lr %g" % (
            before["train_steps"], args.seed, args.steps, args.lr)
    path = export.export(m, args.out, meta)
    with open(os.path.join(HERE, args.out + ".train.json"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print("wrote %s (%d bytes); %.1f CPU-minutes, %.1f wall minutes" % (path, os.path.getsize(path), cpu_min, wall_min), flush=True)


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "runs"), exist_ok=True)
    sys.exit(main())
