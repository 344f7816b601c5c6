# Notebook 4 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 4 · Allauzen's softmax classifier, the delta rule, and $\delta^{(l)}$
#
# Allauzen's lecture (Paris-Sud / LIMSI, 2017) derives back-propagation in matrix notation,
# one layer at a time, with one quantity doing all the work: $\delta$, the gradient of the
# loss at the **pre-activation** of a layer. This notebook follows it:
#
# 1. a single-layer softmax classifier ("maxent") and its gradient $\nabla_W = \delta\,x^\top$
#    with $\delta_k = y_k - \mathbb I\{k = c\}$;
# 2. stochastic gradient descent with it, on a small 2-D problem;
# 3. a hidden layer: $\delta^{(l)} = f'^{(l)}(a^{(l)}) \circ \big(W^{(l+1)\top}\delta^{(l+1)}\big)$;
# 4. a layer object that keeps exactly what the lecture says a layer must keep, checked
#    against the engine on a deeper network.
#
# The engine computes every gradient from the scalar graph, knowing nothing of matrices or
# $\delta$s; the lecture's formulas are evaluated with numpy. Agreement is the check.

# %%
import math
import random

import matplotlib.pyplot as plt
import numpy as np

from autograd_core import Value, dot, log_softmax, no_grad, softmax

# %% [markdown]
# ## 1. One layer: $x \to a = Wx \to y = \mathrm{softmax}(a) \to l$
#
# $$ y_k = \frac{e^{a_k}}{\sum_{k'} e^{a_{k'}}}, \qquad
#    l = -\log y_c, \qquad
#    \frac{\partial l}{\partial w_{kj}} = -(\mathbb I\{k = c\} - y_k)\,x_j = \delta_k x_j . $$
#
# The bias is *implicit*: the input carries a constant $x_0 = 1$ and the first column of $W$
# plays the bias. A small case with 3 classes and 3 inputs (bias included):

# %%
W_num = np.array([[0.2, -0.5, 0.1], [0.0, 0.3, -0.2], [-0.1, 0.4, 0.6]])
x_num = np.array([1.0, 1.5, -0.5])  # x₀ = 1: the implicit bias input
c = 2  # the true class (counting from 0)

W = [[Value(w, label=f"W[{k},{j}]", role="param") for j, w in enumerate(row)]
     for k, row in enumerate(W_num)]
x = [Value(v, label=f"x{j}") for j, v in enumerate(x_num)]
a = [dot(row, x) for row in W]
for k, ak in enumerate(a):
    ak.label = f"a{k}"
loss = -log_softmax(a)[c]
loss.backward()
grad_engine = np.array([[w.grad for w in row] for row in W])

y = np.exp(W_num @ x_num) / np.exp(W_num @ x_num).sum()
delta = y - np.eye(3)[c]
grad_delta_rule = np.outer(delta, x_num)
print("y =", y.round(4), " loss =", round(loss.data, 6))
print("δ =", delta.round(4))
print("∇W (engine):\n", grad_engine.round(4))
assert np.allclose(grad_engine, grad_delta_rule, rtol=1e-13, atol=1e-15)
assert np.allclose([ak.grad for ak in a], delta, rtol=1e-13, atol=1e-15)  # δ = ∂l/∂a

# %% [markdown]
# The engine's gradient at the pre-activation nodes $a_k$ is the lecture's $\delta$: that is
# the sense of "the gradient at the pre-activation level".
#
# Implicit and explicit bias are the same model: $W x$ with $x_0 = 1$ equals
# $W_{:,1:}\,x_{1:} + b$ with $b = W_{:,0}$, and the gradient of $b$ is $\delta$ itself.

# %%
b = [Value(w, role="param") for w in W_num[:, 0]]
W_explicit = [[Value(w, role="param") for w in row[1:]] for row in W_num]
a_explicit = [dot(row, x_num[1:]) + bk for row, bk in zip(W_explicit, b)]
loss_explicit = -log_softmax(a_explicit)[c]
loss_explicit.backward()
assert math.isclose(loss_explicit.data, loss.data, rel_tol=1e-14)
assert np.allclose([bk.grad for bk in b], delta, rtol=1e-13)
print("explicit bias: same loss, ∇b = δ")

