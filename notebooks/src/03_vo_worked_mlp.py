# Notebook 3 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 3 · Vo's worked MLP, gradient by gradient
#
# Vo's lecture (MASSP 2021) works one small network completely by hand: two inputs, three
# sigmoid hidden units, one sigmoid output, the input $x^{(0)} = [0.5, -0.5]^\top$. It prints
# the forward values and then every gradient. Here we rebuild the network with the engine,
# recompute every number on the slide, put the two side by side, and explain the ones that
# differ. Then we do the lecture's exercise: the same network with ReLU.
#
# The slide's numbers are *claims*. The truth is established three independent ways: the
# engine, the matrix formulas of the lecture evaluated with numpy, and finite differences.

# %%
import math

import numpy as np
from IPython.display import Markdown, display

from autograd_core import Value, grad

# %% [markdown]
# ## The network
#
# $$ x^{(1)} = \sigma\big(W^{(1)} x^{(0)} + \beta^{(1)}\big), \qquad
#    x^{(2)} = \sigma\big(W^{(2)} x^{(1)} + \beta^{(2)}\big), $$
#
# with the slide's parameters (each $W^{(k)}$ has one row per unit of layer $k$):

# %%
W1 = [[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]]
b1 = [-1.5, -1.3, 2.0]
W2 = [[-1.5, 0.2, 0.5]]
b2 = [1.0]
x0 = [0.5, -0.5]


def build(act="sigmoid"):
    """The network as a graph of Values; returns a dict of named nodes."""
    P = {}
    P["x0"] = [Value(v, label=f"x0[{i + 1}]") for i, v in enumerate(x0)]
    layers = [(W1, b1), (W2, b2)]
    h = P["x0"]
    for k, (W, b) in enumerate(layers, start=1):
        Wv = [[Value(w, label=f"W{k}[{i + 1},{j + 1}]", role="param") for j, w in enumerate(row)]
              for i, row in enumerate(W)]
        bv = [Value(v, label=f"b{k}[{i + 1}]", role="param") for i, v in enumerate(b)]
        z = [sum((w * xi for w, xi in zip(row, h)), bi) for row, bi in zip(Wv, bv)]
        out = [getattr(zi, act)() for zi in z]
        for i, (zi, oi) in enumerate(zip(z, out)):
            zi.label, oi.label = f"z{k}[{i + 1}]", f"x{k}[{i + 1}]"
        P[f"W{k}"], P[f"b{k}"], P[f"z{k}"], P[f"x{k}"] = Wv, bv, z, out
        h = out
    return P


net = build()
print("x1 =", [round(v.data, 4) for v in net["x1"]])
print("x2 =", round(net["x2"][0].data, 4))

# %% [markdown]
# The slide's forward values are $x^{(1)} = [0.5, 0.3208, 0.9047]$ and $x^{(2)} = 0.6828$.
# The first hidden unit is exactly $\sigma(0) = 0.5$: $0.5 \cdot 0.5 + (-2.5)(-0.5) - 1.5 = 0$.

# %%
sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
X0 = np.array(x0)
Z1 = np.array(W1) @ X0 + np.array(b1)
X1 = 1 / (1 + np.exp(-Z1))
Z2 = np.array(W2) @ X1 + np.array(b2)
X2 = 1 / (1 + np.exp(-Z2))
assert np.allclose([v.data for v in net["x1"]], X1, rtol=1e-14) and Z1[0] == 0.0
assert math.isclose(net["x2"][0].data, X2[0], rel_tol=1e-14)
assert [round(v, 4) for v in X1] == [0.5, 0.3208, 0.9047] and round(X2[0], 4) == 0.6828

# %% [markdown]
# ## The loss, as the slide writes it
#
# The slide takes $l(x^{(2)}, y') = y' \log x^{(2)} + (1-y') \log(1 - x^{(2)})$ with $y' = 1$.
# That is the **log-likelihood**, the quantity to *maximise* (the usual cross-entropy loss is
# its negative, and every gradient below would simply change sign). We keep the slide's
# convention so that the numbers are comparable. With $y' = 1$ the second term is zero.

