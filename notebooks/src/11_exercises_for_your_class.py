# Notebook 11 source (percent format). Edit here, then `make notebooks-execute`.

# %% [markdown]
# # 11 · Exercises for your class
#
# A worked example on a slide is one exercise. With a few `vary` lines it becomes forty: every
# student gets their own numbers (so answers cannot be copied), the teacher gets every
# variant's answer key, and the answers handed in are graded by `backprop verify`'s own
# checker, so the feedback names the slip ("sign flipped", "missing upstream factor") and not
# only a score.
#
# 1. the teacher's file: which numbers may vary, and how;
# 2. forty variants, each checked well-posed (here: recomputed by hand, in plain Python);
# 3. the student's sheet;
# 4. grading answer files: a right one, a slipped one, a broken one;
# 5. `check()` in a notebook, Gradescope, a gradebook CSV, a Moodle quiz.

# %%
import ast
import csv
import io
import json
import math
import tempfile
from pathlib import Path

from IPython.display import Markdown, display

from autograd_core.exercise import Exercise, bundled_exercise, grade_all, make_exercises
from autograd_core.exercise.moodle import to_moodle
from autograd_core.exercise.outputs import to_csv, to_gradescope, to_table

# %% [markdown]
# ## 1. The teacher's file
#
# The bundled `vo_mlp.worked` is Vo's 2-3-1 network (notebook 3) and its ReLU exercise. Next
# to the given numbers, `vary` lines say what each variant may change; every `show` (or
# `claim`) is a question, asked with 4 decimals (a claim: as many as the teacher wrote).

# %%
source = bundled_exercise("vo_mlp")
lines = source.read_text(encoding="utf-8").splitlines()
first_part = lines[:lines.index("example Vo: the exercise, redo it with ReLU")]
print("\n".join(line for line in first_part if line.startswith(("vary", "points", "show"))))

# %% [markdown]
# ## 2. Forty variants
#
# Each variant is drawn from its own random stream, seeded by `"{seed}:{id}:{example}"`: the
# same seed and student id give the same numbers on every machine. A draw is refused when it
# is not *well-posed*: a quantity outside its domain, a relu input within 0.01 of its kink
# (rounding could put a student on the other side), or a gradient entry below 0.001 (it
# would round to 0.0000 and no slip could be told from the right answer).

# %%
exercises = make_exercises(source, variants=40, seed=2026)
print(exercises.stats.summary())
v7 = exercises.key.variant("07")
print("\n".join(v7.parts[0].given))

# %% [markdown]
# Are the keys right, and is every variant well-posed? Recompute the sigmoid network of every
# variant by hand, in plain Python floats (no engine), from the numbers on the sheet.

# %%
def numbers_of(given):
    """{'x0': [...], 'W1': [[...], ...], ...} from the sheet's given lines."""
    statements = []
    for line in given:
        if line.split()[0] in ("input", "param", "const"):
            statements.append(line)
        else:
            statements[-1] += line
    return {s.split()[1]: ast.literal_eval(s.partition("=")[2].strip()) for s in statements}


def sigma(a):
    return 1 / (1 + math.exp(-a))


def vo_by_hand(g):
    x0, W1, b1, (W2,), b2 = g["x0"], g["W1"], g["b1"], g["W2"], g["b2"]
    x1 = [sigma(sum(w * x for w, x in zip(row, x0)) + b) for row, b in zip(W1, b1)]
    x2 = sigma(sum(w * x for w, x in zip(W2, x1)) + b2)
    dl_dx2 = 1 / x2                      # l = log x2 (y' = 1)
    dl_dz2 = dl_dx2 * x2 * (1 - x2)
    dl_dx1 = [dl_dz2 * w for w in W2]
    dl_dz1 = [d * x * (1 - x) for d, x in zip(dl_dx1, x1)]
    return {"x1": x1, "x2": [x2], "dl/dx2": [dl_dx2], "dl/dW2": [dl_dz2 * x for x in x1],
            "dl/db2": [dl_dz2], "dl/dx1": dl_dx1, "dl/db1": dl_dz1,
            "dl/dW1": [d * x for d in dl_dz1 for x in x0],
            "dx2/dx1": [x2 * (1 - x2) * w for w in W2],
            "dx1/dx0": [x * (1 - x) * w for x, row in zip(x1, W1) for w in row],
            "dl/dx0": [sum(dl_dz1[i] * W1[i][j] for i in range(3)) for j in range(2)]}


smallest = math.inf
for v in exercises.variants:
    part = v.parts[0]
    hand = vo_by_hand(numbers_of(part.given))
    for name, values in hand.items():
        assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(part[name].values, values))
        if name.startswith("d"):
            smallest = min(smallest, *(abs(x) for x in values))
assert smallest >= 0.001
print(f"40 keys recomputed by hand; the smallest gradient entry asked is {smallest:.4f}")