# %% [markdown]
# ## 2. Stochastic gradient descent
#
# One training step: pick an example, compute $\delta$, update $W \leftarrow W - \eta_t\,\delta x^\top$.
# The lecture recalls that SGD converges when $\sum_t \eta_t = \infty$ and
# $\sum_t \eta_t^2 < \infty$, e.g. $\eta_t \propto 1/t$. Here $\eta_t = \eta_0 / (1 + t/T)$ on
# three Gaussian blobs, 60 points.

# %%
rng = random.Random(4)
centres = [(-1.5, -1.0), (1.5, -1.0), (0.0, 1.6)]
data = [((rng.gauss(cx, 0.6), rng.gauss(cy, 0.6)), k)
        for k, (cx, cy) in enumerate(centres) for _ in range(20)]

Wt = [[Value(0.0, role="param") for _ in range(3)] for _ in range(3)]  # 3 classes × (1, x, y)


def scores(point, W):
    xs = (1.0, point[0], point[1])
    return [dot(row, xs) for row in W]


def mean_loss(W):
    with no_grad():
        return sum(-log_softmax(scores(p, W))[k].data for p, k in data) / len(data)


eta0, T = 0.5, 200
losses, t = [mean_loss(Wt)], 0
for _ in range(15):  # epochs
    order = list(range(len(data)))
    rng.shuffle(order)
    for i in order:
        point, k = data[i]
        l_i = -log_softmax(scores(point, Wt))[k]
        for row in Wt:
            for w in row:
                w.grad = 0.0
        l_i.backward()
        eta = eta0 / (1 + t / T)
        with no_grad():
            for row in Wt:
                for w in row:
                    w.data -= eta * w.grad
        t += 1
    losses.append(mean_loss(Wt))

accuracy = sum(max(range(3), key=lambda j: scores(p, Wt)[j].data) == k for p, k in data) / len(data)
print(f"mean log-loss {losses[0]:.3f} → {losses[-1]:.3f}, training accuracy {accuracy:.0%}")
assert losses[-1] < 0.35 * losses[0] and accuracy >= 0.9

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.plot(losses, "o-")
ax1.set_xlabel("epoch")
ax1.set_ylabel("mean log-loss")
ax1.set_title("SGD, η_t = η₀ / (1 + t/T)")
gx, gy = np.meshgrid(np.linspace(-3.5, 3.5, 120), np.linspace(-3, 3.5, 120))
Wn = np.array([[w.data for w in row] for row in Wt])
regions = np.argmax(Wn @ np.stack([np.ones_like(gx).ravel(), gx.ravel(), gy.ravel()]), axis=0)
ax2.contourf(gx, gy, regions.reshape(gx.shape), levels=[-0.5, 0.5, 1.5, 2.5], alpha=0.25,
             colors=["C0", "C1", "C2"])
for k in range(3):
    pts = np.array([p for p, kk in data if kk == k])
    ax2.scatter(pts[:, 0], pts[:, 1], s=14, color=f"C{k}")
ax2.set_title("softmax regression: linear decision regions")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. One hidden layer
#
# Now $x^{(1)} = x \to a^{(1)} = W^{(1)} x^{(1)} \to y^{(1)} = f^{(1)}(a^{(1)}) = x^{(2)}
# \to a^{(2)} = W^{(2)} x^{(2)} \to y^{(2)} = \mathrm{softmax}(a^{(2)}) \to l$.
# The output layer is exactly the single-layer case, so $\delta^{(2)}_k = y^{(2)}_k - \mathbb I\{k=c\}$.
# For the hidden layer the chain rule gives, component by component,
#
# $$ \delta^{(1)}_j = \frac{\partial l}{\partial a^{(1)}_j}
#    = f'^{(1)}(a^{(1)}_j)\,\big(W^{(2)}_{:,j}\big)^\top \delta^{(2)}
#    \quad\Longleftrightarrow\quad
#    \delta^{(1)} = f'^{(1)}(a^{(1)}) \circ \big(W^{(2)\top} \delta^{(2)}\big), $$
#
# and the weight gradients have the same shape as before: $\nabla_{W^{(l)}} = \delta^{(l)} x^{(l)\top}$.
# With $f^{(1)} = \tanh$, $f' = 1 - \tanh^2$:

