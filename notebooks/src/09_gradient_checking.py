# Notebook 9 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 9 · Gradient checking
#
# How do you know a gradient is right, whether it came from a library or from your own pen?
# Compare it with something computed a completely different way. The oldest such check needs
# nothing but the function itself: nudge one input and watch the output move.
#
# 1. finite differences: forward vs central, and how to choose the step $h$;
# 2. a small gradient checker, run on a contrived expression that uses every kind of op;
# 3. catching a slip in a hand-derived formula;
# 4. where finite differences disagree on purpose: kinks;
# 5. second derivatives;
# 6. checking a whole hand-worked example at once with `backprop verify`.

# %%
import math
import random

import matplotlib.pyplot as plt

from autograd_core import Value, grad

# %% [markdown]
# ## 1. Finite differences
#
# Taylor's formula gives two estimates of $f'(x)$ from values of $f$ alone:
#
# $$ \text{forward: } \frac{f(x+h) - f(x)}{h} = f'(x) + \tfrac{h}{2} f''(x) + O(h^2), \qquad
#    \text{central: } \frac{f(x+h) - f(x-h)}{2h} = f'(x) + \tfrac{h^2}{6} f'''(x) + O(h^4). $$
#
# So the central difference is far more accurate for the same $h$. But $h$ cannot shrink
# forever: $f(x+h) - f(x-h)$ subtracts two nearly equal floating-point numbers, and the
# rounding error of about $10^{-16}\,|f|$ is divided by $h$. The total error is smallest
# around $h \approx 10^{-5}$ for the central difference ($\approx \varepsilon^{1/3}$) and
# $h \approx 10^{-8}$ for the forward one ($\approx \varepsilon^{1/2}$).
#
# The engine's derivative is the reference here; it is exact up to rounding.

# %%
def f_float(x):
    return math.tanh(x) * math.exp(-x * x / 2) + math.sin(3 * x)


x0 = 0.7
xv = Value(x0)
(exact,) = grad(xv.tanh() * (-(xv * xv) / 2).exp() + (3 * xv).sin(), [xv])

hs = [10.0**-k for k in range(1, 15)]
fwd = [abs((f_float(x0 + h) - f_float(x0)) / h - exact) for h in hs]
cen = [abs((f_float(x0 + h) - f_float(x0 - h)) / (2 * h) - exact) for h in hs]

fig, ax = plt.subplots(figsize=(6, 3.6))
ax.loglog(hs, fwd, "o-", label="forward difference")
ax.loglog(hs, cen, "s-", label="central difference")
ax.set_xlabel("step h")
ax.set_ylabel("|estimate − engine|")
ax.invert_xaxis()
ax.legend()
ax.set_title("Truncation error falls with h, rounding error rises")
plt.show()

best_c = hs[cen.index(min(cen))]
best_f = hs[fwd.index(min(fwd))]
print(f"best h: central {best_c:g} (error {min(cen):.1e}), forward {best_f:g} (error {min(fwd):.1e})")
assert 1e-7 <= best_c <= 1e-3 and min(cen) < 1e-9
assert min(cen) < min(fwd)

# %% [markdown]
# ## 2. A gradient checker
#
# For a function of several inputs, perturb one input at a time and compare each partial
# derivative with the engine's, using a relative error so large and small gradients are
# judged alike:
#
# $$ \text{err} = \frac{|g_\text{engine} - g_\text{fd}|}{\max(|g_\text{engine}|, |g_\text{fd}|, 1)} . $$

# %%
def gradcheck(fn, point, h=1e-5, tol=1e-7):
    """Compare the engine's gradient of fn at point with central differences; return rows."""
    xs = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
    engine = grad(fn(*xs), xs)
    rows = []
    for i in range(len(point)):
        up = [Value(p + h * (j == i)) for j, p in enumerate(point)]
        down = [Value(p - h * (j == i)) for j, p in enumerate(point)]
        fd = (fn(*up).data - fn(*down).data) / (2 * h)
        err = abs(engine[i] - fd) / max(abs(engine[i]), abs(fd), 1.0)
        rows.append((f"x{i}", engine[i], fd, err, err < tol))
    return rows


def show(rows):
    print(f"{'input':6s} {'engine':>16s} {'finite diff.':>16s} {'rel. error':>11s}")
    for name, e, fd, err, ok in rows:
        print(f"{name:6s} {e:16.10f} {fd:16.10f} {err:11.1e} {'ok' if ok else 'MISMATCH'}")


