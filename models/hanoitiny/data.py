"""The hanoitiny task: vocabulary, tokenisation, the solving procedure and
the training-data recipe.

The procedure is maker's Hanoi strategy (hanoi/solver.go): pegs are 0, 1, 2;
"clockwise" is +1 for an even number of disks and +2 (that is, -1) for an odd
number. If the previous move was not of disk 1 (or there was none), disk 1
moves one peg clockwise; otherwise the only legal move not involving disk 1 is
made. From the tower on peg 0 this is the optimal solution, ending on peg 2.

The 10- and 12-disk trajectories are held out for evaluation. No state of 10
or 12 disks that lies on those trajectories, under any relabelling of the
pegs, is ever produced for training (random states that hit one are drawn
again), so a model's score on them measures generalisation.
"""

import itertools
import math
import random

VOCAB = ["<pad>", "<bos>", "<sep>", "<eos>", "[", "]", ", ", "|", "none",
         "move = ", "\nnext_state = "] + [str(i) for i in range(21)]
PAD, BOS, SEP, EOS, LB, RB, COMMA, BAR, NONE, MOVE, NEXT = range(11)
NUM0 = 11  # token id of "0"; the number k is NUM0 + k
V = len(VOCAB)
MAX_LEN = 256

HELD_OUT = (10, 12)
TRAJ_DISKS = [n for n in range(1, 14) if n not in HELD_OUT]  # 1-9, 11, 13
RANDOM_DISKS = list(range(2, 14))  # 2-13


def num(k):
    return NUM0 + k


def clockwise(n, p):
    return (p + 1) % 3 if n % 2 == 0 else (p + 2) % 3


def top(state, p):
    return state[p][-1] if state[p] else 0


def strategy_move(state, prev):
    """The procedure's move (disk, from, to) from state after prev (a
    (disk, from, to) tuple or None), or None when no move follows it."""
    n = sum(len(p) for p in state)
    one = next((p for p in range(3) if top(state, p) == 1), -1)
    if one < 0:
        return None
    if prev is None or prev[0] != 1:
        return (1, one, clockwise(n, one))
    # Between the two pegs without disk 1 at most one move is legal.
    return next((m for m in legal_moves(state) if m[0] != 1), None)


def apply(state, move):
    d, f, t = move
    s = [list(p) for p in state]
    assert s[f] and s[f][-1] == d, (state, move)
    assert not s[t] or s[t][-1] > d, (state, move)
    s[f].pop()
    s[t].append(d)
    return s


def legal_moves(state):
    """Every legal move (disk, from, to) from state."""
    out = []
    for f in range(3):
        d = top(state, f)
        if d == 0:
            continue
        for t in range(3):
            if t != f and (top(state, t) == 0 or top(state, t) > d):
                out.append((d, f, t))
    return out


def trajectory(n):
    """The optimal trajectory's steps for n disks: (n, prev, state, move,
    next_state) for steps 1 .. 2**n - 1."""
    state = [list(range(n, 0, -1)), [], []]
    prev = None
    out = []
    for _ in range(2 ** n - 1):
        m = strategy_move(state, prev)
        nxt = apply(state, m)
        out.append((n, prev, state, m, nxt))
        state, prev = nxt, m
    assert state == [[], [], list(range(n, 0, -1))], state
    return out


# --- text and tokens -------------------------------------------------------

def state_text(state):
    return "[" + ", ".join("[" + ", ".join(str(d) for d in p) + "]" for p in state) + "]"


def move_text(m):
    return "[%d, %d, %d]" % m


def answer_text(move, nxt):
    """Exactly the tail of maker's Hanoi answer (hanoi/oracle.go)."""
    return "move = " + move_text(move) + "\nnext_state = " + state_text(nxt)


def state_tokens(state):
    t = [LB]
    for i, p in enumerate(state):
        if i:
            t.append(COMMA)
        t.append(LB)
        for j, d in enumerate(p):
            if j:
                t.append(COMMA)
            t.append(num(d))
        t.append(RB)
    t.append(RB)
    return t


def move_tokens(m):
    return [LB, num(m[0]), COMMA, num(m[1]), COMMA, num(m[2]), RB]


def prompt_tokens(n, prev, state):
    p = move_tokens(prev) if prev else [NONE]
    return [BOS, num(n), BAR] + p + [BAR] + state_tokens(state) + [SEP]


def answer_tokens(move, nxt):
    return [MOVE] + move_tokens(move) + [NEXT] + state_tokens(nxt) + [EOS]


def example(step):
    """(prompt ids, answer ids) of one step tuple."""
    n, prev, state, move, nxt = step
    return prompt_tokens(n, prev, state), answer_tokens(move, nxt)


