# Notebook 5 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 5 · Perceptrons, the OR table, and XOR
#
# Fromont's lecture starts where neural networks started: Rosenblatt's perceptron, a
# weighted sum followed by a threshold, and its learning rule. This notebook
#
# 1. replays the single update worked on the slide;
# 2. reproduces the 10-step table in which a perceptron learns logical OR, row by row;
# 3. shows why no perceptron can compute XOR;
# 4. evaluates Grabocka's hand-made ReLU network that does compute XOR, and
# 5. lets gradient descent find such a network by itself.

# %%
import itertools
import random

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from autograd_core import Value, dot, grad, no_grad

# %% [markdown]
# ## The perceptron and its rule
#
# With inputs $x = (x_0, x_1, \dots, x_d)$, where $x_0 = 1$ carries the bias $w_0$,
#
# $$ u = F(x, w) = \begin{cases} 1 & \text{if } \sum_i w_i x_i > 0 \\ 0 & \text{otherwise} \end{cases}
#    \qquad\qquad
#    w_i \leftarrow w_i + c\,(y - u)\,x_i . $$
#
# Nothing changes when the answer is right ($y = u$); otherwise every weight moves by
# $\pm c\,x_i$, towards the right answer. The engine's `step()` is this threshold (note the
# strict inequality: a sum of exactly 0 gives 0).

# %%
def perceptron(w, x):
    s = dot(w, x)  # Σ wᵢ xᵢ as one node
    return s, s.step()


def rule(w, x, y, c=1.0):
    """One application of the perceptron rule; returns the new weights, the sum and u."""
    s, u = perceptron([Value(v) for v in w], x)
    return [wi + c * (y - u.data) * xi for wi, xi in zip(w, x)], s.data, u.data

# %% [markdown]
# **The slide's single update.** $w = (w_0, w_1, w_2) = (-1, 0.5, 0.3)$, input
# $(x_1, x_2) = (2, 1)$, desired output $y = 0$, $c = 1$. The sum is
# $-1 + 2(0.5) + 1(0.3) = 0.3 > 0$, so $u = 1$: wrong. The slide's new weights are
# $(-2, -1.5, -0.7)$, and it notes that the same input would now give 0.

# %%
w, x = [-1.0, 0.5, 0.3], [1.0, 2.0, 1.0]
w_new, s, u = rule(w, x, y=0.0)
print(f"sum = {s:.1f}, u = {u:.0f}, new w = {w_new}")
s_again, u_again = perceptron([Value(v) for v in w_new], x)
print(f"same input again: sum = {s_again.data:.1f}, u = {u_again.data:.0f}")
assert abs(s - 0.3) < 1e-12 and u == 1.0
assert np.allclose(w_new, [-2.0, -1.5, -0.7]) and u_again.data == 0.0

# %% [markdown]
# ## Learning OR, step by step
#
# The slide's set-up: examples in binary order $00, 01, 10, 11$, presented again and again;
# initial weights $w = (0, 1, -1)$; $c = 1$. Below, the slide's table (transcribed) and the
# table the rule produces, compared column by column.

# %%
OR = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1)]

# step, w before, input (x0 x1 x2), sum, output, label, w after — as printed on the slide
slide_table = [
    (1, (0, 1, -1), "100", 0, 0, 0, (0, 1, -1)),
    (2, (0, 1, -1), "101", -1, 0, 1, (1, 1, 0)),
    (3, (1, 1, 0), "110", 2, 1, 1, (1, 1, 0)),
    (4, (1, 1, 0), "111", 2, 1, 1, (1, 1, 0)),
    (5, (1, 1, 0), "100", 1, 1, 0, (0, 1, 0)),
    (6, (0, 1, 0), "101", 0, 0, 1, (1, 1, 1)),
    (7, (1, 1, 1), "110", 2, 1, 1, (1, 1, 1)),
    (8, (1, 1, 1), "111", 3, 1, 1, (1, 1, 1)),
    (9, (1, 1, 1), "100", 1, 1, 0, (0, 1, 1)),
    (10, (0, 1, 1), "101", 1, 1, 1, (0, 1, 1)),
]

