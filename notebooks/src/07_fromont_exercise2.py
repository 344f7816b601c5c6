# Notebook 7 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 7 · Fromont's Exercise 2: one back-propagation step, by hand and by the engine
#
# The exercise: a 2-2-1 network with sigmoid units and a squared-error loss. For the input
# $x = (x_1, x_2) = (1, 1)$, target $y = 0$ and learning rate $c = 1$,
#
# * compute the output of each neuron;
# * compute the new weights and the new output after **one** back-propagation step.
#
# Neurons are numbered as on the slide: 1 and 2 are the inputs, 3 and 4 the hidden units,
# 5 the output; 0 is the bias input, always 1. $w(i, j)$ is the weight from $i$ to $j$.

# %%
import math

import numpy as np

from autograd_core import Value, no_grad

w_init = {
    (0, 3): 0.2, (1, 3): 0.1, (2, 3): 0.3,
    (0, 4): -0.3, (1, 4): -0.2, (2, 4): 0.4,
    (0, 5): 0.4, (3, 5): 0.5, (4, 5): -0.4,
}
x = {0: 1.0, 1: 1.0, 2: 1.0}
y, c = 0.0, 1.0
sources = {3: (0, 1, 2), 4: (0, 1, 2), 5: (0, 3, 4)}

# %% [markdown]
# ## By hand, with the slide's recipe
#
# The recap slide gives everything needed (with $f = \sigma$ and $E = \frac12 (y - u)^2$):
#
# * output unit: $\delta_5 = (y - u_5)\,u_5(1 - u_5)$;
# * hidden unit: $\delta_j = \sigma_j(1 - \sigma_j)\,\delta_5\,w(j, 5)$;
# * every weight: $\Delta w(i, j) = c\,\delta_j\,x_i$, where $x_i$ is what flows along the
#   edge (the input, the bias 1, or a hidden output $\sigma_i$).
#
# This cell is plain arithmetic, no engine.

# %%
def sigmoid(t):
    return 1 / (1 + math.exp(-t))


def forward(w):
    out = dict(x)
    for j in (3, 4, 5):
        out[j] = sigmoid(sum(w[(i, j)] * out[i] for i in sources[j]))
    return out


o = forward(w_init)
for j in (3, 4, 5):
    a = sum(w_init[(i, j)] * o[i] for i in sources[j])
    print(f"neuron {j}: a = {a:+.6f}, output = {o[j]:.6f}")

delta = {5: (y - o[5]) * o[5] * (1 - o[5])}
for j in (3, 4):
    delta[j] = o[j] * (1 - o[j]) * delta[5] * w_init[(j, 5)]
w_hand = {(i, j): w + c * delta[j] * o[i] for (i, j), w in w_init.items()}
print()
for j in (5, 3, 4):
    print(f"δ{j} = {delta[j]:+.6f}")

# %% [markdown]
# The pre-activations are easy to check by eye: $a_3 = 0.2 + 0.1 + 0.3 = 0.6$,
# $a_4 = -0.3 - 0.2 + 0.4 = -0.1$.

# %%
assert math.isclose(sum(w_init[(i, 3)] for i in (0, 1, 2)), 0.6)
assert math.isclose(sum(w_init[(i, 4)] for i in (0, 1, 2)), -0.1)
assert o[5] > 0.5  # a positive output although the target is 0: the error is large

# %% [markdown]
# ## With the engine
#
# Build the same network from `Value`s, take the loss $E = \frac12 (u_5 - y)^2$, call
# `backward()`, and apply the general learning rule $w \leftarrow w - c\,\partial E/\partial w$
# under `no_grad()` (the update itself is not part of any graph).

# %%
W = {k: Value(v, label=f"w({k[0]},{k[1]})", role="param") for k, v in w_init.items()}


def forward_engine(W):
    out = {i: Value(v, label=f"x{i}") for i, v in x.items()}
    for j in (3, 4, 5):
        a = sum((W[(i, j)] * out[i] for i in sources[j]), Value(0.0, role="const"))
        out[j] = a.sigmoid()
        out[j].label = f"σ{j}" if j < 5 else "u5"
    return out


out = forward_engine(W)
E = 0.5 * (out[5] - y) ** 2
E.label = "E"
E.backward()
print(f"outputs: σ3 = {out[3].data:.6f}, σ4 = {out[4].data:.6f}, u5 = {out[5].data:.6f}")
print(f"E = {E.data:.6f}\n")
print(f"{'weight':8s} {'∂E/∂w':>10s} {'old':>8s} {'new (engine)':>13s} {'new (hand)':>11s}")
with no_grad():
    for k, p in W.items():
        new = p.data - c * p.grad
        print(f"w{k!s:7s} {p.grad:+10.6f} {w_init[k]:+8.4f} {new:+13.6f} {w_hand[k]:+11.6f}")
        assert math.isclose(new, w_hand[k], rel_tol=1e-13, abs_tol=1e-15)
        p.data = new

# %% [markdown]
# The slide's $\Delta w = c\,\delta_j x_i$ and the engine's $-c\,\partial E/\partial w$ agree
# to the last bit: $\delta_j$ *is* $-\partial E/\partial a_j$, the gradient at the
# pre-activation with the sign that makes it a step downhill.

# %%
for j in (3, 4, 5):
    a_node = out[j].inputs[0]
    assert math.isclose(-E.grad_table[a_node], delta[j], rel_tol=1e-13)
print("δⱼ = −∂E/∂aⱼ for j = 3, 4, 5")

