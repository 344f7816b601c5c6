# Notebook 2 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 2 · The chain rule and general back-propagation
#
# Grabocka's lecture (after Goodfellow, Bengio and Courville, *Deep Learning* §6.5) builds
# back-propagation from one idea: store every $\partial z/\partial u$ in a table, the
# `grad_table`, and fill it from the output backwards, so that nothing is computed twice.
# This notebook follows that construction with the engine:
#
# 1. the chain $x = f(w)$, $y = f(x)$, $z = f(y)$ and its derivative by hand;
# 2. the grad_table filled one entry at a time, by us, with each op's `bprop`, and compared
#    with `build_grad`;
# 3. a node with two consumers: why the order is *reverse topological*;
# 4. pruning the graph to $\mathcal G'$, the nodes between the targets and $z$;
# 5. symbol-to-symbol derivatives: the gradient as a graph of its own, differentiated again.

# %%
import math

from autograd_core import Value, build_grad, grad, prune, topological_order

# %% [markdown]
# ## 1. The chain $z = f(f(f(w)))$
#
# With $f = \sin$ and $x = f(w)$, $y = f(x)$, $z = f(y)$, the chain rule gives
#
# $$ \frac{dz}{dw} = \frac{dz}{dy}\,\frac{dy}{dx}\,\frac{dx}{dw}
#    = f'(y)\,f'(x)\,f'(w) = \cos y\,\cos x\,\cos w . $$
#
# The lecture points out the two ways to evaluate this product. Written as
# $f'(f(f(w)))\,f'(f(w))\,f'(w)$ it recomputes $f(w)$ and $f(f(w))$; written with the stored
# $x$ and $y$ it reuses the forward pass. Back-propagation is the second way.

# %%
w = Value(0.9, label="w")
x = w.sin()
x.label = "x"
y = x.sin()
y.label = "y"
z = y.sin()
z.label = "z"

by_hand = math.cos(y.data) * math.cos(x.data) * math.cos(w.data)
(dz_dw,) = grad(z, [w])
print(f"x = {x.data:.6f}, y = {y.data:.6f}, z = {z.data:.6f}")
print(f"dz/dw: engine {dz_dw:.12f}, by hand {by_hand:.12f}")
assert math.isclose(dz_dw, by_hand, rel_tol=1e-14)

# %% [markdown]
# Counting calls makes the difference between the two ways concrete: the expanded formula
# evaluates $f$ three times on top of the forward pass, back-propagation not once.

# %%
calls = {"f": 0}


def f(t):
    calls["f"] += 1
    return math.sin(t)


calls["f"] = 0
expanded = math.cos(f(f(0.9))) * math.cos(f(0.9)) * math.cos(0.9)
print("f evaluated", calls["f"], "times by the expanded formula")
assert calls["f"] == 3 and math.isclose(expanded, by_hand, rel_tol=1e-14)

# %% [markdown]
# ## 2. Filling the grad_table by hand
#
# The algorithm, in the lecture's words turned into steps:
#
# 1. order the nodes so that every node comes after its inputs (a topological order);
# 2. `grad_table[z] = 1`;
# 3. walk the order backwards; at each node $C$, ask its operation for
#    `op.bprop(inputs, C, grad_table[C])`, which returns one contribution
#    $\frac{\partial z}{\partial C}\frac{\partial C}{\partial V}$ per input $V$; add each into
#    `grad_table[V]`.
#
# Because the walk is backwards, when we reach a node all of its consumers have already been
# visited, so its entry is complete. Here is that loop, written out with the engine's own
# `bprop` functions:

# %%
order = topological_order(z)
print("topological order:", [n.label for n in order])

grad_table = {z: 1.0}
for step, C in enumerate(reversed(order)):
    if C.is_leaf:
        continue
    inputs = tuple(i.data for i in C.inputs)
    contributions = C.op.bprop(inputs, C.data, grad_table[C])
    for V, g in zip(C.inputs, contributions):
        grad_table[V] = grad_table.get(V, 0.0) + g
        print(f"step {step}: {C.op.name}({V.label}) → grad_table[{V.label}] = {grad_table[V]:+.6f}")

