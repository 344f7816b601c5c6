# Notebook 6 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 6 · Losses and their gradients
#
# A loss turns the network's output into one number to minimise; back-propagation starts from
# its gradient. This notebook recomputes the worked loss examples of the lectures (Fromont's
# MSE and softmax + cross-entropy, Vo's logistic and hinge losses, Grabocka's output units),
# checks each gradient against a formula derived by hand, and shows why softmax followed by
# cross-entropy has the famously simple gradient $p - y$.
#
# Numbers printed on slides are treated as claims: each one is recomputed here, exactly where
# possible (with `fractions`), and compared.

# %%
import math
import random
from fractions import Fraction

import matplotlib.pyplot as plt

from autograd_core import Value, grad, log_softmax, logsumexp, softmax, vsum

# %% [markdown]
# ## Mean squared error
#
# Fromont writes the squared error of one example with $P$ outputs as
#
# $$ E = \frac12 \sum_{p=1}^{P} (u_p - y_p)^2, \qquad \frac{\partial E}{\partial u_p} = u_p - y_p, $$
#
# and works the example $u = (1, 0)$, $y = (0.8, 0.5)$: $E = 0.5\,[(1-0.8)^2 + (0-0.5)^2] = 0.145$.
# The factor ½ is there so that the derivative has no 2 in it. In exact arithmetic:

# %%
u_num, y_num = [1, 0], [Fraction(8, 10), Fraction(5, 10)]
E_exact = Fraction(1, 2) * sum((a - b) ** 2 for a, b in zip(u_num, y_num))
print("E exactly:", E_exact, "=", float(E_exact))
assert E_exact == Fraction(145, 1000)  # the slide's 0.145 is right

u = [Value(1.0, label="u1"), Value(0.0, label="u2")]
E = 0.5 * vsum((ui - yi) ** 2 for ui, yi in zip(u, [0.8, 0.5]))
E.backward()
print(f"engine: E = {E.data:.6f}, dE/du = {[round(ui.grad, 12) for ui in u]}")
assert math.isclose(E.data, 0.145, rel_tol=1e-12)
assert [ui.grad for ui in u] == [1 - 0.8, 0 - 0.5]

# %% [markdown]
# ## Softmax and cross-entropy
#
# For $C$ classes the network produces scores $u \in \mathbb R^C$; softmax turns them into
# probabilities and the cross-entropy with a one-hot target $y$ (the $1$ at index $t$) is
#
# $$ p_j = \frac{e^{u_j}}{\sum_k e^{u_k}}, \qquad
#    J = -\sum_j y_j \ln p_j = -u_t + \ln \sum_k e^{u_k}. $$
#
# Fromont's example: $u = [-2, 3, 1]$, $y = [0, 1, 0]$ (so $t = 1$, counting from 0). The
# slide prints $p \approx [0.0058, 0.87, 0.118]$ and $J = 0.1328$.

# %%
scores = [-2.0, 3.0, 1.0]
t = 1
Z = sum(math.exp(s) for s in scores)
p_ref = [math.exp(s) / Z for s in scores]
J_ref = -math.log(p_ref[t])
print("p  =", [f"{q:.7f}" for q in p_ref])
print(f"J  = {J_ref:.6f}")

u = [Value(s, label=f"u{j}") for j, s in enumerate(scores)]
p = softmax(u)
J = -u[t] + logsumexp(u)
J.backward()
print("engine p =", [f"{q.data:.6f}" for q in p], f"  J = {J.data:.6f}")
for q, r in zip(p, p_ref):
    assert math.isclose(q.data, r, rel_tol=1e-12)
assert math.isclose(J.data, J_ref, rel_tol=1e-12)

# %% [markdown]
# Checking the slide's numbers against these:
#
# | quantity | slide | recomputed | verdict |
# |---|---|---|---|
# | $p_0$ | 0.0058 | 0.0058998 | truncated instead of rounded (0.0059) |
# | $p_1$ | 0.87 | 0.875601 | truncated; the slide's own printout says 0.8756006 |
# | $p_2$ | 0.118 | 0.118499 | right: 0.118 is 0.1184997 correctly rounded to 3 places |
# | $J$ | 0.1328 | 0.132845 | right (rounded to 4 places) |
#
# So two of the three printed probabilities were cut instead of rounded; nothing is wrong
# beyond the last digit. The code on the slide also has two slips worth knowing about: it calls `softmax(scores)`
# after defining `u`, and its `crossEnt` returns $\sum_j y_j \ln p_j$ *without* the minus
# sign, i.e. $-0.1328$. The tests below pin those facts.

