"""Writes a trained model as FORMAT.md says: one float32 safetensors file,
written by hand (struct + json), and its golden file of reference logits.

    /usr/bin/python3 export.py --check NAME   # reads NAME.safetensors back and
                                              # re-checks its golden file
"""

import argparse
import json
import os
import struct
import sys

import torch

import data
import model as gpt

HERE = os.path.dirname(os.path.abspath(__file__))


def tensor_names(n_layer):
    names = ["tok_emb", "pos_emb"]
    for i in range(n_layer):
        b = "blocks.%d." % i
        names += [b + s for s in (
            "ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias",
            "attn.proj.weight", "attn.proj.bias", "ln2.weight", "ln2.bias",
            "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias")]
    return names + ["ln_f.weight", "ln_f.bias", "head.weight"]


def write_safetensors(path, m, meta):
    sd = m.state_dict()
    names = tensor_names(m.cfg["n_layer"])
    assert sorted(names) == sorted(sd), set(names) ^ set(sd)
    header, blobs, off = {}, [], 0
    for name in names:
        t = sd[name].detach().to(torch.float32).contiguous().cpu()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # keep the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """(model, metadata) from a file written by write_safetensors."""
    import numpy as np
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n])
    meta = header.pop("__metadata__")
    if meta.get("format") != "hanoitiny-1":
        raise ValueError("%s: format %r, want hanoitiny-1" % (path, meta.get("format")))
    if json.loads(meta["vocab"]) != data.VOCAB:
        raise ValueError("%s: vocabulary differs from data.VOCAB" % path)
    m = gpt.GPT(int(meta["d_model"]), int(meta["n_layer"]), int(meta["n_head"]), int(meta["max_len"]))
    sd = {}
    base = 8 + n
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(buf[base + b:base + e], dtype="<f4").reshape(info["shape"])
        sd[name] = torch.from_numpy(arr.copy())
    m.load_state_dict(sd)
    m.eval()
    return m, meta


def golden_inputs():
    """A few prompts: the first step of the held-out 10-disk trajectory, a
    late 12-disk step, a small tower, and a prompt with part of its answer."""
    t10 = data.trajectory(10)
    t12 = data.trajectory(12)
    t3 = data.trajectory(3)
    cases = []
    for step in (t10[0], t10[383], t12[2047], t3[1]):
        cases.append(data.prompt_tokens(step[0], step[1], step[2]))
    p, a = data.example(t10[127])
    cases.append(p + a[:12])
    return cases


@torch.no_grad()
def greedy(m, prompt, limit=120):
    ids = list(prompt)
    out = []
    for _ in range(limit):
        logits = m(torch.tensor([ids]))[0, -1]
        nxt = int(logits.argmax())
        out.append(nxt)
        ids.append(nxt)
        if nxt == data.EOS:
            break
    return out


@torch.no_grad()
def golden(m, name):
    m.eval()
    cases = []
    for ids in golden_inputs():
        logits = m(torch.tensor([ids]))[0, -1]
        g = greedy(m, ids)
        cases.append({
            "input": ids,
            "logits": [round(float(x), 6) for x in logits[:8]],
            "greedy": g,
            "greedy_text": data.detok(g),
        })
    return {"model": name, "tolerance": 1e-4, "cases": cases}


def export(m, name, meta):
    os.makedirs(os.path.join(HERE, "testdata"), exist_ok=True)
    path = os.path.join(HERE, name + ".safetensors")
    full = {"format": "hanoitiny-1", "vocab": json.dumps(data.VOCAB)}
    full.update({k: m.cfg[k] for k in ("d_model", "n_layer", "n_head", "max_len")})
    full.update(meta)
    write_safetensors(path, m, full)
    g = golden(m, name)
    with open(os.path.join(HERE, "testdata", name + ".golden.json"), "w") as f:
        json.dump(g, f, indent=1)
        f.write("\n")
    size = os.path.getsize(path)
    assert size <= 5 * 1024 * 1024, "%s is %d bytes, over 5 MB" % (path, size)
    return path


def check(name):
    """Reads the weight file back and compares with the golden file."""
    m, meta = read_safetensors(os.path.join(HERE, name + ".safetensors"))
    with open(os.path.join(HERE, "testdata", name + ".golden.json")) as f:
        g = json.load(f)
    worst = 0.0
    with torch.no_grad():
        for c in g["cases"]:
            logits = m(torch.tensor([c["input"]]))[0, -1, :8]
            worst = max(worst, max(abs(float(a) - b) for a, b in zip(logits, c["logits"])))
            if greedy(m, c["input"]) != c["greedy"]:
                raise SystemExit("%s: greedy decoding differs from the golden file" % name)
    print("%s: %s, worst logit difference %.2g" % (name, {k: v for k, v in meta.items() if k != "vocab"}, worst))
    if worst > g["tolerance"]:
        raise SystemExit("%s: logits differ from the golden file by %g" % (name, worst))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", nargs="+", metavar="NAME", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name in args.check:
        check(name)