# %%
y_true = 1.0
x2 = net["x2"][0]
loss = y_true * x2.log() + (1 - y_true) * (1 - x2).log()
loss.label = "l"
loss.backward(keep_terms=True)
print(f"l = {loss.data:.6f}")

# %% [markdown]
# ## Every gradient on the slide
#
# The slide lists the chain of Jacobians and the parameter gradients. The engine gives the
# gradients of $l$ with respect to every node directly (`.grad`). The local Jacobians
# $\frac{dx^{(2)}}{dx^{(1)}}$ and $\frac{dx^{(1)}}{dx^{(0)}}$ are derivatives of one layer's
# output with respect to its input; `grad` computes them from the same graph.

# %%
x1, xin = net["x1"], net["x0"]
engine = {
    "dl/dx2": [x2.grad],
    "dx2/dx1": list(grad(x2, x1)),
    "dx1/dx0": [list(grad(x1[i], xin)) for i in range(3)],
    "dl/dx1": [v.grad for v in x1],
    "dl/dx0": [v.grad for v in xin],
    "dl/dW2": [w.grad for w in net["W2"][0]],
    "dl/db2": [net["b2"][0].grad],
    "dl/dW1": [[w.grad for w in row] for row in net["W1"]],
    "dl/db1": [b.grad for b in net["b1"]],
}

# %% [markdown]
# The same quantities from the lecture's matrix formulas, evaluated with numpy (no engine):
# $\frac{dx^{(k)}}{dx^{(k-1)}} = \mathrm{diag}(\sigma'(z_k))\,W^{(k)}$, gradients flowing back
# as row vectors, and $\frac{\partial l}{\partial W^{(k)}} = \big(\frac{dl}{dx_k} \circ
# \sigma'(z_k)\big)\, x_{k-1}^\top$.

# %%
s1, s2 = X1 * (1 - X1), X2 * (1 - X2)  # σ'(z) = σ(z)(1 − σ(z))
dl_dx2 = y_true / X2 - (1 - y_true) / (1 - X2)
J21 = np.diag(s2) @ np.array(W2)  # 1 × 3
J10 = np.diag(s1) @ np.array(W1)  # 3 × 2
dl_dx1 = dl_dx2 @ J21
dl_dx0 = dl_dx1 @ J10
delta2, delta1 = dl_dx2 * s2, dl_dx1 * s1
reference = {
    "dl/dx2": dl_dx2, "dx2/dx1": J21[0], "dx1/dx0": J10, "dl/dx1": dl_dx1, "dl/dx0": dl_dx0,
    "dl/dW2": np.outer(delta2, X1)[0], "dl/db2": delta2,
    "dl/dW1": np.outer(delta1, X0), "dl/db1": delta1,
}
for key in engine:
    assert np.allclose(engine[key], reference[key], rtol=1e-12, atol=1e-15), key
print("engine and matrix formulas agree on all", len(engine), "quantities")

# %% [markdown]
# And a third witness, finite differences on a plain-float version of the network, for the
# parameter gradients:

# %%
def loss_of(W1_, b1_, W2_, b2_):
    h = 1 / (1 + np.exp(-(np.array(W1_) @ X0 + b1_)))
    out = 1 / (1 + np.exp(-(np.array(W2_) @ h + b2_)))
    return float(np.log(out[0]))


eps = 1e-6
for i in range(3):
    for j in range(2):
        Wp, Wm = np.array(W1, float), np.array(W1, float)
        Wp[i, j] += eps
        Wm[i, j] -= eps
        fd = (loss_of(Wp, b1, W2, b2) - loss_of(Wm, b1, W2, b2)) / (2 * eps)
        assert abs(fd - engine["dl/dW1"][i][j]) < 1e-9
for j in range(3):
    Wp, Wm = np.array(W2, float), np.array(W2, float)
    Wp[0, j] += eps
    Wm[0, j] -= eps
    fd = (loss_of(W1, b1, Wp, b2) - loss_of(W1, b1, Wm, b2)) / (2 * eps)
    assert abs(fd - engine["dl/dW2"][j]) < 1e-9
