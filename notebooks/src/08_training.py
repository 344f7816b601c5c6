# Notebook 8 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 8 · Training: batches, schedules, optimisers, initialisation, regularisation
#
# Back-propagation gives the gradient; *training* is what we do with it. The lectures of
# Fromont and Ramakrishnan list the choices, and Allauzen gives the initialisation recipes.
# This notebook tries each of them on the same small problem with the `nn` package:
#
# 1. batch, stochastic and mini-batch gradient descent;
# 2. learning-rate schedules;
# 3. momentum, Nesterov, AdaGrad, RMSProp and Adam, first on a 2-D quadratic where every
#    update can be checked against its formula, then on a neural network;
# 4. initialisation recipes and what they do to the activations of a deep network;
# 5. the L2 penalty, dropout and batch normalisation.
#
# Everything is seeded, so every run prints the same numbers. Networks and data are kept
# small: the engine works one scalar at a time, and the point is to see the behaviours.

# %%
import math
import random

import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd_core import Value, grad, vsum
from nn import MLP, datasets, fit
from nn.losses import l2_penalty
from nn.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, inverse_time, linear_decay
from nn.plot import plot_decision_boundary

# %% [markdown]
# ## The problem
#
# Two interleaved half-moons, 60 points, and a network with one hidden layer of 8 tanh
# units and one linear output read as a logit (the loss is binary cross-entropy from the
# logit). `fresh()` always returns the same initial network, so every method starts from
# the same weights.

# %%
X, y = datasets.make_moons(60, noise=0.15, rng=8)


def fresh():
    return MLP(2, [8, 1], activation="tanh", init="glorot", rng=3)


net = fresh()
print(net, "with", net.num_parameters(), "parameters")
fig, ax = plt.subplots(figsize=(4.5, 3.2))
ax.scatter([p[0] for p in X], [p[1] for p in X], c=y, cmap="coolwarm", edgecolors="k", s=25)
ax.set_title("two moons, 60 points")
plt.show()

# %% [markdown]
# ## 1. Batch, stochastic, mini-batch
#
# Fromont's three variants differ only in how many examples each update looks at:
#
# * **batch**: $\theta \leftarrow \theta - \eta\,\nabla_\theta J(\theta)$, the gradient of the
#   mean loss over all $N$ examples, one update per pass (*epoch*);
# * **SGD**: one update per example, in a new random order each epoch;
# * **mini-batch**: one update per group of $n$ examples.
#
# The mean loss is a sum, so the batch gradient is exactly the average of the per-example
# gradients; SGD and mini-batch use noisy but cheap estimates of it. First that identity,
# checked with the engine:

# %%
net = fresh()
per_example = []
for xi, yi in zip(X, y):
    loss_i = nn.losses.binary_cross_entropy_with_logits(net(xi), yi)
    per_example.append(grad(loss_i, net.parameters()))
batch_loss = vsum(nn.losses.binary_cross_entropy_with_logits(net(xi), yi)
                  for xi, yi in zip(X, y)) * (1 / len(X))
batch_grad = grad(batch_loss, net.parameters())
average = np.mean(per_example, axis=0)
assert np.allclose(batch_grad, average, rtol=1e-12, atol=1e-15)
print("batch gradient = mean of the 60 per-example gradients (all",
      len(batch_grad), "parameters)")

# %% [markdown]
# Now 30 epochs of each, with plain SGD updates (the learning rate smaller when the
# gradient is estimated from fewer examples). Per *epoch* the stochastic versions make many
# more updates and get further; per *update* they are noisier.

# %%
runs = {}
for mode, lr, size in [("batch", 0.5, None), ("minibatch", 0.2, 10), ("sgd", 0.05, None)]:
    net = fresh()
    runs[mode] = fit(net, X, y, loss="bce_with_logits", lr=lr, epochs=30, mode=mode,
                     batch_size=size or 16, rng=0, progress=False)
    h = runs[mode]
    print(f"{mode:9s} lr {lr:<4}: {len(h.step_loss):4d} updates, "
          f"loss {h.loss[0]:.3f} → {h.loss[-1]:.3f}, accuracy {h.accuracy[-1]:.2f}")