# %%
assert math.floor(p_ref[0] * 1e4) / 1e4 == 0.0058 and round(p_ref[0], 4) == 0.0059
assert math.floor(p_ref[1] * 100) / 100 == 0.87 and round(p_ref[1], 7) == 0.8756006
assert round(p_ref[2], 3) == 0.118
assert round(J_ref, 4) == 0.1328
assert round(sum(y * math.log(q) for y, q in zip([0, 1, 0], p_ref)), 4) == -0.1328

# %% [markdown]
# The library's bundled copy of Fromont's examples, checked by `backprop verify`, must reach
# the same verdicts (and it accepts the MSE example as well):

# %%
from autograd_core.verify import bundled_examples, check_text

fromont = next(p for p in bundled_examples() if "fromont" in p.stem)
examples = check_text(fromont.read_text(encoding="utf-8"), name=fromont.stem).examples
softmax_report = next(e for e in examples if "softmax" in e.name)
mse_report = next(e for e in examples if "squared" in e.name)
print(softmax_report.to_text())
statuses = [(c.name, c.claimed_text, c.status) for c in softmax_report.claims]
assert statuses[0] == ("p", "[0.0058, 0.87, 0.118]", "truncated")
assert all(status == "ok" for _, _, status in statuses[1:])
assert [c.status for c in mse_report.claims] == ["ok"]

# %% [markdown]
# ### Why the gradient is $p - y$
#
# From $J = -u_t + \ln \sum_k e^{u_k}$:
#
# $$ \frac{\partial J}{\partial u_j} = -[j = t] + \frac{e^{u_j}}{\sum_k e^{u_k}} = p_j - y_j . $$
#
# The two pieces of the loss each contribute one term: $-u_t$ gives $-y_j$, the log-partition
# function gives $p_j$ (its derivative *is* the softmax). The softmax Jacobian
# $\partial p_i/\partial u_j = p_i([i=j] - p_j)$ never has to be formed: multiplied by
# $\partial J/\partial p_i = -y_i/p_i$ and summed, it collapses to the same $p_j - y_j$.

# %%
print("engine dJ/du =", [f"{ui.grad:+.6f}" for ui in u])
print("p − y        =", [f"{q - y:+.6f}" for q, y in zip(p_ref, [0, 1, 0])])
for ui, q, y in zip(u, p_ref, [0, 1, 0]):
    assert math.isclose(ui.grad, q - y, rel_tol=1e-12, abs_tol=1e-15)