# %% [markdown]
# ## 3. The student's sheet
#
# The sheet (`variant-07.md` when written with `-o`) gives the numbers, how they are
# combined, what to compute with how many decimals, and the answer file to fill in. It holds
# no answer. Here is the first part of variant 07's sheet:

# %%
sheet = exercises.sheet(v7)
display(Markdown(sheet.split("## 2.")[0]))

# %% [markdown]
# ## 4. Grading answer files
#
# Three students hand in, each for their own variant: Ana (variant 07) has everything right,
# Ben (08) flipped the sign of ∂l/∂W2 and forgot the factor ∂l/∂x2 in ∂l/∂b2, Cem's file (09)
# has a typo and an unclosed bracket. `grade_all` (what `backprop grade` runs) asks verify
# about every answer (two files for one variant would both be graded, with a warning).

# %%
def answer_file(variant, values):
    out = [f"variant {variant.id}", "example 1"]
    for q in variant.parts[0].questions:
        if q.name in values:
            vals = [f"{x:.4f}" for x in values[q.name]]
            if len(q.shape) == 2 and q.size > q.shape[1]:
                r, c = q.shape
                text = "[" + ", ".join("[" + ", ".join(vals[i * c:(i + 1) * c]) + "]"
                                       for i in range(r)) + "]"
            else:
                text = vals[0] if not q.shape else "[" + ", ".join(vals) + "]"
            out.append(f"{q.name} = {text}")
    return "\n".join(out) + "\n"


v8, v9 = exercises.key.variant("08"), exercises.key.variant("09")
hand7, hand8, hand9 = (vo_by_hand(numbers_of(v.parts[0].given)) for v in (v7, v8, v9))
slipped = dict(hand8)
slipped["dl/dW2"] = [-x for x in hand8["dl/dW2"]]
slipped["dl/db2"] = [hand8["dl/db2"][0] / hand8["dl/dx2"][0]]    # the local derivative only

folder = Path(tempfile.mkdtemp())
(folder / "ana.txt").write_text(answer_file(v7, hand7))
(folder / "ben.txt").write_text(answer_file(v8, slipped))
garbled = {"x2": "x2 = 0.02?67", "dl/dW2": "dl/dW2 = [0.8573, 0.0088,"}   # a typo, no ']'
(folder / "cem.txt").write_text("\n".join(garbled.get(line.split(" = ")[0], line)
                                          for line in answer_file(v9, hand9).splitlines()))
grades = grade_all(exercises.key, sorted(str(p) for p in folder.iterdir()))
print(to_table(grades[1:]))

# %% [markdown]
# Ben's two slips are named, and Cem loses only the two answers he garbled (part 2, the ReLU
# exercise, was not handed in by anyone: "missing"). The points, per question and entry by
# entry for vectors and matrices:

# %%
scores = {g.student: g.score for g in grades}
print(scores, "of", grades[0].max_score)
assert scores == {"ana": 12, "ben": 10, "cem": 10}

# %% [markdown]
# ## 5. `check()`, Gradescope, a gradebook, Moodle
#
# In a notebook, `check()` judges one answer with the same checking, offline, prints the
# verdict and returns the points earned (the `0.0` shown below the cell; under nbgrader it
# is the cell's partial credit). A float is rounded to the decimals asked; a string is judged
# as written. It never shows the true value unless asked (`reveal=True`).

# %%
check = Exercise(v7).check
check("dl/dW2", hand7["dl/dW2"], part=1)
check("dl/dx1", [2 * x for x in hand7["dl/dx1"]], part=1)
check("x2", "0.03", part=1)

# %% [markdown]
# Gradescope's `results.json` (`backprop grade … --format gradescope`) has one test per
# question; a test's output gives the verdict and the slip:

# %%
results = to_gradescope(grades[1])
print(json.dumps({k: results[k] for k in ("score", "max_score")}),
      json.dumps(results["tests"][7], ensure_ascii=False, indent=1), sep="\n")

# %% [markdown]
# The gradebook (`--format csv`) has a row per student and a column per question:

# %%
rows = list(csv.reader(io.StringIO(to_csv(grades))))
print(rows[0][:8], *(r[:8] for r in rows[1:]), sep="\n")

# %% [markdown]
# And a Moodle quiz (`backprop exercise … --moodle quiz.xml`): a numerical question per number
# to compute, the true value with the tolerance its 4 decimals imply (±0.00005: exactly the
# correctly rounded answers), then the value each slip would give with its feedback. The
# answers of ∂l/∂W2[1] in variant 01:

# %%
import xml.etree.ElementTree as ET

one = make_exercises(source, variants=1, seed=2026, examples=["1"])
quiz = ET.fromstring(to_moodle(one))
question = next(q for q in quiz.iter("question")
                if q.findtext("name/text", "").endswith("dl/dW2[1]"))
for answer in question.findall("answer"):
    text = answer.findtext("text")
    print(f"{answer.get('fraction'):>4}%  {text if text == '*' else f'{float(text):+.4f}'}  "
          f"{answer.findtext('feedback/text')[3:-4]}")