print("finite differences agree")

# %% [markdown]
# ## Side by side with the slide
#
# A printed number with $k$ decimals is counted as right when it is the true value correctly
# rounded to $k$ decimals.

# %%
slide = {
    "dl/dx2": [1.4646],
    "dx2/dx1": [0.3249, -0.0433, -0.1083],
    "dx1/dx0": [[-0.125, 0.625], [-0.2615, -0.0218], [0.0604, 0.1035]],
    "dl/dx1": [-0.4759, 0.0634, 0.1586],
    "dl/dx0": [-0.0525, 0.2824],
    "dl/dW2": [0.1083, 0.0695, 0.1959],
    "dl/db2": [0.2166],
    "dl/dW1": [[0.125, -0.125], [0.1089, -0.1089], [0.0431, -0.0431]],
    "dl/db1": [0.25, 0.2179, 0.0863],
}


def decimals(x):
    text = repr(float(x))
    return len(text.split(".")[1]) if "." in text else 0


def rounds_to(true, claim):
    return round(true, decimals(claim)) == claim


def flat(x):
    return list(np.ravel(np.array(x, dtype=float)))


verdicts = {}
rows = ["| quantity | slide | engine | right? |", "|---|---|---|---|"]
for key, claim in slide.items():
    c, t = flat(claim), flat(engine[key])
    ok = all(rounds_to(tv, cv) for tv, cv in zip(t, c))
    verdicts[key] = ok
    rows.append(f"| {key} | {np.round(c, 4).tolist()} | {np.round(t, 4).tolist()} | "
                f"{'yes' if ok else '**no**'} |")
display(Markdown("\n".join(rows)))

# %% [markdown]
# ### What went wrong on the slide
#
# Six of the nine lines disagree, and each disagreement has a simple explanation that the
# numbers support exactly:
#
# * **$\frac{dx^{(2)}}{dx^{(1)}}$ and $\frac{dx^{(1)}}{dx^{(0)}}$: sign flipped.** Every entry is
#   the negative of $\mathrm{diag}(\sigma'(z))\,W$. The products built from them on the slide
#   ($\frac{dl}{dx^{(1)}}$, $\frac{dl}{dx^{(0)}}$) are right, so the slip is in the printing
#   of the Jacobians, not in the computation that used them.
# * **$\frac{\partial l}{\partial W^{(2)}}$, $\frac{\partial l}{\partial \beta^{(2)}}$,
#   $\frac{\partial l}{\partial W^{(1)}}$, $\frac{\partial l}{\partial \beta^{(1)}}$: a local
#   derivative where the full gradient was asked for.** The slide's numbers are
#   $\frac{\partial x^{(k)}}{\partial W^{(k)}}$: $\sigma'(z_k)\,x_{k-1}^\top$, without the
#   upstream factor $\frac{dl}{dx^{(k)}}$ (1.4646 for layer 2, $[-0.4759, 0.0634, 0.1586]$
#   for layer 1).
#
# The cells below check both explanations against the true values.

# %%
assert not verdicts["dx2/dx1"] and all(
    rounds_to(-t, c) for t, c in zip(flat(engine["dx2/dx1"]), flat(slide["dx2/dx1"])))
assert not verdicts["dx1/dx0"] and all(
    rounds_to(-t, c) for t, c in zip(flat(engine["dx1/dx0"]), flat(slide["dx1/dx0"])))
assert verdicts["dl/dx2"] and verdicts["dl/dx1"] and verdicts["dl/dx0"]

local = {  # ∂x⁽ᵏ⁾/∂param: the gradient without the upstream factor dl/dx⁽ᵏ⁾
    "dl/dW2": s2[0] * X1, "dl/db2": s2, "dl/dW1": np.outer(s1, X0), "dl/db1": s1,
}
for key, value in local.items():
    assert not verdicts[key]
    assert all(rounds_to(t, c) for t, c in zip(flat(value), flat(slide[key]))), key
print("every wrong line is explained: 2 sign flips, 4 missing upstream factors")