# %%
nrng = np.random.default_rng(40)
W1n = nrng.normal(0, 0.8, size=(4, 3))  # 4 hidden units; inputs (1, x₁, x₂)
W2n = nrng.normal(0, 0.8, size=(3, 4))  # 3 classes
xn = np.array([1.0, 0.7, -1.2])
cls = 1

# the lecture's recursion, in numpy
a1 = W1n @ xn
y1 = np.tanh(a1)
a2 = W2n @ y1
y2 = np.exp(a2 - a2.max()) / np.exp(a2 - a2.max()).sum()
d2 = y2 - np.eye(3)[cls]
d1 = (1 - y1**2) * (W2n.T @ d2)
gW2, gW1 = np.outer(d2, y1), np.outer(d1, xn)

# the engine, on scalars
W1v = [[Value(w, role="param") for w in row] for row in W1n]
W2v = [[Value(w, role="param") for w in row] for row in W2n]
a1v = [dot(row, xn) for row in W1v]
y1v = [v.tanh() for v in a1v]
a2v = [dot(row, y1v) for row in W2v]
lv = -log_softmax(a2v)[cls]
lv.backward()

print("δ(2) =", d2.round(5), "\nδ(1) =", d1.round(5))
assert np.allclose([v.grad for v in a2v], d2, rtol=1e-12, atol=1e-15)
assert np.allclose([v.grad for v in a1v], d1, rtol=1e-12, atol=1e-15)
assert np.allclose([[w.grad for w in r] for r in W2v], gW2, rtol=1e-12, atol=1e-15)
assert np.allclose([[w.grad for w in r] for r in W1v], gW1, rtol=1e-12, atol=1e-15)
print("engine: ∂l/∂a(1) = δ(1), ∂l/∂a(2) = δ(2), ∇W(1) and ∇W(2) agree")

# %% [markdown]
# The `nn` package keeps these quantities per layer, in the lecture's terms: built from the
# same matrices (no bias vectors; the constant input $x_0 = 1$ plays the bias), each layer
# reports its input, its pre-activations $a^{(l)}$ and, after `backward()`, its
# $\delta^{(l)}$ and $\nabla_{W^{(l)}}$:

# %%
from nn import MLP

mlp = MLP.from_matrices([W1n, W2n], None, ["tanh", "softmax"])
probs = mlp(list(xn))
(-probs[cls].log()).backward()
hidden_nn, output_nn = mlp.layers
print(mlp)
print("δ(1) =", np.round(hidden_nn.deltas, 5), "  δ(2) =", np.round(output_nn.deltas, 5))
assert np.allclose(hidden_nn.pre_activations, a1, rtol=1e-13)
assert np.allclose(hidden_nn.deltas, d1, rtol=1e-12) and np.allclose(output_nn.deltas, d2)
assert np.allclose(hidden_nn.weight_grads, gW1, rtol=1e-12)
assert np.allclose(output_nn.weight_grads, gW2, rtol=1e-12)

# %% [markdown]
# ## 4. What a layer keeps
#
# The lecture lists what each layer must hold for back-propagation: its parameters
# $W^{(l)}$, its activation $f^{(l)}$, its input $x^{(l)}$, its pre-activation $a^{(l)}$ and
# its $\delta^{(l)}$. A layer then does two things: *forward* (compute and send
# $y^{(l)} = f^{(l)}(W^{(l)} x^{(l)})$) and *backward* (receive $W^{(l+1)\top}\delta^{(l+1)}$,
# compute $\delta^{(l)}$, send $W^{(l)\top}\delta^{(l)}$ down, update $W^{(l)}$). Written out
# in numpy:

