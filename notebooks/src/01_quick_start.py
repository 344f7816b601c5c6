# Notebook 1 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 1 · Quick start: a number that remembers how it was made
#
# `autograd_core` differentiates programs one scalar at a time. Every number you compute with a
# `Value` keeps a note of the operation that produced it and of that operation's inputs. Those
# notes form a graph, and `backward()` walks it from the end to the start, applying the chain
# rule once per node.
#
# This notebook covers, in order:
#
# 1. making `Value`s and computing with ordinary operators;
# 2. `backward()` and reading `.grad`;
# 3. the `grad_table`, the record of what back-propagation computed and in which order;
# 4. the pure function `grad()`, which touches no `.grad`;
# 5. a picture of the graph.
#
# Every number the notebook prints is also checked by an `assert` against a computation that
# does not use the engine (a derivative worked out by hand, or a finite difference).

# %%
import math

from autograd_core import Value, grad

# %% [markdown]
# ## One neuron
#
# Take the first hidden unit of the small network in Vo's lecture (notebook 3 does the whole
# network): two inputs $x_1 = 0.5$, $x_2 = -0.5$, weights $w_1 = 0.5$, $w_2 = -2.5$, bias
# $b = -1.5$ and a sigmoid activation,
#
# $$ h = \sigma(w_1 x_1 + w_2 x_2 + b), \qquad \sigma(a) = \frac{1}{1 + e^{-a}}. $$
#
# Labels are optional; they make printouts and drawings readable.

# %%
x1 = Value(0.5, label="x1")
x2 = Value(-0.5, label="x2")
w1 = Value(0.5, label="w1", role="param")
w2 = Value(-2.5, label="w2", role="param")
b = Value(-1.5, label="b", role="param")

a = w1 * x1 + w2 * x2 + b
a.label = "a"
h = a.sigmoid()
h.label = "h"
print(a)
print(h)

# %% [markdown]
# The pre-activation is exactly $0.25 + 1.25 - 1.5 = 0$, so $h = \sigma(0) = 1/2$. Each
# computed node knows its operation and its inputs, in order:

# %%
print(h.op, h.inputs)
print(a.op, [node.data for node in a.inputs])
assert a.data == 0.0 and h.data == 0.5

# %% [markdown]
# ## `backward()` and `.grad`
#
# `h.backward()` fills `.grad` on every node of the graph with $\partial h / \partial\,\text{node}$.
# By hand: $\sigma'(a) = \sigma(a)\,(1 - \sigma(a)) = 1/4$ at $a = 0$, and
# $\partial a/\partial w_1 = x_1$, $\partial a/\partial x_1 = w_1$, $\partial a/\partial b = 1$, so
#
# $$ \frac{\partial h}{\partial w_1} = \tfrac14 x_1 = 0.125, \quad
#    \frac{\partial h}{\partial w_2} = \tfrac14 x_2 = -0.125, \quad
#    \frac{\partial h}{\partial b} = \tfrac14, \quad
#    \frac{\partial h}{\partial x_1} = \tfrac14 w_1, \quad
#    \frac{\partial h}{\partial x_2} = \tfrac14 w_2 .$$

# %%
h.backward()
for v in (w1, w2, b, x1, x2):
    print(f"dh/d{v.label:2s} = {v.grad:+.4f}")

s = 0.5 * (1 - 0.5)  # σ'(0), by hand
by_hand = {w1: s * 0.5, w2: s * -0.5, b: s, x1: s * 0.5, x2: s * -2.5}
for v, expected in by_hand.items():
    assert math.isclose(v.grad, expected, rel_tol=1e-12), (v.label, v.grad, expected)

# %% [markdown]
# A second, independent check that needs no calculus at all: nudge one input by $\pm\varepsilon$
# and watch the output move (a *central finite difference*, notebook 9 has more).

# %%
def sigmoid(t):
    return 1 / (1 + math.exp(-t))


def neuron(w1, w2, b, x1=0.5, x2=-0.5):
    return sigmoid(w1 * x1 + w2 * x2 + b)


eps = 1e-6
fd_w1 = (neuron(0.5 + eps, -2.5, -1.5) - neuron(0.5 - eps, -2.5, -1.5)) / (2 * eps)
print(f"finite difference {fd_w1:.10f}   engine {w1.grad:.10f}")
assert abs(fd_w1 - w1.grad) < 1e-9