# %% [markdown]
# ## The verification report
#
# The library ships this example as a *worked-example file*, the slide's numbers copied
# exactly as printed, and `backprop verify` (or `autograd_core.verify` from Python) produces
# the comparison above by itself, with a diagnosis for each wrong number. Its verdicts must
# agree with the analysis we just did by hand:

# %%
from autograd_core.verify import bundled_examples, check_text

worked = next(p for p in bundled_examples() if "vo" in p.stem)
report = check_text(worked.read_text(encoding="utf-8"), name=worked.stem)
sigmoid_example, relu_example = report.examples
print(sigmoid_example.to_text())

# %%
by_name = {c.name: c for c in sigmoid_example.claims}
for key, ok in verdicts.items():
    assert (by_name[key].status == "ok") == ok, key
for key in ("dx2/dx1", "dx1/dx0"):
    assert "sign flipped" in by_name[key].diagnosis
for key in ("dl/dW2", "dl/db2", "dl/dW1", "dl/db1"):
    assert "missing upstream factor" in by_name[key].diagnosis
assert by_name["x1"].status == by_name["x2"].status == "ok"
print("the report's verdicts agree with the analysis above, claim by claim")

# %% [markdown]
# ## The same network with `nn`
#
# The `nn` package builds a network directly from the slide's matrices and reads back, per
# layer, exactly what the slide prints: weights, biases, their gradient matrices, the
# activations and the pre-activation gradients $\delta$. Its numbers must be the engine's:

# %%
from nn import MLP
from nn.losses import log_likelihood

mlp = MLP.from_matrices([W1, W2], [b1, b2], "sigmoid")
out = mlp([Value(v, label=f"x0[{i + 1}]") for i, v in enumerate(x0)])
ll = log_likelihood(out, 1.0)
ll.backward()
hidden_layer, output_layer = mlp.layers
print(mlp)
print("activations  x1 =", np.round(hidden_layer.activations, 4).tolist())
print("∂l/∂W1 =", np.round(hidden_layer.weight_grads, 4).tolist())
print("∂l/∂W2 =", np.round(output_layer.weight_grads, 4).tolist(),
      " ∂l/∂β2 =", np.round(output_layer.bias_grads, 4).tolist())
assert math.isclose(ll.data, loss.data, rel_tol=1e-14)
assert np.allclose(hidden_layer.weight_grads, engine["dl/dW1"], rtol=1e-13)
assert np.allclose(hidden_layer.bias_grads, engine["dl/db1"], rtol=1e-13)
assert np.allclose(output_layer.weight_grads[0], engine["dl/dW2"], rtol=1e-13)
assert np.allclose(hidden_layer.deltas, delta1, rtol=1e-13)

# %% [markdown]
# Its graph, drawn with one box per layer and per neuron (the labels `nn` gives its
# nodes tell the drawing which neuron each node belongs to):

# %%
from autograd_core.draw import draw_forward

draw_forward(ll, precision=4)

# %% [markdown]
# ## Reading the chain rule off the grad_table
#
# `backward(keep_terms=True)` kept every term of every sum. The gradient of the first hidden
# unit's weight $W^{(1)}_{1,1}$ shows the whole chain, from $l$ down to the weight:

# %%
table = loss.grad_table
for name in ["x2[1]", "z2[1]", "x1[1]", "z1[1]", "W1[1,1]"]:
    node = next(n for n in table if n.label == name)
    print(table.chain_rule(node))

# %% [markdown]
# ## The exercise: the same network with ReLU
#
# "Compute the gradients with $\sigma: x \mapsto \max(x, 0)$." With ReLU everywhere:
#
# * $z^{(1)} = [0, -0.75, 2.25]$, so $x^{(1)} = [0, 0, 2.25]$;
# * $z^{(2)} = 0.5 \cdot 2.25 + 1 = 2.125 = x^{(2)}$; the loss is $\log 2.125$ (with $y' = 1$
#   the $(1-y')\log(1 - x^{(2)})$ term is absent, which is just as well: $1 - x^{(2)} < 0$).
#
# The first hidden unit sits **exactly at the kink**: $z^{(1)}_1 = 0$, where ReLU has no
# derivative. Any slope in $[0, 1]$ is a valid subgradient. The engine uses 0 (PyTorch's
# convention) and flags the node.