# %%
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)), lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2),
    "relu": (lambda a: np.maximum(a, 0), lambda a: (a > 0).astype(float)),
}


class DeltaLayer:
    """One layer as in the lecture: keeps W, f, x, a and δ."""

    def __init__(self, W, activation):
        self.W, self.name = np.array(W, float), activation
        self.f, self.df = ACTIVATIONS[activation]

    def forward(self, x):
        self.x = x
        self.a = self.W @ x
        return self.f(self.a)

    def backward(self, upstream):
        """upstream = ∂l/∂y for this layer's output; returns ∂l/∂x = Wᵀδ for the layer below."""
        self.delta = self.df(self.a) * upstream
        self.grad = np.outer(self.delta, self.x)
        return self.W.T @ self.delta


def softmax_np(a):
    e = np.exp(a - a.max())
    return e / e.sum()


# a deeper net: 3 → 5 (tanh) → 4 (relu) → 4 (sigmoid) → softmax over 3 classes
nrng = np.random.default_rng(5)
shapes = [(5, 3, "tanh"), (4, 5, "relu"), (4, 4, "sigmoid")]
hidden = [DeltaLayer(nrng.normal(0, 0.9, (o, i)), f) for o, i, f in shapes]
Wout = nrng.normal(0, 0.9, (3, 4))
xn, cls = np.array([1.0, -0.4, 0.9]), 2

h = xn
for layer in hidden:
    h = layer.forward(h)
p = softmax_np(Wout @ h)
d_out = p - np.eye(3)[cls]
grad_out = np.outer(d_out, h)
up = Wout.T @ d_out
for layer in reversed(hidden):
    up = layer.backward(up)

# %% [markdown]
# The same network in the engine, and the comparison for every weight and every $\delta$:

# %%
Ws_v = [[[Value(w, role="param") for w in row] for row in layer.W] for layer in hidden]
Wout_v = [[Value(w, role="param") for w in row] for row in Wout]
h_v, pre = list(xn), []
for layer, Wv in zip(hidden, Ws_v):
    a_v = [dot(row, h_v) for row in Wv]
    pre.append(a_v)
    h_v = [getattr(v, layer.name)() for v in a_v]
loss_v = -log_softmax([dot(row, h_v) for row in Wout_v])[cls]
loss_v.backward()

for layer, Wv, a_v in zip(hidden, Ws_v, pre):
    assert np.allclose([[w.grad for w in r] for r in Wv], layer.grad, rtol=1e-11, atol=1e-14)
    assert np.allclose([v.grad for v in a_v], layer.delta, rtol=1e-11, atol=1e-14)
assert np.allclose([[w.grad for w in r] for r in Wout_v], grad_out, rtol=1e-11, atol=1e-14)
kinks = [v for a_v in pre for v in a_v if v.data == 0.0]
print(f"all {sum(layer.W.size for layer in hidden) + Wout.size} weight gradients and "
      f"{sum(len(a_v) for a_v in pre)} deltas agree; relu units at a kink: {len(kinks)}")
for i, layer in enumerate(hidden, start=1):
    print(f"δ({i}) [{layer.name:7s}] =", layer.delta.round(4))
inactive = hidden[1].a <= 0
print("relu units switched off (a ≤ 0), whose δ is 0:", np.flatnonzero(inactive).tolist())
assert inactive.any() and np.all(hidden[1].delta[inactive] == 0)

# %% [markdown]
# The probabilities of the engine's softmax match as well, which closes the loop on the
# forward pass:

# %%
p_engine = [v.data for v in softmax([dot(row, h_v) for row in Wout_v])]
assert np.allclose(p_engine, p, rtol=1e-12)
print("p =", np.round(p_engine, 4))