# %% [markdown]
# `build_grad` is the engine's version of that loop. It returns a `GradTable` whose iteration
# order is the order in which the entries became known:

# %%
table = build_grad(z)
print(table)
for node in table:
    assert math.isclose(table[node], grad_table[node], rel_tol=1e-15)
assert [n.label for n in table] == ["z", "y", "x", "w"]

# %% [markdown]
# ## 3. Two consumers: the sum in the chain rule
#
# When a value feeds two operations, $\partial z/\partial V$ is the *sum* over its consumers:
#
# $$ \frac{\partial z}{\partial V} = \sum_{C \in \text{consumers}(V)}
#    \frac{\partial z}{\partial C}\,\frac{\partial C}{\partial V}. $$
#
# Take $z = \sin(w)\cdot e^{w} + \sin(w)$. The node $s = \sin w$ has two consumers, the
# product and the final sum, so its entry can only be written once both have been visited.
# `keep_terms=True` keeps the individual terms so they can be shown.

# %%
w = Value(0.3, label="w")
s = w.sin()
s.label = "s"
e = w.exp()
e.label = "e"
p = s * e
p.label = "p"
z = p + s
z.label = "z"

table = build_grad(z, keep_terms=True)
print(table)
print(table.chain_rule(s))
print(table.chain_rule(w))

# closed form: dz/ds = e + 1, dz/dw = (e + 1) cos w + s e
ew, sw, cw = math.exp(0.3), math.sin(0.3), math.cos(0.3)
assert math.isclose(table[s], ew + 1, rel_tol=1e-14)
assert math.isclose(table[w], (ew + 1) * cw + sw * ew, rel_tol=1e-14)
assert len(table.terms(s)) == 2 and len(table.terms(w)) == 2
# s became known only after both of its consumers, p and z
assert table.step(s) > table.step(p) > table.step(z)

# %% [markdown]
# The same order in a picture: `draw_steps` numbers each node by the step at which its
# entry of the grad_table became complete.

# %%
from autograd_core.draw import draw_steps, stepper_widget

draw_steps(z)

# %% [markdown]
# The stepper goes through those steps one at a time: each step lights up the node (yellow),
# its consumers (blue) and the edges their contributions arrive along, and writes the chain
# rule out with its factors and each op's local rule. Click the picture, then use the arrow
# keys, Space to play, + and − to zoom. For a lecture, `write_stepper(z, "steps.html")`
# writes the same stepper as one page that works offline (`backprop draw … -o steps.html`
# from the command line).

# %%
stepper_widget(z)

# %% [markdown]
# ## 4. Pruning to $\mathcal G'$
#
# Goodfellow's `build_grad` is given a *target set* $\mathbb T$: the variables whose gradients
# are wanted. Only the nodes that are ancestors of $z$ **and** descendants of a target matter;
# the lecture calls that subgraph $\mathcal G'$. Everything else (other parameters, constants,
# whole branches that do not depend on the targets) is skipped.
#
# Below, $z = \tanh(a\,w + b) \cdot \sigma(c\,v)$. With $\mathbb T = \{w\}$ the branch through
# $c$ and $v$ is needed only as a *value* (it multiplies the gradient), never as a node to
# differentiate.

# %%
a, w, b = Value(0.7, label="a"), Value(-1.2, label="w"), Value(0.4, label="b")
c, v = Value(2.0, label="c"), Value(0.25, label="v")
left = (a * w + b).tanh()
left.label = "left"
right = (c * v).sigmoid()
right.label = "right"
z = left * right
z.label = "z"

full = topological_order(z)
g_prime = prune(full, [w])


def names(nodes):
    return [n.label or n.op.name for n in nodes]