w = [0.0, 1.0, -1.0]
ours = []
for step, ((x1, x2), y) in zip(range(1, 11), itertools.cycle(OR)):
    before = tuple(w)
    w, s, u = rule(w, [1.0, x1, x2], y)
    ours.append((step, before, f"1{x1}{x2}", s, u, y, tuple(w)))

rows = ["| step | w before | input | Σ wᵢxᵢ | u | y | w after | as on the slide? |",
        "|---|---|---|---|---|---|---|---|"]
for mine, theirs in zip(ours, slide_table):
    same = all(np.allclose(a, b) if not isinstance(a, str) else a == b
               for a, b in zip(mine, theirs))
    step, before, inp, s, u, y, after = mine
    rows.append(f"| {step} | {tuple(int(v) for v in before)} | {inp} | {s:g} | {u:g} | {y} | "
                f"{tuple(int(v) for v in after)} | {'yes' if same else '**no**'} |")
    assert same, (mine, theirs)
display(Markdown("\n".join(rows)))

# %% [markdown]
# The `nn` package has the perceptron built in, with the same per-step history; its table
# must be the same one:

# %%
from nn import Perceptron

p = Perceptron(2, weights=[0, 1, -1], lr=1)
history = p.fit([x for x, _ in OR], [y for _, y in OR], epochs=3)
print(p.table())
for step, row in zip(history, slide_table):
    assert (step.step, step.weights_before, step.s, step.u, step.y, step.weights_after) == (
        row[0], row[1], row[3], row[4], row[5], row[6])
assert p.weights == (0.0, 1.0, 1.0) and len(history) == 12  # 3 epochs of 4 presentations

# %% [markdown]
# Every row matches. The slide then says "no more changes from here": one more pass over the
# four examples with $w = (0, 1, 1)$ makes no mistake, so the rule has converged.

# %%
mistakes = 0
for (x1, x2), y in OR:
    w_next, s, u = rule(w, [1.0, x1, x2], y)
    mistakes += u != y
    assert w_next == w
print("w =", w, "  mistakes in a full pass:", mistakes)
assert mistakes == 0

# %% [markdown]
# Two rows of the table (steps 1 and 6) have a sum of exactly 0, the threshold itself. The
# convention "$> 0$" decides the output there; the engine marks such a node as evaluated at a
# kink. And the threshold's derivative is 0 wherever it exists, which is why the perceptron
# needs its own rule: gradient descent through a step function gets no signal at all.

# %%
s, u = perceptron([Value(0.0), Value(1.0), Value(0.0)], [1.0, 0.0, 1.0])  # step 6
(d,) = grad(u, [s])
print(f"sum = {s.data}, u = {u.data}, at a kink: {u.at_kink}, du/dsum = {d}")
assert u.data == 0.0 and u.at_kink and d == 0.0

# %% [markdown]
# `backprop verify` checks the same table from the library's copy of the slide (every weight,
# sum and output as printed) and flags exactly those two threshold cases:

# %%
from autograd_core.verify import bundled_examples, check_text

fromont = next(p for p in bundled_examples() if "fromont" in p.stem)
examples = check_text(fromont.read_text(encoding="utf-8"), name=fromont.stem).examples
or_report = next(e for e in examples if "OR" in e.name)
single_update = next(e for e in examples if "update" in e.name)
print(or_report.summary())
print("\n".join(or_report.warnings))
assert all(c.status == "ok" for c in or_report.claims + single_update.claims)
zero_sum_steps = [row[0] for row in slide_table if row[3] == 0]
assert zero_sum_steps == [1, 6]
assert [w.split(" ")[0] for w in or_report.warnings] == [f"u.{k}" for k in zero_sum_steps]