def detok(ids):
    return "".join(VOCAB[i] for i in ids if i not in (PAD, BOS, SEP, EOS))


# --- held-out states ---------------------------------------------------------

def _key(state):
    return tuple(tuple(p) for p in state)


def _held_out_keys():
    keys = set()
    for n in HELD_OUT:
        for step in trajectory(n):
            for s in (step[2], step[4]):
                for perm in itertools.permutations(range(3)):
                    keys.add(_key([s[perm[0]], s[perm[1]], s[perm[2]]]))
    return keys


_HELD = None


def is_held_out(state):
    global _HELD
    n = sum(len(p) for p in state)
    if n not in HELD_OUT:
        return False
    if _HELD is None:
        _HELD = _held_out_keys()
    return _key(state) in _HELD


# --- the recipe --------------------------------------------------------------

class Recipe:
    """Draws training steps. A batch mixes:

    - trajectory steps (share traj) of the optimal solutions for 1-9, 11 and
      13 disks, the step index drawn a third uniformly, a third
      log-uniformly from the start (the early steps of big towers, where a
      long run of disks is copied) and a third log-uniformly from the end;
    - random legal states of 2-13 disks, each disk from the largest down put
      on the peg of the disk above it with probability q (q drawn per state
      from [0, 0.97], so long runs of consecutive disks, the hard case, are
      common), with a previous move consistent with the procedure, and the
      procedure's answer.
    Bigger towers are drawn more often: they hold the long copies.
    """

    def __init__(self, rng, traj=0.4, slip=0.0):
        self.rng = rng
        self.traj = traj
        self.slip = slip
        self._traj = {n: trajectory(n) for n in TRAJ_DISKS}
        self._traj_w = [n for n in TRAJ_DISKS]  # weight by size
        self._rand_w = [n for n in RANDOM_DISKS]

    def step(self):
        st = self.traj_step() if self.rng.random() < self.traj else self.random_step()
        if self.slip and self.rng.random() < self.slip:
            st = self.slipped(st)
        return st

    def slipped(self, st):
        """The step with another legal move than the procedure's, and the
        state it leads to: a misreading of the strategy that breaks no rule,
        the kind of mistake voting is for and no rule check can catch."""
        n, prev, state, m, _ = st
        # Disk 1 can always go to either other peg: there is another move.
        x = self.rng.choice([x for x in legal_moves(state) if x != m])
        return (n, prev, state, x, apply(state, x))

    def traj_step(self):
        r = self.rng
        n = r.choices(TRAJ_DISKS, weights=self._traj_w)[0]
        steps = self._traj[n]
        k = len(steps)
        mode = r.randrange(3)
        if mode == 0 or k < 4:
            i = r.randrange(k)
        else:
            i = min(k - 1, int(math.exp(r.uniform(0, math.log(k)))) - 1)
            if mode == 2:
                i = k - 1 - i
        return steps[i]

    def random_state(self, n):
        r = self.rng
        q = r.uniform(0, 0.97)
        pegs = [[], [], []]
        p = r.randrange(3)
        for d in range(n, 0, -1):
            if d < n and r.random() >= q:
                p = (p + r.choice((1, 2))) % 3
            pegs[p].append(d)
        return pegs

    def random_step(self):
        r = self.rng
        while True:
            n = r.choices(RANDOM_DISKS, weights=self._rand_w)[0]
            s = self.random_state(n)
            if is_held_out(s):
                continue
            prev = self.consistent_prev(s, n)
            m = strategy_move(s, prev)
            if m is None:
                continue
            return (n, prev, s, m, apply(s, m))

    def consistent_prev(self, s, n):
        """A previous move that the procedure could have made into s."""
        r = self.rng
        one = next(p for p in range(3) if top(s, p) == 1)
        u = r.random()
        if u < 0.03:
            return None
        if u < 0.5:
            # Another disk moved last, between the two pegs without disk 1.
            opts = []
            for t in range(3):
                d = top(s, t)
                if t == one or d == 0:
                    continue
                f = 3 - one - t
                if top(s, f) == 0 or top(s, f) > d:
                    opts.append((d, f, t))
            if opts:
                return r.choice(opts)
        # Disk 1 moved last, one peg clockwise onto where it is.
        f = next(p for p in range(3) if clockwise(n, p) == one)
        return (1, f, one)


def batch(recipe, size):
    return [example(recipe.step()) for _ in range(size)]


if __name__ == "__main__":
    rng = random.Random(0)
    rec = Recipe(rng)
    for _ in range(5):
        st = rec.step()
        p, a = example(st)
        print(detok(p), "=>", repr(detok(a)))
    lens = [len(p) + len(a) for p, a in (example(s) for s in trajectory(13))]
    print("13-disk max length", max(lens))