def contrived(a, b, c, d):
    """Every op of the engine in one expression."""
    t = (a * b - c / d).tanh() + (a**2 + 1).log() * b.sigmoid()
    u = (c.exp() - d.sqrt()) ** 3 / (1 + b.abs()) + a.sin() * c.cos()
    v = (-u).relu() + u.leaky_relu(0.1) + d ** b + 2 ** c
    return t * v - v / (t * t + 1)


rows = gradcheck(contrived, [0.3, -1.2, 0.8, 2.5])
show(rows)
assert all(ok for *_, ok in rows)

# %% [markdown]
# A randomised version of the same check, over many points:

# %%
rng = random.Random(9)
worst = 0.0
for _ in range(100):
    point = [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-1, 1), rng.uniform(0.5, 3)]
    rows = gradcheck(contrived, point)
    worst = max(worst, max(err for *_, err, _ in rows))
print(f"largest relative error over 100 random points: {worst:.1e}")
assert worst < 1e-6

# %% [markdown]
# ## 3. Catching a slip in your own derivation
#
# The same check works on a gradient you derived by hand. Take one sigmoid neuron with a
# squared-error loss, $\ell = \frac12(\sigma(w x + b) - y)^2$. The correct gradient is
# $\partial\ell/\partial w = (\hat y - y)\,\hat y(1-\hat y)\,x$. A classic slip is to forget
# the activation's derivative, as if the output were linear:

# %%
def loss(w, b, x=1.5, y=0.0):
    return 0.5 * (1 / (1 + math.exp(-(w * x + b))) - y) ** 2


def dl_dw_right(w, b, x=1.5, y=0.0):
    yhat = 1 / (1 + math.exp(-(w * x + b)))
    return (yhat - y) * yhat * (1 - yhat) * x


def dl_dw_slip(w, b, x=1.5, y=0.0):
    yhat = 1 / (1 + math.exp(-(w * x + b)))
    return (yhat - y) * x  # σ′ forgotten


w, b, h = 0.4, -0.1, 1e-5
fd = (loss(w + h, b) - loss(w - h, b)) / (2 * h)
for name, formula in [("right", dl_dw_right), ("slip", dl_dw_slip)]:
    g = formula(w, b)
    print(f"{name:5s}: formula {g:.8f}  finite difference {fd:.8f}  ratio {g / fd:.4f}")
assert math.isclose(dl_dw_right(w, b), fd, rel_tol=1e-8)
assert not math.isclose(dl_dw_slip(w, b), fd, rel_tol=1e-2)

# %% [markdown]
# The ratio is a hint about the slip: here it is $1/(\hat y(1-\hat y))$, the missing factor.
# `backprop verify` (section 6) automates the comparison, and the hunt for such slips.
#
# ## 4. Kinks: where the two methods disagree on purpose
#
# At $a = 0$, $\mathrm{relu}(a) = \max(0, a)$ has no derivative. The central difference
# averages the two one-sided slopes and returns $\frac12$; the engine returns the subgradient
# PyTorch uses, $0$, and marks the node so you know a convention was applied. Neither is
# "wrong"; a hand-worked answer at a kink should say which convention it follows.

# %%
a = Value(0.0, label="a")
r = a.relu()
(d_engine,) = grad(r, [a])
h = 1e-6
d_fd = (max(0.0, h) - max(0.0, -h)) / (2 * h)
print(f"relu'(0): engine {d_engine}, central difference {d_fd}, node at a kink: {r.at_kink}")
assert d_engine == 0.0 and d_fd == 0.5 and r.at_kink

# %% [markdown]
# ## 5. Second derivatives
#
# With `create_graph=True` the gradient is a `Value` that can be differentiated again, and the
# second derivative can be checked by finite differences *of the first derivative*. For the
# contrived expression above, the full Hessian (4 × 4) against central differences of the
# engine's own gradient:

# %%
point = [0.3, -1.2, 0.8, 2.5]


def gradient_at(p):
    vs = [Value(v) for v in p]
    return grad(contrived(*vs), vs)


xs = [Value(p) for p in point]
first = grad(contrived(*xs), xs, create_graph=True)
H = [list(grad(g, xs)) for g in first]