assert [len(runs[m].step_loss) for m in ("batch", "minibatch", "sgd")] == [30, 180, 1800]
assert all(h.loss[-1] < h.loss[0] for h in runs.values())

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
for mode, h in runs.items():
    ax1.plot(range(1, 31), h.loss, label=mode)
    ax2.plot(h.step_loss, label=mode, lw=0.8)
ax1.set_xlabel("epoch")
ax1.set_ylabel("mean training loss")
ax2.set_xlabel("update")
ax2.set_ylabel("loss of the update's batch")
ax2.set_xscale("log")
ax1.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 2. Learning-rate schedules
#
# Allauzen and Ramakrishnan recall the classic condition for SGD to converge:
# $\sum_t \eta_t = \infty$ (the steps can reach anywhere) and $\sum_t \eta_t^2 < \infty$ (the
# noise dies out), met by $\eta_t \propto 1/t$. Ramakrishnan also gives the linear decay
# $\eta_k = (1 - \beta_k)\eta_0 + \beta_k \eta_K$, $\beta_k = k/K$. The library's schedules
# are checked against those formulas first:

# %%
inv, lin = inverse_time(0.5, tau=20), linear_decay(0.5, 0.05, K=180)
for k in (0, 1, 20, 100, 179, 180, 500):
    assert math.isclose(inv(k), 0.5 / (1 + k / 20))
    assert math.isclose(lin(k), (1 - min(k, 180) / 180) * 0.5 + min(k, 180) / 180 * 0.05)

sched_runs = {}
for name, schedule in [("constant 0.5", None), ("η₀/(1 + k/20)", inv), ("linear 0.5 → 0.05", lin)]:
    net = fresh()
    sched_runs[name] = fit(net, X, y, loss="bce_with_logits", lr=0.5, epochs=30,
                           mode="minibatch", batch_size=10, schedule=schedule, rng=0,
                           progress=False)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.3))
for name, h in sched_runs.items():
    ax1.plot(h.lr, label=name)
    ax2.plot(range(1, 31), h.loss, label=name)
ax1.set_xlabel("update k")
ax1.set_ylabel("learning rate η_k")
ax2.set_xlabel("epoch")
ax2.set_ylabel("mean training loss")
ax1.legend()
fig.tight_layout()
plt.show()
assert sched_runs["linear 0.5 → 0.05"].lr[-1] == lin(179)
assert math.isclose(sched_runs["η₀/(1 + k/20)"].lr[40], inv(40))

# %% [markdown]
# ## 3. Optimisers
#
# The update rules, as the library implements them (PyTorch's conventions; $g$ is the
# gradient, $t$ the step number):
#
# | method | update |
# |---|---|
# | SGD | $w \leftarrow w - \eta g$ |
# | momentum | $v \leftarrow \mu v + g$, $\ w \leftarrow w - \eta v$ |
# | Nesterov | $v \leftarrow \mu v + g$, $\ w \leftarrow w - \eta (g + \mu v)$ |
# | AdaGrad | $G \leftarrow G + g^2$, $\ w \leftarrow w - \eta g / (\sqrt G + \varepsilon)$ |
# | RMSProp | $E \leftarrow \alpha E + (1-\alpha) g^2$, $\ w \leftarrow w - \eta g / (\sqrt E + \varepsilon)$ |
# | Adam | $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$, $\ w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \varepsilon)$ with $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$ |
#
# Fromont writes momentum as $v_t = \gamma v_{t-1} + \eta \nabla_\theta J$,
# $\theta \leftarrow \theta - v_t$: the same thing with $v$ scaled by $\eta$ (for a fixed $\eta$).
#
# ### On a quadratic bowl
#
# $f(x, y) = \frac12 (x^2 + 20 y^2)$ is steep in $y$ and flat in $x$, the shape that makes
# plain gradient descent zig-zag. Each optimiser runs 60 steps from $(-4, 1)$; alongside,
# each update rule is re-implemented from the table above in plain Python, and the two
# trajectories must agree to rounding.

# %%
def bowl(x, y):
    return 0.5 * (x * x + 20 * y * y)


def bowl_grad(x, y):
    return (x, 20 * y)


