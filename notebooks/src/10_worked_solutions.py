# Notebook 10 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 10 · Worked solutions: `backprop solve` next to `backprop verify`
#
# `verify` says which numbers of a worked example are right. `solve` writes the whole
# worked solution, correctly, in the slides' notation: the forward pass, then the backward
# pass in back-propagation order, each gradient as the chain rule with its factors and
# numbers. The example's claims are marked with verify's verdicts, so the solution is also
# the corrected slide.
#
# Nothing here is written by hand a second time: the structure of each line comes from the
# engine's grad_table (`keep_terms=True`, each consumer's term) and each local derivative from
# the op's own rule. The numbers are checked below against numpy.

# %%
import numpy as np

from autograd_core.solve import solve
from autograd_core.solve.explain import explain
from autograd_core.verify import bundled_examples, check

vo_file, fromont_file = (p for p in bundled_examples()
                         if p.name in ("01_vo_mlp.worked", "02_fromont.worked"))

# %% [markdown]
# ## Vo's MLP: the verify report first
#
# A 2-3-1 sigmoid network, $x^{(0)} = [0.5, -0.5]^T$, the log-likelihood loss with $y' = 1$.
# The slide's backward numbers are the ones verify finds wrong.

# %%
report = check(vo_file)
vo_report = report["Vo: MLP with one hidden layer (sigmoid)"]
vo_report

# %% [markdown]
# ## The worked solution
#
# At layer level, as the lecture writes back-propagation:
# $\delta^{(l)} = f'(z^{(l)}) \circ \partial l/\partial x^{(l)}$,
# $\partial l/\partial x^{(l-1)} = W^{(l)\top} \delta^{(l)}$,
# $\partial l/\partial W^{(l)} = \delta^{(l)} x^{(l-1)\top}$, the vectors and matrices filled in.
# Each claim of the slide sits under its line, with its verdict. Where the factors shown
# rounded would give another last digit than the exact result, the line says so.

# %%
vo = solve(vo_file)["Vo: MLP with one hidden layer (sigmoid)"]
vo

# %% [markdown]
# The same, as plain text, one line per stage; `print(line)` gives one line.

# %%
for key in ("x2", "dl/dx2"):
    print(vo.line(key) if key == "x2" else vo.backward_line("x2"))
print(vo.backward_line("W2"))
print(vo.backward_line("x1"))

# %% [markdown]
# Checked against numpy, written out independently of the library:

# %%
sigmoid = lambda t: 1 / (1 + np.exp(-t))  # noqa: E731
x0 = np.array([0.5, -0.5])
W1 = np.array([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]])
b1 = np.array([-1.5, -1.3, 2.0])
W2 = np.array([[-1.5, 0.2, 0.5]])
b2 = np.array([1.0])
x1 = sigmoid(W1 @ x0 + b1)
x2 = sigmoid(W2 @ x1 + b2)
delta2 = (1 / x2) * x2 * (1 - x2)          # ∂l/∂x2 · σ′(z2), l = log x2
dW2 = np.outer(delta2, x1)
dx1 = W2.T @ delta2
delta1 = x1 * (1 - x1) * dx1
dW1 = np.outer(delta1, x0)

def shown(line):
    return [float(t) for t in line.printed_result()]

assert np.allclose(shown(vo.backward_line("W2")), dW2.ravel(), atol=5e-5)
assert np.allclose(shown(vo.backward_line("x1")), dx1, atol=5e-5)
assert np.allclose(shown(vo.backward_line("W1")), dW1.ravel(), atol=5e-5)
assert np.allclose(shown(vo.backward_line("b1")), delta1, atol=5e-5)
print("every backward result of the solution agrees with numpy to the 4 decimals shown")

# %% [markdown]
# One line per entry, on request (`backprop solve FILE --per-scalar`): a node with several
# consumers shows its sum of terms.

# %%
for entry in vo.backward_line("x0").entries:
    print(entry)

# %% [markdown]
# ## Each wrong claim, followed by its working
#
# What `backprop verify --explain FILE` prints after the table: the lines each wrong number
# is computed from, in back-propagation order, ending with the right value.

# %%
print(explain([vo]).split("dl/db2 (line")[0].rstrip())

# %% [markdown]
# ## Fromont's Exercise 2: one back-propagation step
#
# A 2-2-1 sigmoid network, $x = (1, 1)$, $y = 0$, $c = 1$, $E = \frac12 (u - y)^2$. The slide
# gives no answer, so the worked example only asks to *show* the values: verify lists them,
# solve writes how each is obtained, up to the new weights and the new output.

# %%
ex2_name = "Fromont: Exercise 2, one back-propagation step in a 2-2-1 sigmoid network"
check(fromont_file)[ex2_name]

# %%
ex2 = solve(fromont_file)[ex2_name]
ex2

# %% [markdown]
# Checked against numpy: the new weights are $W \leftarrow W - c\,\partial E/\partial W$.

# %%
x = np.array([1.0, 1.0])
V1 = np.array([[0.1, 0.3], [-0.2, 0.4]])
c1 = np.array([0.2, -0.3])
V2 = np.array([0.5, -0.4])
c2 = 0.4
h = sigmoid(V1 @ x + c1)
u = sigmoid(V2 @ h + c2)
d_u = u * u * (1 - u)                      # ∂E/∂u · σ′ with ∂E/∂u = u − y, y = 0
d_h = h * (1 - h) * V2 * d_u
V1_new = V1 - np.outer(d_h, x)
V2_new = V2 - d_u * h
u_new = sigmoid(V2_new @ sigmoid(V1_new @ x + c1 - d_h) + c2 - d_u)

def close(line, want):
    return np.allclose(shown(line), np.ravel(want), rtol=5e-4, atol=1e-6)

assert close(ex2.line("W1_new"), V1_new)
assert close(ex2.line("W2_new"), V2_new)
assert close(ex2.line("u_new"), u_new)
print(ex2.line("u_new"))
print("new weights and new output agree with numpy to the 4 significant digits shown")

# %% [markdown]
# ## Other formats
#
# The same solution as Markdown (`$…$` math), a LaTeX document that compiles with pdflatex,
# or one self-contained HTML page with MathML:
#
# ```sh
# backprop solve autograd_core/examples/01_vo_mlp.worked -o vo.md
# backprop solve autograd_core/examples/01_vo_mlp.worked -o vo.tex
# backprop solve autograd_core/examples/01_vo_mlp.worked -o vo.html
# backprop solve "sigmoid(w*x + b)" --let x=0.5 --param w=-2.5 b=1
# ```

# %%
print(next(ln for ln in vo.to_markdown().splitlines() if "W^{(2)}" in ln and "delta" in ln))