# %% [markdown]
# ## Why XOR is out of reach
#
# XOR outputs 1 for $01$ and $10$, and 0 for $00$ and $11$. A perceptron would need
#
# $$ w_0 \le 0, \qquad w_0 + w_2 > 0, \qquad w_0 + w_1 > 0, \qquad w_0 + w_1 + w_2 \le 0 . $$
#
# Adding the two middle inequalities gives $2w_0 + w_1 + w_2 > 0$; adding the outer two
# gives $2w_0 + w_1 + w_2 \le 0$. No weights satisfy both: the two classes are not linearly
# separable. The rule therefore never settles; it cycles through the same weights forever:

# %%
XOR = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
w, seen = [0.0, 1.0, -1.0], {}
for epoch in range(100):
    if tuple(w) in seen:
        break
    seen[tuple(w)] = epoch
    for (x1, x2), y in XOR:
        w, _, _ = rule(w, [1.0, x1, x2], y)
errors = sum(rule(w, [1.0, a, b], y)[2] != y for (a, b), y in XOR)
print(f"weights at the start of epoch {epoch} were already seen at epoch {seen[tuple(w)]}: "
      f"a cycle; {errors} of 4 examples still wrong")
assert epoch < 100 and errors > 0

# %% [markdown]
# A brute-force search over a grid of weights finds no separating line either, while OR has
# many:

# %%
grid = np.linspace(-2, 2, 17)


def separable(table):
    return any(all((w0 + w1 * a + w2 * b > 0) == bool(y) for (a, b), y in table)
               for w0 in grid for w1 in grid for w2 in grid)


print("OR separable:", separable(OR), "  XOR separable:", separable(XOR))
assert separable(OR) and not separable(XOR)

# %% [markdown]
# ## Grabocka's ReLU network for XOR
#
# One hidden layer of two ReLU units and a linear output:
# $\hat y = w^\top \max\{0, W^\top x + c\} + b$ with
#
# $$ W = \begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix}, \quad
#    c = \begin{bmatrix} 0 \\ -1 \end{bmatrix}, \quad
#    w = \begin{bmatrix} 1 \\ -2 \end{bmatrix}, \quad b = 0 . $$
#
# The slide works all four inputs by hand: hidden vectors $h = (0,0), (1,0), (1,0), (2,1)$ and
# outputs $0, 1, 1, 0$.

# %%
Wg, cg, wg, bg = [[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0], [1.0, -2.0], 0.0
slide_h = {(0, 0): (0, 0), (0, 1): (1, 0), (1, 0): (1, 0), (1, 1): (2, 1)}


def xor_net(x, W=Wg, c=cg, w=wg, b=bg):
    # h_i = g(W[:, i]ᵀ x + c_i): column i of W feeds hidden unit i
    z = [dot([W[0][i], W[1][i]], x) + c[i] for i in range(2)]
    h = [zi.relu() for zi in z]
    return h, dot(w, h) + b


for (x1, x2), y in XOR:
    h, out = xor_net([Value(float(x1)), Value(float(x2))])
    kinks = [i + 1 for i, hi in enumerate(h) if hi.at_kink]
    print(f"x = ({x1}, {x2}): h = ({h[0].data:g}, {h[1].data:g}), ŷ = {out.data:g}"
          + (f"   (hidden unit {kinks[0]} exactly at its kink)" if kinks else ""))
    assert (h[0].data, h[1].data) == slide_h[(x1, x2)] and out.data == y

# %%
grabocka = next(p for p in bundled_examples() if "grabocka" in p.stem)
(xor_report,) = check_text(grabocka.read_text(encoding="utf-8"), name=grabocka.stem).examples
print(xor_report.to_text())
assert all(c.status == "ok" for c in xor_report.claims) and len(xor_report.warnings) == 3

# %% [markdown]
# All the slide's numbers are right (the engine above, and `backprop verify` on the library's
# copy of the slide, agree). Note the kinks: at $x = (0,0)$ and at $x = (0,1)$,
# $(1,0)$ one hidden unit receives exactly 0. The network's *outputs* do not care, but a
# gradient at those points depends on the convention for relu′(0), a good reason not to
# start training from exactly this point. The hidden layer has moved the four points so that
# a line separates them:

# %%
H = {xy: tuple(v.data for v in xor_net([Value(float(a)) for a in xy])[0]) for xy, _ in XOR}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8))
for (xy, y) in XOR:
    for ax, pt in ((ax1, xy), (ax2, H[xy])):
        ax.scatter(*pt, s=120, color="C1" if y else "C0", edgecolor="k", zorder=3)
        ax.annotate(f"{xy}", pt, textcoords="offset points", xytext=(8, -14))