# %% [markdown]
# ## The new output
#
# One step moved every weight a little in the direction that lowers $u_5$:

# %%
new_out = forward_engine(W)
E_new = 0.5 * (new_out[5].data - y) ** 2
o_hand = forward(w_hand)
print(f"output: {o[5]:.6f} → {new_out[5].data:.6f}   (by hand: {o_hand[5]:.6f})")
print(f"error : {E.data:.6f} → {E_new:.6f}")
assert math.isclose(new_out[5].data, o_hand[5], rel_tol=1e-13)
assert E_new < E.data and new_out[5].data < o[5]

# %% [markdown]
# ## The same step with `nn`
#
# In matrix form (one row per neuron, as Vo's slides write it) the network is
# $W^{(1)} = \begin{bmatrix} w(1,3) & w(2,3) \\ w(1,4) & w(2,4) \end{bmatrix}$,
# $\beta^{(1)} = [w(0,3), w(0,4)]$, $W^{(2)} = [w(3,5)\ \ w(4,5)]$, $\beta^{(2)} = w(0,5)$.
# `nn` builds it from those matrices, the loss is `half_squared_error` ($\frac12(u-y)^2$), and
# one step of plain SGD with learning rate $c = 1$ is the exercise's update. The drawing
# shows every value and gradient of the step, neuron by neuron.

# %%
from autograd_core.draw import draw_forward
from nn import MLP
from nn.losses import half_squared_error
from nn.optim import SGD

w = w_init
net = MLP.from_matrices(
    [[[w[(1, 3)], w[(2, 3)]], [w[(1, 4)], w[(2, 4)]]], [[w[(3, 5)], w[(4, 5)]]]],
    [[w[(0, 3)], w[(0, 4)]], [w[(0, 5)]]],
    "sigmoid",
)
inputs = [Value(1.0, label="x1"), Value(1.0, label="x2")]
E_nn = half_squared_error(net(inputs), y)
E_nn.label = "E"
E_nn.backward()
picture = draw_forward(E_nn)
picture

# %%
SGD(net.parameters(), lr=c).step()
hidden, output = net.layers
assert np.allclose(hidden.weights, [[w_hand[(1, 3)], w_hand[(2, 3)]], [w_hand[(1, 4)], w_hand[(2, 4)]]])
assert np.allclose(hidden.biases, [w_hand[(0, 3)], w_hand[(0, 4)]])
assert np.allclose(output.weights, [[w_hand[(3, 5)], w_hand[(4, 5)]]])
assert np.allclose(output.biases, [w_hand[(0, 5)]])
new_u = net([1.0, 1.0]).data
print("new W1 =", np.round(hidden.weights, 6).tolist(), " new β1 =", np.round(hidden.biases, 6).tolist())
print("new W2 =", np.round(output.weights, 6).tolist(), " new β2 =", np.round(output.biases, 6).tolist())
print(f"new output {new_u:.6f}")
assert math.isclose(new_u, o_hand[5], rel_tol=1e-13)

# %% [markdown]
# The library bundles this exercise as a worked example too. The slide prints no answer, so
# the file only asks `backprop verify` to *show* the values; they must be the ones above:

# %%
from autograd_core.verify import bundled_examples, check_text

fromont = next(p for p in bundled_examples() if "fromont" in p.stem)
examples = check_text(fromont.read_text(encoding="utf-8"), name=fromont.stem).examples
exercise = next(e for e in examples if "Exercise 2" in e.name)
print(exercise.to_text())
shown = {v.name: np.ravel(v.computed) for v in exercise.shown}
assert np.allclose(shown["h"], [o[3], o[4]]) and np.allclose(shown["u"], o[5])
assert np.allclose(shown["W1_new"], np.ravel(hidden.weights))
assert np.allclose(shown["W2_new"], np.ravel(output.weights))
assert np.allclose(shown["u_new"], new_u)

# %% [markdown]
# ## A common slip: updating in place, layer by layer
#
# A tempting way to do the exercise by hand is to update the output layer first and then
# compute the hidden $\delta_j$ with the **new** $w(j, 5)$. That is not back-propagation: all
# gradients belong to the same point, the weights *before* the step. The difference is small
# here, but it is a different answer:

# %%
w_inplace = dict(w_init)
for i in (0, 3, 4):
    w_inplace[(i, 5)] += c * delta[5] * o[i]
for j in (3, 4):
    d = o[j] * (1 - o[j]) * delta[5] * w_inplace[(j, 5)]  # uses the updated w(j,5)
    for i in (0, 1, 2):
        w_inplace[(i, j)] += c * d * o[i]
diff = {k: w_inplace[k] - w_hand[k] for k in w_init if abs(w_inplace[k] - w_hand[k]) > 1e-12}
for k in diff:
    print(f"w{k}: {w_inplace[k]:+.6f} instead of {w_hand[k]:+.6f}")
assert set(diff) == {(i, j) for j in (3, 4) for i in (0, 1, 2)}

# %% [markdown]
# ## A few steps more
#
# Repeating the step drives the output towards the target 0; with a sigmoid output it can
# only approach it.

# %%
history = [o[5]]
for _ in range(30):
    out = forward_engine(W)
    E = 0.5 * (out[5] - y) ** 2
    for p in W.values():
        p.grad = 0.0
    E.backward()
    with no_grad():
        for p in W.values():
            p.data -= c * p.grad
    history.append(forward_engine(W)[5].data)
print(" → ".join(f"{u:.3f}" for u in history[::5]))
assert all(b < a for a, b in zip(history, history[1:]))