def by_hand(rule, steps, lr, **h):
    """The update rules of the table, in plain floats."""
    w = [-4.0, 1.0]
    s = [{}, {}]
    path = [tuple(w)]
    for t in range(1, steps + 1):
        g = bowl_grad(*w)
        for i in range(2):
            st, gi = s[i], g[i]
            if rule == "SGD":
                w[i] -= lr * gi
            elif rule in ("momentum", "Nesterov"):
                st["v"] = h["mu"] * st.get("v", 0.0) + gi if "v" in st else gi
                w[i] -= lr * (st["v"] if rule == "momentum" else gi + h["mu"] * st["v"])
            elif rule == "AdaGrad":
                st["G"] = st.get("G", 0.0) + gi * gi
                w[i] -= lr * gi / (math.sqrt(st["G"]) + h["eps"])
            elif rule == "RMSProp":
                st["E"] = h["alpha"] * st.get("E", 0.0) + (1 - h["alpha"]) * gi * gi
                w[i] -= lr * gi / (math.sqrt(st["E"]) + h["eps"])
            elif rule == "Adam":
                b1, b2 = h["betas"]
                st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * gi
                st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * gi * gi
                m_hat, v_hat = st["m"] / (1 - b1**t), st["v"] / (1 - b2**t)
                w[i] -= lr * m_hat / (math.sqrt(v_hat) + h["eps"])
        path.append(tuple(w))
    return path


def with_library(make, steps):
    w = [Value(-4.0, role="param"), Value(1.0, role="param")]
    opt = make(w)
    path = [(w[0].data, w[1].data)]
    for _ in range(steps):
        opt.zero_grad()
        bowl(*w).backward()
        opt.step()
        path.append((w[0].data, w[1].data))
    return path, opt


optimisers = {
    "SGD": (lambda p: SGD(p, lr=0.09), {}),
    "momentum": (lambda p: Momentum(p, lr=0.03, momentum=0.8), {"mu": 0.8}),
    "Nesterov": (lambda p: Nesterov(p, lr=0.03, momentum=0.8), {"mu": 0.8}),
    "AdaGrad": (lambda p: AdaGrad(p, lr=1.0), {"eps": 1e-10}),
    "RMSProp": (lambda p: RMSProp(p, lr=0.1), {"alpha": 0.99, "eps": 1e-8}),
    "Adam": (lambda p: Adam(p, lr=0.3), {"betas": (0.9, 0.999), "eps": 1e-8}),
}
paths = {}
for name, (make, hyper) in optimisers.items():
    path, opt = with_library(make, 60)
    ref = by_hand(name, 60, opt.lr, **hyper)
    assert np.allclose(path, ref, rtol=1e-12, atol=1e-12), name
    paths[name] = path
    print(f"{name:9s} after 60 steps: f = {bowl(*path[-1]):.2e}")
print("every trajectory equals its hand-written update rule")

# the slide's form of momentum (v ← γv + η∇J, θ ← θ − v) follows the same path
w, v = [-4.0, 1.0], [0.0, 0.0]
for _ in range(60):
    g = bowl_grad(*w)
    v = [0.8 * vi + 0.03 * gi for vi, gi in zip(v, g)]
    w = [wi - vi for wi, vi in zip(w, v)]
assert np.allclose(w, paths["momentum"][-1], rtol=1e-10, atol=1e-12)