ax1.set_title("input space: no line separates the colours")
ax2.set_title("hidden space h: the line h₁ − 2h₂ = ½ does")
hs = np.linspace(-0.2, 2.2, 10)
ax2.plot(hs, (hs - 0.5) / 2, "k--")
for ax in (ax1, ax2):
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Learning XOR
#
# The same architecture, 2 → 2 ReLU → 1 linear, trained by gradient descent on the mean
# squared error over the four examples. Small ReLU networks can get stuck (a unit whose
# input is negative on every example passes no gradient and never recovers), so the outcome
# depends on the random start. We train from 20 seeds and look at how many succeed, then
# plot one success.

# %%
def train(seed, steps=400, lr=0.1):
    rng = random.Random(seed)
    W = [[Value(rng.uniform(-1, 1), role="param") for _ in range(2)] for _ in range(2)]
    c = [Value(rng.uniform(-1, 1), role="param") for _ in range(2)]
    w = [Value(rng.uniform(-1, 1), role="param") for _ in range(2)]
    b = Value(0.0, role="param")
    params = [*W[0], *W[1], *c, *w, b]
    history = []
    for _ in range(steps):
        loss = sum((xor_net([float(a), float(bb)], W, c, w, b)[1] - y) ** 2
                   for (a, bb), y in XOR) / 4
        for p in params:
            p.grad = 0.0
        loss.backward()
        with no_grad():
            for p in params:
                p.data -= lr * p.grad
        history.append(loss.data)
    return (W, c, w, b), history


results = {seed: train(seed) for seed in range(20)}
solved = [s for s, (_, hist) in results.items() if hist[-1] < 1e-3]
print(f"{len(solved)} of 20 random starts learn XOR (final MSE < 0.001)")
assert 0 < len(solved) < 20

# %%
seed = solved[0]
(Wl, cl, wl, bl), history = results[seed]
preds = [xor_net([float(a), float(b)], Wl, cl, wl, bl)[1].data for (a, b), _ in XOR]
print("learned outputs:", [round(p, 3) for p in preds])
assert all(abs(p - y) < 0.05 for p, (_, y) in zip(preds, XOR))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.semilogy(history)
for s, (_, hist) in results.items():
    if s not in solved:
        ax1.semilogy(hist, color="grey", alpha=0.3)
ax1.set_xlabel("step")
ax1.set_ylabel("MSE")
ax1.set_title(f"seed {seed} (blue) vs the stuck starts (grey)")
gx, gy = np.meshgrid(np.linspace(-0.5, 1.5, 60), np.linspace(-0.5, 1.5, 60))
with no_grad():
    zz = np.array([[xor_net([float(a), float(b)], Wl, cl, wl, bl)[1].data for a, b in zip(r1, r2)]
                   for r1, r2 in zip(gx, gy)])
cs = ax2.contourf(gx, gy, zz, levels=20, cmap="coolwarm")
ax2.contour(gx, gy, zz, levels=[0.5], colors="k")
for (a, b), y in XOR:
    ax2.scatter(a, b, s=120, color="C1" if y else "C0", edgecolor="k")
ax2.set_title("learned ŷ(x); the black line is ŷ = ½")
fig.colorbar(cs, ax=ax2)
fig.tight_layout()
plt.show()