# the long way: softmax nodes first, then −ln p_t; the same gradient
u2 = [Value(s) for s in scores]
J2 = -softmax(u2)[t].log()
g_long = grad(J2, u2)
assert all(math.isclose(a, b.grad, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(g_long, u))

# %% [markdown]
# The identity holds for any scores and any target; a quick randomised check:

# %%
rng = random.Random(6)
for _ in range(200):
    C = rng.randint(2, 6)
    s = [rng.uniform(-8, 8) for _ in range(C)]
    target = rng.randrange(C)
    us = [Value(v) for v in s]
    loss = -log_softmax(us)[target]
    g = grad(loss, us)
    zs = sum(math.exp(v) for v in s)
    for j in range(C):
        assert math.isclose(g[j], math.exp(s[j]) / zs - (j == target), abs_tol=1e-12)
print("p − y confirmed on 200 random examples")

# %% [markdown]
# Why the engine computes $\ln\sum e^{u_k}$ as one `logsumexp` node: it subtracts the largest
# score first, so large scores do not overflow. A plain `exp` of 1000 is `inf` in floating
# point; the stable form is exact.

# %%
big = [Value(1000.0), Value(0.0), Value(-1000.0)]
loss = -log_softmax(big)[0]
g = grad(loss, big)
print(f"loss = {loss.data + 0.0}, gradient = {tuple(x + 0.0 for x in g)}")
assert loss.data == 0.0 and g == (0.0, 0.0, 0.0)
try:
    math.exp(1000.0)
except OverflowError as err:
    print("math.exp(1000):", err)

# %% [markdown]
# ## Binary cross-entropy with a sigmoid output
#
# For two classes one sigmoid output $\hat y = \sigma(a)$ is enough (Grabocka's Bernoulli
# output unit, Vo's logistic regression). The loss of one example is
#
# $$ \ell = -y \ln \hat y - (1 - y) \ln(1 - \hat y), \qquad
#    \frac{\partial \ell}{\partial \hat y} = -\frac{y}{\hat y} + \frac{1-y}{1-\hat y}, \qquad
#    \frac{\partial \ell}{\partial a} = \hat y - y . $$
#
# The last one is the two-class case of $p - y$: the sigmoid's derivative
# $\hat y(1-\hat y)$ cancels the denominators. Notebook 3 uses this loss on Vo's network,
# where the output is $\hat y = 0.6828$ and $y = 1$.

# %%
for a_val, y in [(0.7665, 1), (0.7665, 0), (-3.0, 1), (2.5, 0)]:
    a = Value(a_val, label="a")
    yhat = a.sigmoid()
    ell = -(y * yhat.log() + (1 - y) * (1 - yhat).log())
    d_yhat, d_a = grad(ell, [yhat, a])
    s = 1 / (1 + math.exp(-a_val))
    print(f"a = {a_val:+.4f} y = {y}:  ŷ = {s:.4f}  ℓ = {ell.data:.4f}  "
          f"dℓ/dŷ = {d_yhat:+.4f}  dℓ/da = {d_a:+.4f}  (ŷ − y = {s - y:+.4f})")
    assert math.isclose(d_yhat, -y / s + (1 - y) / (1 - s), rel_tol=1e-12)
    assert math.isclose(d_a, s - y, rel_tol=1e-12)

# %% [markdown]
# ## Hinge loss
#
# Vo's support vector machine scores an example with $f(x) = w^\top x + w_0$ and a label
# $y \in \{-1, +1\}$, and pays $\ell = \max(0,\ 1 - y f)$: nothing once the example is on the
# right side with margin at least 1, a linear price otherwise. Its derivative is
# $-y$ for $y f < 1$ and $0$ for $y f > 1$; at $y f = 1$ there is a kink and any value in
# $[-y, 0]$ is a valid *subgradient*. The engine writes the hinge with `relu` and follows
# PyTorch's convention there (relu′(0) = 0), and it flags the node, so a tool can warn that a
# hand-worked answer at that point depends on the convention.

# %%
for margin in (0.4, 1.0, 1.7):
    f_x = Value(margin, label="f")
    hinge = (1 - 1.0 * f_x).relu()  # y = +1
    (d,) = grad(hinge, [f_x])
    print(f"y·f = {margin}: loss {hinge.data:.2f}, dℓ/df = {d + 0.0:+.1f}, at a kink: {hinge.at_kink}")
    assert d == (-1.0 if margin < 1 else 0.0)
    assert hinge.at_kink == (margin == 1.0)

# %% [markdown]
# ## The four losses side by side
#
# Each curve is the loss of one example as its prediction varies; the dashed curve is its
# derivative, computed by the engine at every point. The derivative of the MSE grows with
# the error, cross-entropy's is bounded by 1 in the logit, and the hinge's is flat once the
# margin is met.

# %%
def curve(loss_of, xs):
    values, slopes = [], []
    for x0 in xs:
        x = Value(x0)
        loss = loss_of(x)
        (d,) = grad(loss, [x])
        values.append(loss.data)
        slopes.append(d)
    return values, slopes


xs = [-3 + 6 * i / 240 for i in range(241)]
panels = [
    ("MSE, target 1:  ½(u − 1)²", lambda u: 0.5 * (u - 1.0) ** 2, "output u"),
    ("BCE, target 1:  −ln σ(a)", lambda a: -(a.sigmoid().log()), "logit a"),
    ("softmax + CE, scores [a, 0, 0], class 0",
     lambda a: -log_softmax([a, Value(0.0), Value(0.0)])[0], "score a of the true class"),
    ("hinge, y = +1:  max(0, 1 − f)", lambda f: (1 - f).relu(), "score f"),
]
fig, axes = plt.subplots(2, 2, figsize=(9, 6), sharex=True)
for ax, (title, fn, xlabel) in zip(axes.flat, panels):
    values, slopes = curve(fn, xs)
    ax.plot(xs, values, label="loss")
    ax.plot(xs, slopes, "--", label="derivative (engine)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
axes[0, 0].legend()
fig.tight_layout()
plt.show()

# the softmax panel's derivative is p₀ − 1 with p₀ = eᵃ/(eᵃ + 2)
_, slopes = curve(panels[2][1], xs)
assert all(math.isclose(s, math.exp(a) / (math.exp(a) + 2) - 1, abs_tol=1e-12)
           for a, s in zip(xs, slopes))