# %%
rnet = build("relu")
rx2 = rnet["x2"][0]
rloss = rx2.log()
rloss.backward()
print("z1 =", [v.data for v in rnet["z1"]], " x1 =", [v.data for v in rnet["x1"]])
print("x2 =", rx2.data, " l =", round(rloss.data, 6))
print("nodes at a kink:", [v.label for v in rnet["x1"] if v.at_kink])
rgrads = {
    "dl/dW2": [w.grad for w in rnet["W2"][0]], "dl/db2": [rnet["b2"][0].grad],
    "dl/dx1": [v.grad for v in rnet["x1"]],
    "dl/dW1": [[w.grad for w in row] for row in rnet["W1"]], "dl/db1": [b.grad for b in rnet["b1"]],
}
for k, v in rgrads.items():
    print(f"{k:7s}", np.round(v, 4).tolist())

# %% [markdown]
# By hand: $\frac{dl}{dx^{(2)}} = 1/2.125$, ReLU passes it through ($z^{(2)} > 0$), so
# $\frac{\partial l}{\partial W^{(2)}} = \frac{1}{2.125}\,x^{(1)\top}$,
# $\frac{dl}{dx^{(1)}} = \frac{1}{2.125} W^{(2)}$, and then each hidden unit lets the gradient
# through only if its $z > 0$: unit 2 ($z = -0.75$) blocks it, unit 3 passes it, and unit 1
# (at the kink) passes a fraction $s \in [0, 1]$ of it, depending on the convention.

# %%
g2 = 1 / 2.125
xr1 = np.array([0.0, 0.0, 2.25])
dl_dx1_r = g2 * np.array(W2[0])


def relu_grads(s):
    """Hand-computed gradients for the ReLU network, with slope s at the kink."""
    mask = np.array([s, 0.0, 1.0])
    d1 = dl_dx1_r * mask
    return {"dl/dW2": g2 * xr1, "dl/db2": [g2], "dl/dx1": dl_dx1_r,
            "dl/dW1": np.outer(d1, X0), "dl/db1": d1}


for key, value in relu_grads(0.0).items():
    assert np.allclose(rgrads[key], value, rtol=1e-13, atol=1e-15), key
assert rnet["x1"][0].at_kink and not rnet["x1"][2].at_kink

alt = relu_grads(1.0)
print("with relu'(0) = 1 instead, the first unit's gradients would be:")
print("  dl/dW1 row 1 =", np.round(alt["dl/dW1"][0], 4).tolist(),
      "  dl/db1[1] =", round(alt["dl/db1"][0], 4))

# %% [markdown]
# The bundled worked example has this exercise too. The slide prints no numbers for it, so
# the file only asks to *show* them, and the report warns about the kink:

# %%
print(relu_example.to_text())
shown = {s.name: s for s in relu_example.shown}
assert np.allclose(np.ravel(shown["dl/dW1"].computed), np.ravel(rgrads["dl/dW1"]), atol=1e-12)
assert any("kink" in w for w in relu_example.warnings)

# %% [markdown]
# Both answers are defensible; a worked solution should state its convention. Nudging the
# input shows why neither is "the" derivative: the loss has different slopes on the two sides.

# %%
def relu_loss_b11(b11):
    h = np.maximum(0, np.array(W1) @ X0 + np.array([b11, b1[1], b1[2]]))
    return math.log(float((np.array(W2) @ h)[0] + b2[0]))


eps = 1e-6
right_slope = (relu_loss_b11(-1.5 + eps) - relu_loss_b11(-1.5)) / eps
left_slope = (relu_loss_b11(-1.5) - relu_loss_b11(-1.5 - eps)) / eps
print(f"∂l/∂b1[1]: left slope {left_slope:.4f}, right slope {right_slope:.4f}, "
      f"engine {rgrads['dl/db1'][0]}")
assert abs(left_slope) < 1e-9 and abs(right_slope - alt["dl/db1"][0]) < 1e-5