# %%
gx, gy = np.meshgrid(np.linspace(-4.5, 1.5, 200), np.linspace(-1.3, 1.3, 200))
fig, axes = plt.subplots(2, 3, figsize=(11, 5), sharex=True, sharey=True)
for ax, (name, path) in zip(axes.flat, paths.items()):
    ax.contour(gx, gy, bowl(gx, gy), levels=np.geomspace(0.05, 40, 8), colors="grey",
               linewidths=0.5, antialiased=False)
    p = np.array(path)
    ax.plot(p[:, 0], p[:, 1], ".-", lw=1, ms=3)
    ax.plot(0, 0, "k*", ms=10)
    ax.set_title(f"{name}: f = {bowl(*path[-1]):.1e} after 60 steps", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# Plain SGD's step is limited by the steep direction and crawls along the flat one;
# momentum builds up speed along the valley; the adaptive methods (AdaGrad, RMSProp, Adam)
# rescale each coordinate by its own gradient history, so both directions move at a
# similar pace.
#
# ### On the network
#
# The same six optimisers train the moons network, full batch, 100 epochs each, from the
# same initial weights. Learning rates are typical values for each method, not tuned to
# make any one of them win. Every run first drops quickly to a loss of about 0.3, what a
# nearly straight boundary can achieve on the moons, and then sits on a plateau; the
# methods differ in how soon they leave it and bend the boundary around the moons.

# %%
settings = {
    "SGD": lambda p: SGD(p, lr=1.0),
    "momentum": lambda p: Momentum(p, lr=0.2, momentum=0.9),
    "Nesterov": lambda p: Nesterov(p, lr=0.2, momentum=0.9),
    "AdaGrad": lambda p: AdaGrad(p, lr=0.3),
    "RMSProp": lambda p: RMSProp(p, lr=0.03),
    "Adam": lambda p: Adam(p, lr=0.1),
}
trained = {}
for name, make in settings.items():
    net = fresh()
    h = fit(net, X, y, loss="bce_with_logits", optimizer=make(net.parameters()), epochs=100,
            mode="batch", progress=False)
    trained[name] = (net, h)
    print(f"{name:9s} loss {h.loss[0]:.3f} → {h.loss[-1]:.3f}, accuracy {h.accuracy[-1]:.2f}")
    assert h.loss[-1] < 0.35 * h.loss[0], name
assert max(h.accuracy[-1] for _, h in trained.values()) >= 0.9

fig, ax = plt.subplots(figsize=(6.5, 3.5))
for name, (_, h) in trained.items():
    ax.plot(range(1, 101), h.loss, label=name)
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("mean training loss")
ax.legend(ncol=2)
plt.show()

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 7))
for ax, (name, (net, h)) in zip(axes.flat, trained.items()):
    plot_decision_boundary(net, X, y, ax=ax, steps=30)
    ax.set_title(f"{name} (training accuracy {h.accuracy[-1]:.2f})", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. Initialisation
#
# Allauzen's two recipes, next to the uniform $[-1, 1]$ of Fromont's slides:
#
# * $W \sim \mathcal N(0, \sigma^2)$ with $\sigma = 1/\sqrt{n_\text{in}}$ (the slide writes
#   $\mathcal N(0, 1/\sqrt{n_\text{in}})$; the library reads the second parameter as the
#   standard deviation), so $\operatorname{Var} w = 1/n_\text{in}$;
# * $W \sim \mathcal U[-r, r]$ with $r = \sqrt6/\sqrt{n_\text{in} + n_\text{out}}$ (Glorot and
#   Bengio), so $\operatorname{Var} w = r^2/3 = 2/(n_\text{in} + n_\text{out})$;
# * $\mathcal U[-1, 1]$: $\operatorname{Var} w = 1/3$ whatever the layer's width.
#
# The sample variances of `nn.init.matrix` against those formulas, for a 64 → 64 layer:

# %%
n = 64
theory = {"uniform": 1 / 3, "normal": 1 / n, "glorot": 2 / (n + n)}
for recipe, var in theory.items():
    W = np.array(nn.init.matrix(n, n, recipe, rng=1))
    print(f"{recipe:8s} sample variance {W.var():.5f}   formula {var:.5f}")
    assert abs(W.var() / var - 1) < 0.06

# %% [markdown]
# What the variance does to a deep network: push 200 random inputs through 8 tanh layers
# of width 64 and look at the activations layer by layer (numpy does the forward pass
# here; the first layer is checked against the engine's `nn.Layer` with the same
# weights). Each unit sums 64 inputs, so its pre-activation has variance
# $64\,\operatorname{Var} w\,\operatorname{Var} x$: with $\mathcal U[-1,1]$ that is about 21
# times the input's, and tanh saturates at ±1, where its derivative vanishes; with the
# scaled recipes it stays of order one.

# %%
rng = np.random.default_rng(0)
inputs = rng.normal(0, 1, size=(200, n))
stats = {}
for recipe in theory:
    h, layers_std, saturated = inputs, [], []
    Ws = [np.array(nn.init.matrix(n, n, recipe, rng=10 + i)) for i in range(8)]
    for W in Ws:
        h = np.tanh(h @ W.T)
        layers_std.append(h.std())
        saturated.append(np.mean(np.abs(h) > 0.99))
    stats[recipe] = (layers_std, saturated, h)

layer = nn.Layer(n, n, activation="tanh", bias=False)
nn.set_layer(layer, Ws[0].tolist())
out = layer(list(inputs[0]))
assert np.allclose([v.data for v in out], np.tanh(Ws[0] @ inputs[0]), rtol=1e-12)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
for recipe, (std, sat, _) in stats.items():
    ax1.plot(range(1, 9), std, "o-", label=recipe)
    ax2.plot(range(1, 9), sat, "o-", label=recipe)
ax1.set_xlabel("layer")
ax1.set_ylabel("std of activations")
ax2.set_xlabel("layer")
ax2.set_ylabel("fraction saturated (|h| > 0.99)")
ax1.legend()
fig.tight_layout()
plt.show()
for recipe, (std, sat, _) in stats.items():
    print(f"{recipe:8s} layer 8: std {std[-1]:.2f}, saturated {sat[-1]:.0%}")
assert stats["uniform"][1][-1] > 0.5 > 0.05 > stats["glorot"][1][-1]
assert stats["normal"][1][-1] < 0.05

# %% [markdown]
# And the recipe that does not work at all: all weights zero. Every hidden unit computes
# the same thing and receives the same gradient, so they stay identical forever. With tanh
# it is worse still: tanh(0) = 0, so every hidden unit outputs 0, the output weights get no
# gradient, the hidden weights get none back through them, and only the output bias could
# learn; with balanced classes (σ(0) = ½ is already the best constant) even its gradient is 0.

# %%
net = MLP(2, [4, 1], activation="tanh", init="zeros")
h = fit(net, X, y, loss="bce_with_logits", lr=0.5, epochs=20, progress=False)
hidden = net.layers[0].weights
print("hidden weights after 20 epochs:", hidden)
print("output weights:", net.layers[1].weights, " output bias:", net.layers[1].biases)
assert all(row == hidden[0] for row in hidden)
assert net.layers[1].weights == [[0.0] * 4] and abs(net.layers[1].biases[0]) < 1e-12
assert sum(y) == len(y) / 2

# %% [markdown]
# ## 5. Regularisation
#
# ### The L2 penalty
#
# Ramakrishnan adds $\frac{\lambda}{2m} \sum w^2$ to the loss ($m$ examples), whose gradient
# adds $\frac{\lambda}{m} w$ to each weight's gradient. The optimisers' `weight_decay=λ`
# option adds $\lambda w$ directly, the same thing as a penalty $\frac\lambda2 \sum w^2$.
# Both checked:

# %%
net = fresh()
ws = net.weight_parameters()
lam, m = 0.3, len(X)
pen = l2_penalty(ws, lam, m=m)
g = grad(pen, ws)
assert math.isclose(pen.data, lam / (2 * m) * sum(w.data**2 for w in ws), rel_tol=1e-12)
assert np.allclose(g, [lam / m * w.data for w in ws], rtol=1e-12)

# one SGD step with weight_decay = one SGD step on loss + λ/2 Σw²
net_a, net_b = fresh(), fresh()
opt_a = SGD(net_a.weight_parameters(), lr=0.1, weight_decay=lam)
opt_b = SGD(net_b.weight_parameters(), lr=0.1)
loss_a = nn.losses.binary_cross_entropy_with_logits(net_a(X[0]), y[0])
loss_b = (nn.losses.binary_cross_entropy_with_logits(net_b(X[0]), y[0])
          + l2_penalty(net_b.weight_parameters(), lam / 2))
loss_a.backward()
opt_a.step()
loss_b.backward()
opt_b.step()
assert np.allclose([w.data for w in net_a.weight_parameters()],
                   [w.data for w in net_b.weight_parameters()], rtol=1e-12)
print("penalty gradient = λ/m · w;  weight_decay λ ≡ penalty λ/2 Σw²")

# %% [markdown]
# Its effect: on a small noisy sample a larger network fits the noise; the penalty keeps
# the weights small and the boundary smooth.

# %%
Xs, ys = datasets.make_moons(30, noise=0.3, rng=5)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
norms = {}
for ax, lam in zip(axes, (0.0, 0.5)):
    big = MLP(2, [16, 1], activation="tanh", init="glorot", rng=2)
    penalty = (lambda mdl, lam=lam: l2_penalty(mdl.weight_parameters(), lam, m=len(Xs))
               ) if lam else None
    h = fit(big, Xs, ys, loss="bce_with_logits", optimizer=Adam(big.parameters(), lr=0.05),
            epochs=120, penalty=penalty, progress=False)
    norms[lam] = math.sqrt(sum(w.data**2 for w in big.weight_parameters()))
    plot_decision_boundary(big, Xs, ys, ax=ax, steps=30)
    ax.set_title(f"λ = {lam}: ‖w‖ = {norms[lam]:.1f}, training accuracy {h.accuracy[-1]:.2f}")
fig.tight_layout()
plt.show()
assert norms[0.5] < 0.6 * norms[0.0]

# %% [markdown]
# ### Dropout
#
# During training each unit is kept with probability $1 - p$ and, in the "inverted" form
# the library uses, the kept ones are scaled by $1/(1-p)$: the expected activation is
# unchanged, so at test time (evaluation mode) dropout is simply switched off, "keeping the
# same energy" as Fromont puts it. The gradient flows only through the kept units, scaled
# the same way.

# %%
drop = nn.Dropout(0.5, rng=1)
ones = [Value(1.0) for _ in range(4000)]
out = drop(ones)
kept = np.mean([o.data != 0 for o in out])
mean = np.mean([o.data for o in out])
print(f"training mode: {kept:.1%} kept, mean activation {mean:.3f} (input 1.0)")
assert abs(kept - 0.5) < 0.03 and abs(mean - 1.0) < 0.06
g = grad(vsum(out), ones)
assert list(g) == drop.last_mask  # ∂/∂x of the sum = the mask: 0 or 1/(1 − p)
drop.eval()
assert [o.data for o in drop(ones)] == [1.0] * 4000
print("evaluation mode: the identity")

# %% [markdown]
# ### Batch normalisation
#
# Fromont's batch normalisation normalises each feature over the mini-batch, then lets the
# network rescale it: $\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \varepsilon}$,
# $y = \gamma \hat x + \beta$, with learnable $\gamma, \beta$, and running averages of
# $\mu$ and $\sigma^2$ kept for inference. Checked on a batch of 6 examples with 3 features:

# %%
bn = nn.BatchNorm(3, momentum=0.1)
rng = random.Random(3)
batch = [[Value(rng.gauss(5.0, 2.0)), Value(rng.gauss(-1.0, 0.5)), Value(rng.gauss(0.0, 10.0))]
         for _ in range(6)]
out = bn(batch)
A = np.array([[v.data for v in row] for row in batch])
Y = np.array([[v.data for v in row] for row in out])
expected = (A - A.mean(0)) / np.sqrt(A.var(0) + bn.eps)
print("per-feature mean after BN:", Y.mean(0).round(12) + 0.0)
print("per-feature variance     :", Y.var(0).round(6))
assert np.allclose(Y, expected, rtol=1e-12, atol=1e-12)
assert np.allclose(bn.running_mean, 0.1 * A.mean(0), rtol=1e-12)
assert np.allclose(bn.running_var, 0.9 + 0.1 * A.var(0, ddof=1), rtol=1e-12)

# %% [markdown]
# The normalisation couples the examples of a batch: the gradient with respect to one input
# goes through $\mu_B$ and $\sigma_B$ too. The engine handles that like any other graph; a
# finite difference on one entry confirms it.

# %%
def bn_output_sum(a00):
    vals = A.copy()
    vals[0, 0] = a00
    col = vals[:, 0]
    normed = (col - col.mean()) / np.sqrt(col.var() + bn.eps)
    return float(np.sum(normed * np.arange(1, 7)))


target = vsum(out[i][0] * (i + 1) for i in range(6))
(g00,) = grad(target, [batch[0][0]])
h = 1e-6
fd = (bn_output_sum(A[0, 0] + h) - bn_output_sum(A[0, 0] - h)) / (2 * h)
print(f"∂/∂x[0,0]: engine {g00:.8f}, finite difference {fd:.8f}")
assert abs(g00 - fd) < 1e-6
bn.eval()
inference = np.array([[v.data for v in row] for row in bn(batch)])
assert np.allclose(inference, (A - bn.running_mean) / np.sqrt(np.array(bn.running_var) + bn.eps))
print("evaluation mode uses the running averages")