h = 1e-5
H_fd = [[0.0] * 4 for _ in range(4)]
for j in range(4):
    up = gradient_at([p + h * (k == j) for k, p in enumerate(point)])
    down = gradient_at([p - h * (k == j) for k, p in enumerate(point)])
    for i in range(4):
        H_fd[i][j] = (up[i] - down[i]) / (2 * h)

for i in range(4):
    print("  ".join(f"{H[i][j]:+10.5f}" for j in range(4)))
err = max(abs(H[i][j] - H_fd[i][j]) / max(1, abs(H_fd[i][j])) for i in range(4) for j in range(4))
sym = max(abs(H[i][j] - H[j][i]) for i in range(4) for j in range(4))
print(f"largest difference from finite differences {err:.1e}; asymmetry {sym:.1e}")
assert err < 1e-6 and sym < 1e-10

# %% [markdown]
# ## 6. Checking a whole hand-worked example: `backprop verify`
#
# Finite differences check one number at a time, and you have to write the function twice.
# For a worked example, a page of numbers computed by hand for a lecture or an exercise,
# the library has a checker: describe the computation once, copy your numbers **exactly as
# you wrote them**, and it reports for each one whether it is right, only truncated, or
# wrong, with the true value and the slip that most likely produced it.
#
# The description is a small text file (`.worked`), which you can also build from Python.
# Here is the neuron of section 3, with a student's answers: the output, the two gradients
# (one with the forgotten $\sigma'$), the gradient at the pre-activation written with the
# wrong sign, and $\partial l/\partial x$ where only the local derivative
# $\partial\hat y/\partial x$ was worked out.

# %%
from autograd_core.verify import Example

yhat_true = 1 / (1 + math.exp(-(0.4 * 1.5 - 0.1)))
ex = (
    Example("one sigmoid neuron, squared error", note="a student's answers to section 3")
    .input("x", 1.5).const("y", 0).param("w", 0.4).param("b", -0.1)
    .let("a", "w*x + b").let("yhat", "sigmoid(a)")
    .loss("l", "0.5*(yhat - y)^2")
    .claim("yhat", "0.6225")   # right
    .claim("dl/dw", "0.9337")  # σ′ forgotten: (ŷ − y)·x
    .claim("dl/db", "0.1463")  # right
    .claim("dl/da", "-0.1463")  # sign flipped
    .claim("dl/dx", "0.0940")  # ∂ŷ/∂x = ŷ(1 − ŷ)·w: the upstream factor ∂l/∂ŷ is missing
)
print(ex.text)

# %%
result = ex.check()
print(result.to_text())

# %% [markdown]
# The checker's verdicts, tested against what we know independently:

# %%
status = {c.name: c for c in result.claims}
assert round(yhat_true, 4) == 0.6225 and status["yhat"].status == "ok"
assert status["dl/dw"].status == "wrong"
assert math.isclose(status["dl/dw"].computed, dl_dw_right(0.4, -0.1), rel_tol=1e-12)
assert status["dl/db"].status == "ok"
assert status["dl/da"].status == "wrong" and "sign" in status["dl/da"].diagnosis
assert status["dl/dx"].status == "wrong" and "upstream" in status["dl/dx"].diagnosis

assert "activation" in status["dl/dw"].diagnosis or "σ′" in status["dl/dw"].diagnosis

# %% [markdown]
# Each diagnosis is one of the slips people make when they back-propagate by hand (sign
# flipped, local derivative instead of the full gradient, the activation's derivative left
# out or taken at the wrong point, a transposed matrix, a factor 2 or ½ or m …), given only
# when the numbers support it exactly; otherwise the report says that no single slip
# explains the difference.

# %% [markdown]
# ### From the command line
#
# Save the text as a file and run `backprop verify FILE` (add `--strict` in a course
# repository's CI to fail on any wrong number, `--format markdown` to paste the table into
# course material). With no file it checks the examples bundled with the library, the
# worked examples of the lecture notes. The same command, run from Python here:

# %%
import contextlib
import io
import tempfile
from pathlib import Path

from autograd_core.cli import main as backprop

with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
    Path("neuron.worked").write_text(ex.text, encoding="utf-8")
    code = backprop(["verify", "--format", "markdown", "neuron.worked"])
    with contextlib.redirect_stdout(io.StringIO()):  # the same table again: not shown
        strict = backprop(["verify", "--strict", "neuron.worked"])
print("exit status:", code, "(with --strict:", strict, ")")
assert code == 0 and strict == 1