# %% [markdown]
# ## Gradients accumulate
#
# `backward()` *adds* into `.grad`, as in PyTorch: a node used in two places of a computation
# collects both contributions, and a second `backward()` doubles everything. Reset with
# `zero_grad()` (it clears the whole graph of the node you call it on).

# %%
h.backward()
print("after a second backward:", w1.grad)
assert w1.grad == 2 * by_hand[w1]
h.zero_grad()
print("after zero_grad:        ", w1.grad)
assert w1.grad == 0.0

# %% [markdown]
# ## The operators
#
# `+ - * / **`, unary minus, and the functions `exp log tanh sigmoid relu leaky_relu abs sqrt
# sin cos step`. A plain number on either side becomes a *constant* leaf. A node keeps its
# inputs in order and keeps duplicates, so `u * u` has two inputs, both `u`, and its
# derivative collects two terms, $u + u = 2u$:

# %%
u = Value(3.0, label="u")
sq = u * u
print(sq.op.name, [i.label for i in sq.inputs])
sq.backward()
print("d(u·u)/du =", u.grad)
assert sq.inputs == (u, u) and u.grad == 2 * 3.0

sq.zero_grad()
c = 2**u - u / 4 + (-u).exp()
c.backward()
expected = math.log(2) * 2**3 - 1 / 4 - math.exp(-3)  # d/du of 2ᵘ − u/4 + e⁻ᵘ at u = 3
print(f"dc/du = {u.grad:.6f}   by hand {expected:.6f}")
assert math.isclose(u.grad, expected, rel_tol=1e-12)

power = c.inputs[0].inputs[0]  # c = (2**u − u/4) + exp(−u): the node 2**u
print(power.op.name, [(leaf.role, leaf.data) for leaf in power.inputs])

# %% [markdown]
# ## The `grad_table`
#
# `backward()` keeps what it computed in `h.grad_table`: node → $\partial h/\partial\,\text{node}$,
# in the order the gradients became known. The output comes first ($\partial h/\partial h = 1$),
# then each node only after *all* of its consumers have handed it their contribution; that is
# the order of Goodfellow et al.'s general back-propagation (notebook 2 goes through it step by
# step). Unlabelled nodes are named by their operation and their step.

# %%
h.backward(keep_terms=True)
table = h.grad_table
table

# %%
print(table)
assert table[h] == 1.0
assert [table.name(n) for n in table][:2] == ["h", "a"]
assert table[w1] == w1.grad

# %% [markdown]
# With `keep_terms=True` the table also remembers every term of every chain-rule sum, so a
# student can see where a number came from:

# %%
print(table.chain_rule(w1))
print(table.chain_rule(a))

# %% [markdown]
# ## `grad()`: derivatives without side effects
#
# `grad(z, [targets])` returns $\partial z/\partial t$ for each target and leaves every `.grad`
# alone. It only visits the part of the graph between the targets and $z$. With
# `create_graph=True` the derivative is itself a `Value` with a graph, so it can be
# differentiated again: here the second derivative of the sigmoid,
# $\sigma'' = \sigma(1-\sigma)(1-2\sigma)$.

# %%
h.zero_grad()
gw1, gb = grad(h, [w1, b])
print(gw1, gb, "   .grad untouched:", w1.grad)
assert (gw1, gb) == (by_hand[w1], by_hand[b]) and w1.grad == 0.0

t = Value(0.8, label="t")
(ds,) = grad(t.sigmoid(), [t], create_graph=True)
(d2s,) = grad(ds, [t])
sig = sigmoid(0.8)
print(f"σ'(0.8) = {ds.data:.6f}   σ''(0.8) = {d2s:.6f}")
assert math.isclose(ds.data, sig * (1 - sig), rel_tol=1e-12)
assert math.isclose(d2s, sig * (1 - sig) * (1 - 2 * sig), rel_tol=1e-12)

# %% [markdown]
# ## A picture of the graph
#
# `autograd_core.draw.draw_forward` draws the graph: one box per value (label, data and,
# after a backward pass, grad), one circle per operation, data flowing left to right.
# Inputs, parameters, constants and computed values have different styles (see the legend).
# The drawing shows itself inline in a notebook; no system Graphviz is needed.

# %%
from autograd_core.draw import draw_forward, draw_steps

h.zero_grad()
h.backward()
draw_forward(h)

# %% [markdown]
# `draw_steps` numbers every node by the step at which its gradient became known, the order
# of the `grad_table` above:

# %%
draw_steps(h)