print("G :", names(full))
print("G′:", names(g_prime))

table = build_grad(z, [w])
print(table)
assert set(table) == set(g_prime)
assert c not in table and right not in table and a not in table

# the number is the same as with the whole graph
t_left = math.tanh(0.7 * -1.2 + 0.4)
sig = 1 / (1 + math.exp(-0.5))
assert math.isclose(table[w], (1 - t_left**2) * 0.7 * sig, rel_tol=1e-14)
assert math.isclose(build_grad(z)[w], table[w], rel_tol=1e-15)

# %% [markdown]
# Asking for a node outside $\mathcal G'$ is an error that says why:

# %%
try:
    table[c]
except KeyError as err:
    print("KeyError:", err)

# %% [markdown]
# ## 5. Symbol-to-symbol derivatives
#
# So far the table held numbers. The lecture's last step ("Insert $G$ and the operations
# creating it into $\mathcal G$") describes what Theano and TensorFlow do: the backward pass
# *builds graph nodes* for the derivatives instead of computing floats. The engine does this
# with `create_graph=True`: every `bprop` is evaluated with `Value` arithmetic, so
# `table[w]` is a `Value` whose graph computes $dz/dw$, and that graph can itself be
# differentiated.
#
# Back to the chain $z = \sin\sin\sin w$. Its second derivative by hand, with
# $x' = \cos w$ and $y' = \cos x \cos w$:
#
# $$ z'' = -\sin y\,(y')^2 - \cos y\,\sin x\,(x')^2 - \cos y \cos x \sin w . $$

# %%
w = Value(0.9, label="w")
x = w.sin()
y = x.sin()
z = y.sin()

table = build_grad(z, [w], create_graph=True)
dz = table[w]
print("table is symbolic:", table.symbolic)
print("dz/dw is a", type(dz).__name__, "with", len(topological_order(dz)), "nodes in its graph")

(d2z,) = grad(dz, [w])

W = 0.9
X, Y = math.sin(W), math.sin(math.sin(W))
xp, yp = math.cos(W), math.cos(X) * math.cos(W)
second = -math.sin(Y) * yp**2 - math.cos(Y) * math.sin(X) * xp**2 - math.cos(Y) * math.cos(X) * math.sin(W)


def first(t):  # dz/dw in closed form, for a finite-difference check of z''
    return math.cos(math.sin(math.sin(t))) * math.cos(math.sin(t)) * math.cos(t)


h = 1e-5
fd = (first(W + h) - first(W - h)) / (2 * h)
print(f"z''(0.9): engine {d2z:.12f}   by hand {second:.12f}   finite diff. {fd:.12f}")
assert math.isclose(dz.data, first(W), rel_tol=1e-14)
assert math.isclose(d2z, second, rel_tol=1e-12)
assert abs(d2z - fd) < 1e-8

# %% [markdown]
# The picture of what `create_graph=True` built: the forward chain (boxes) and the gradient
# nodes it inserted (orange), each labelled with the derivative it holds and the step at
# which build_grad knew it. Dashed edges show which forward values each gradient operation
# reads: $\partial z/\partial x = \partial z/\partial y \cdot \cos x$ needs $x$, and so on.
# That reuse of stored forward values is the whole economy of back-propagation.

# %%
from autograd_core.draw import draw_backward

w.label, x.label, y.label, z.label = "w", "x", "y", "z"
draw_backward(z, wrt=[w])

# %% [markdown]
# The derivative graph is an ordinary graph: a third derivative is one more call.

# %%
(d2z_graph,) = grad(dz, [w], create_graph=True)
(d3z,) = grad(d2z_graph, [w])
fd3 = (first(W + h) - 2 * first(W) + first(W - h)) / h**2
print(f"z'''(0.9): engine {d3z:.8f}   finite difference of z' {fd3:.8f}")
assert abs(d3z - fd3) < 1e-4
