"""The hanoitiny network: a pre-LayerNorm GPT exactly as FORMAT.md describes,
with the tensor names of the weight file, so the state dict exports as is."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

import data


class Attn(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        hd = d // self.h
        q, k, v = self.qkv(x).split(d, dim=2)
        q = q.view(b, t, self.h, hd).transpose(1, 2)
        k = k.view(b, t, self.h, hd).transpose(1, 2)
        v = v.view(b, t, self.h, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))  # exact (erf) GELU


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = Attn(d, h)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.mlp = MLP(d)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GPT(nn.Module):
    def __init__(self, d_model, n_layer, n_head, max_len=data.MAX_LEN, vocab=data.V):
        super().__init__()
        assert d_model % n_head == 0, "d_model must be a multiple of n_head"
        self.cfg = dict(d_model=d_model, n_layer=n_layer, n_head=n_head, max_len=max_len)
        self.tok_emb = nn.Parameter(torch.randn(vocab, d_model) * 0.02)
        self.pos_emb = nn.Parameter(torch.randn(max_len, d_model) * 0.02)
        self.blocks = nn.ModuleList(Block(d_model, n_head) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model, eps=1e-5)
        self.head = nn.Linear(d_model, vocab, bias=False)
        for name, p in self.named_parameters():
            if name.endswith(".weight") and p.dim() == 2:
                std = 0.02
                if name.endswith("attn.proj.weight") or name.endswith("mlp.proj.weight"):
                    std = 0.02 / math.sqrt(2 * n_layer)
                nn.init.normal_(p, 0.0, std)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok_emb[ids] + self.pos_emb[:t]
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln_f(x))

    def n_params(self):
        return sum(p.numel() for p in self.parameters())


def collate(examples):
    """Right-padded inputs (prompt + answer minus its last token) and targets
    (-100 except on the answer's tokens) for a list of (prompt, answer)."""
    t = max(len(p) + len(a) - 1 for p, a in examples)
    ids = torch.full((len(examples), t), data.PAD, dtype=torch.long)
    tgt = torch.full((len(examples), t), -100, dtype=torch.long)
    for i, (p, a) in enumerate(examples):
        seq = p + a[:-1]
        ids[i, :len(seq)] = torch.tensor(seq)
        tgt[i, len(p) - 1:len(p) - 1 + len(a)] = torch.tensor(a)
    return ids, tgt


@torch.no_grad()
def score(model, examples, temps=(1.0,), batch=256):
    """Teacher-forced, in one pass per batch: for each example whether greedy
    decoding reproduces the answer exactly (every answer token is the argmax
    given the right prefix, which is what greedy decoding then sees), and
    p(right) at each temperature, the probability of sampling exactly the
    right answer token sequence."""
    model.eval()
    exact, probs = [], {T: [] for T in temps}
    for s in range(0, len(examples), batch):
        ids, tgt = collate(examples[s:s + batch])
        logits = model(ids)
        on = tgt != -100
        safe = tgt.clamp(min=0)
        ok = (logits.argmax(-1) == safe) | ~on
        exact += ok.all(dim=1).tolist()
        for T in temps:
            lp = (logits / T).log_softmax(-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1)
            probs[T] += (lp * on).sum(dim=1).exp().tolist()
    return exact, probs
