"""Module: stable dotted parameter names (also the Values' labels), zero_grad, counts,
train/eval, and the JSON file: exact round trip, atomic write, and every bad file refused
with a clear error while the model stays untouched."""

from __future__ import annotations

import json
import os

import pytest

from nn import MLP, BatchNorm, Dropout, Layer, ModelFileError, Neuron, Sequential, load_model
from nn.module import FORMAT, VERSION


def snapshot(model):
    return [(n, p.data) for n, p in model.named_parameters()]


def test_named_parameters_are_dotted_ordered_and_label_the_values():
    net = MLP(2, [3, 1], rng=0)
    names = [n for n, _ in net.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == net.num_parameters() == 3 * 3 + 4
    assert all(p.label == n and p.role == "param" for n, p in net.named_parameters())
    assert net.parameters() == [p for _, p in net.named_parameters()]


def test_names_are_stable_across_constructions_and_seeds():
    a = [n for n, _ in MLP(3, [4, 4, 2], rng=1).named_parameters()]
    b = [n for n, _ in MLP(3, [4, 4, 2], rng=2).named_parameters()]
    assert a == b


def test_forward_labels_pre_activation_and_output_nodes():
    net = MLP(2, [3, 1], rng=0)
    out = net([1.0, -1.0])
    assert out.label == "layers.1.neurons.0.out"  # identity output: a is out
    hidden = net.layers[0].neurons[2]
    assert hidden._last_a.label == "layers.0.neurons.2.a"
    assert hidden._last_out.label == "layers.0.neurons.2.out"
    assert hidden._last_out.inputs == (hidden._last_a,)


def test_standalone_neuron_names_and_relabel_inside_a_container():
    n = Neuron(2)
    assert [p.label for p in n.parameters()] == ["w.0", "w.1", "b"]
    seq = Sequential(Layer(2, 2, rng=0), Dropout(0.1, rng=0))
    assert seq.named_parameters()[0][0] == "layers.0.neurons.0.w.0"
    assert seq.parameters()[0].label == "layers.0.neurons.0.w.0"


def test_zero_grad_resets_every_parameter():
    net = MLP(2, [3, 1], rng=0)
    net([0.5, 2.0]).backward()
    assert any(p.grad != 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad == 0 for p in net.parameters())


def test_weight_parameters_exclude_biases():
    net = MLP(2, [3, 1], rng=0)
    ws = net.weight_parameters()
    assert len(ws) == 2 * 3 + 3 and all(".w." in p.label for p in ws)


def test_train_and_eval_reach_every_submodule():
    seq = Sequential(Layer(2, 2, rng=0), Dropout(0.5, rng=0), BatchNorm(2))
    seq.eval()
    assert not any(m.training for _, m in seq.modules())
    seq.train()
    assert all(m.training for _, m in seq.modules())


def test_save_load_round_trip_is_exact(tmp_path):
    net = MLP(3, [5, 2], "tanh", "sigmoid", rng=42)
    path = net.save(tmp_path / "net.json")
    other = MLP(3, [5, 2], "tanh", "sigmoid", rng=7)
    assert snapshot(other) != snapshot(net)
    other.load(path)
    assert snapshot(other) == snapshot(net)  # bit for bit (floats written with repr)
    rebuilt = load_model(path)
    assert snapshot(rebuilt) == snapshot(net) and rebuilt.spec() == net.spec()
    x = [0.1, -0.2, 0.3]
    assert [v.data for v in rebuilt(x)] == [v.data for v in net(x)]


def test_batch_norm_running_statistics_are_saved(tmp_path):
    seq = Sequential(Layer(2, 2, rng=0), BatchNorm(2))
    seq([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
    seq.save(tmp_path / "s.json")
    loaded = load_model(tmp_path / "s.json")
    assert loaded.layers[1].running_mean == seq.layers[1].running_mean
    assert loaded.layers[1].running_var == seq.layers[1].running_var


def test_save_is_atomic_no_temporary_left_and_old_file_kept_on_failure(tmp_path, monkeypatch):
    net = MLP(2, [2, 1], rng=0)
    path = tmp_path / "m.json"
    net.save(path)
    before = path.read_text()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    net.layers[0].neurons[0].w[0].data = 123.0
    with pytest.raises(OSError, match="disk full"):
        net.save(path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def bad_file(tmp_path, text):
    p = tmp_path / "bad.json"
    p.write_text(text)
    return p


def good_state():
    return MLP(2, [2, 1], rng=0).state_dict()


@pytest.mark.parametrize("mutate,message", [
    (lambda s: s.update(version=VERSION + 1), "version 2"),
    (lambda s: s.update(format="something else"), "not an"),
    (lambda s: s["model"].update(nouts=[3, 1]), "architecture mismatch"),
    (lambda s: s["model"].update(activations=["tanh", "identity"]), "architecture mismatch"),
    (lambda s: s["parameters"].pop("layers.0.neurons.0.b"), "missing"),
    (lambda s: s["parameters"].update({"layers.9.x": 1.0}), "unexpected"),
    (lambda s: s["parameters"].update({"layers.0.neurons.0.b": "0.5"}), "not a number"),
    (lambda s: s["parameters"].update({"layers.0.neurons.0.b": None}), "not a number"),
    (lambda s: s.update(parameters=[1, 2]), "must be an object"),
])
def test_bad_files_are_refused_and_the_model_is_untouched(tmp_path, mutate, message):
    state = good_state()
    mutate(state)
    path = bad_file(tmp_path, json.dumps(state))
    net = MLP(2, [2, 1], rng=5)
    before = snapshot(net)
    with pytest.raises(ModelFileError, match=message):
        net.load(path)
    assert snapshot(net) == before


def test_truncated_file_is_refused_cleanly(tmp_path):
    text = json.dumps(good_state())
    net = MLP(2, [2, 1], rng=5)
    before = snapshot(net)
    for cut in (0, 1, len(text) // 2, len(text) - 1):
        path = bad_file(tmp_path, text[:cut])
        with pytest.raises(ModelFileError, match="truncated"):
            net.load(path)
    assert snapshot(net) == before


def test_wrong_architecture_message_names_both(tmp_path):
    MLP(2, [4, 1], rng=0).save(tmp_path / "a.json")
    with pytest.raises(ModelFileError) as e:
        MLP(2, [2, 1], rng=0).load(tmp_path / "a.json")
    assert "[4, 1]" in str(e.value) and "[2, 1]" in str(e.value)


def test_file_header():
    state = good_state()
    assert state["format"] == FORMAT and state["version"] == VERSION


def test_reprs_are_helpful():
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2 → 16 → 16 → 1; relu, relu, identity)"
    assert repr(Neuron(3, nonlin=False)) == "Neuron(3, activation='identity')"
    assert "bias='implicit'" in repr(Layer(2, 3, bias="implicit"))


def test_parameter_count_of_seed_003_exercise_matches_the_formula():
    """3 hidden layers of 100 units, 40×40 inputs, 10 classes: Σₖ (n_{k−1} + 1)·n_k."""
    sizes = [40 * 40, 100, 100, 100, 10]
    expected = sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))
    assert MLP(sizes[0], sizes[1:], init="zeros").num_parameters() == expected


def test_doctests_in_the_package_pass():
    import doctest
    import importlib
    import pkgutil

    import nn

    names = ["nn"] + [f"nn.{m.name}" for m in pkgutil.iter_modules(nn.__path__)]
    results = {n: doctest.testmod(importlib.import_module(n)) for n in names}
    assert sum(r.attempted for r in results.values()) >= 5
    assert {n: r.failed for n, r in results.items() if r.failed} == {}


def test_readme_nn_snippet_runs_as_written(tmp_path, monkeypatch, capsys):
    from pathlib import Path

    torch = pytest.importorskip("torch")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Neural networks: `nn`", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    first = capsys.readouterr().out.splitlines()[0]
    W1 = torch.tensor([[0.5, -2.5], [1.2, 0.1], [-0.7, -1.2]], dtype=torch.float64)
    h = torch.sigmoid(W1 @ torch.tensor([0.5, -0.5], dtype=torch.float64)
                      + torch.tensor([-1.5, -1.3, 2.0], dtype=torch.float64))
    o = torch.sigmoid(torch.tensor([-1.5, 0.2, 0.5], dtype=torch.float64) @ h + 1.0)
    assert float(first) == round(o.item(), 4)


def test_a_micrograd_style_subclass_overriding_parameters_still_works():
    """micrograd users write Module subclasses that override parameters(); zero_grad and
    num_parameters must use it."""
    from autograd_core import Value
    from nn import Module

    class Scale(Module):
        def __init__(self):
            self.k = Value(2.0)

        def __call__(self, x):
            return self.k * x

        def parameters(self):
            return [self.k]

    m = Scale()
    m(3.0).backward()
    assert m.k.grad == 3.0 and m.num_parameters() == 1
    m.zero_grad()
    assert m.k.grad == 0.0


def test_importing_nn_loads_neither_torch_nor_matplotlib():
    import subprocess
    import sys

    code = ("import sys, nn, nn.plot, nn.torch_bridge, nn.train; "
            "print(sorted(m for m in ('torch', 'matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_binary_garbage_and_nan_parameters_are_refused(tmp_path):
    net = MLP(2, [2, 1], rng=5)
    before = snapshot(net)
    garbage = tmp_path / "g.json"
    garbage.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ModelFileError, match="not UTF-8"):
        net.load(garbage)
    state = good_state()
    state["parameters"]["layers.0.neurons.0.b"] = float("nan")
    with pytest.raises(ModelFileError, match="not a finite number"):
        net.load(bad_file(tmp_path, json.dumps(state)))
    assert snapshot(net) == before


# ---------------------------------------------------------------- hostile model files (issue 13)
def state_of(model):
    return json.loads(json.dumps(model.state_dict()))


def write_state(tmp_path, state, name="m.json"):
    path = tmp_path / name
    path.write_text(json.dumps(state))
    return path


def test_a_huge_architecture_is_refused_before_anything_is_built(tmp_path):
    """A 300-byte file saying nouts = [10⁹, 1] must not allocate: the spec is checked first,
    with the limit in the message (peak memory measured while loading: under 1 MB)."""
    import tracemalloc

    from nn import model_spec

    cases = [
        ({"nouts": [10**9, 1]}, "parameters"),
        ({"nin": 0, "nouts": [10**9], "activations": ["identity"], "bias": "none"}, "modules"),
        ({"nouts": [10**400, 1]}, "parameters"),
    ]
    for change, what in cases:
        state = state_of(MLP(2, [2, 1], rng=0))
        state["model"].update(change)
        path = write_state(tmp_path, state)
        tracemalloc.start()
        try:
            with pytest.raises(ModelFileError) as e:
                load_model(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        limit = {"parameters": model_spec.MAX_PARAMETERS, "modules": model_spec.MAX_MODULES}
        assert f"at most {limit[what]:,}" in str(e.value) and what in str(e.value)
        assert peak < 1_000_000, f"{peak:,} bytes allocated to refuse {change}"


def test_an_architecture_bigger_than_its_file_is_refused_before_building(tmp_path):
    """Within the limits, the model built may not be bigger than the file: the spec's counts
    must equal the file's (here 2-300-1 described, the numbers of a 2-2-1 listed)."""
    state = state_of(MLP(2, [2, 1], rng=0))
    state["model"]["nouts"] = [300, 1]
    with pytest.raises(ModelFileError, match=r"1,201 parameters, but the file lists 9"):
        load_model(write_state(tmp_path, state))


def _nested_sequential(depth):
    spec = {"type": "Dropout", "p": 0.5}
    for _ in range(depth):
        spec = {"type": "Sequential", "modules": [spec]}
    return spec


MALFORMED = [
    # (what to change in a saved MLP(2, [2, 1]) state, text the error must contain)
    (lambda s: s.update(version=True), "version True"),
    (lambda s: s.update(version=1.0), "version 1.0"),
    (lambda s: s.update(format=None), "not an autograd-core/nn model file"),
    (lambda s: s.pop("model"), "model: not a model description"),
    (lambda s: s["model"].update(nin="2"), "model.nin: must be a whole number ≥ 0, got '2'"),
    (lambda s: s["model"].update(nin=True), "model.nin: must be a whole number"),
    (lambda s: s["model"].pop("nin"), "missing field 'nin'"),
    (lambda s: s["model"].update(nouts=3), "model.nouts: must be a list, got 3"),
    (lambda s: s["model"].update(nouts=[2.0, 1.0]), "model.nouts[0]: must be a whole number"),
    (lambda s: s["model"].update(nouts=[2, 0]), "model.nouts[1]: must be a whole number ≥ 1"),
    (lambda s: s["model"].update(nouts=[]), "one entry per layer"),
    (lambda s: s["model"].update(bias=[1]), "model.bias: must be one of explicit, none, impl"),
    (lambda s: s["model"].update(activations=[[1], [2]]), "model.activations[0]: must be one"),
    (lambda s: s["model"].update(activations={}), "model.activations: must be a list"),
    (lambda s: s["model"].update(activations=["softmax", "identity"]), "activations[0]"),
    (lambda s: s["model"].update(activations=["leaky_relu", "identity"], slope="x"),
     "model.slope: must be a number, got 'x'"),
    (lambda s: s["model"].update(slope=float("nan")), "model.slope: must be a finite number"),
    (lambda s: s["model"].update(dropout=0.5), "unknown field 'dropout'"),
    (lambda s: s["model"].update(type="Scale"), "not a model description"),
    (lambda s: s["model"].update(type="Module"), "not a model description"),
    (lambda s: s["parameters"].update({"layers.0.neurons.0.b": 10**400}), "not a finite"),
    (lambda s: s["parameters"].update({"layers.0.neurons.0.b": True}), "not a number"),
    (lambda s: s.update(buffers=[]), "'buffers' must be an object"),
]


@pytest.mark.parametrize("mutate,message", MALFORMED)
def test_malformed_mlp_files_give_a_model_file_error_naming_the_field(tmp_path, mutate, message):
    state = state_of(MLP(2, [2, 1], rng=0))
    mutate(state)
    path = write_state(tmp_path, state)
    with pytest.raises(ModelFileError) as e:
        load_model(path)
    assert message in str(e.value) and str(path) in str(e.value)
    net = MLP(2, [2, 1], rng=5)
    before = snapshot(net)
    with pytest.raises(ModelFileError):  # the same file refused by Module.load too
        net.load(path)
    assert snapshot(net) == before


def _sequential_state():
    return state_of(Sequential(Layer(2, 2, rng=0), BatchNorm(2), Dropout(0.1)))


MALFORMED_SEQUENTIAL = [
    (lambda s: s["model"].update(modules=3), "model.modules: must be a list"),
    (lambda s: s["model"]["modules"][1].update(eps="x"), "model.modules[1].eps: must be a"),
    (lambda s: s["model"]["modules"][2].update(p="x"), "model.modules[2].p: must be a number"),
    (lambda s: s["model"]["modules"][2].update(p=1.5), "model.modules[2].p: must be a finite"),
    (lambda s: s["model"]["modules"][1].update(num_features=2.5), "num_features: must be a wh"),
    (lambda s: s["model"]["modules"].append(7), "model.modules[3]: not a model description"),
    (lambda s: s["buffers"].update({"layers.1.running_mean.0": 10**400}), "not a finite"),
    (lambda s: s["buffers"].update({"layers.1.running_var.0": float("inf")}), "not a finite"),
    (lambda s: s["buffers"].update({"layers.1.running_var.0": -1.0}), "running_var.0"),
    (lambda s: s["model"]["modules"].append(_nested_sequential(40)), "nested more than 32"),
]


@pytest.mark.parametrize("mutate,message", MALFORMED_SEQUENTIAL)
def test_malformed_sequential_files_give_a_model_file_error(tmp_path, mutate, message):
    state = _sequential_state()
    mutate(state)
    with pytest.raises(ModelFileError, match=None) as e:
        load_model(write_state(tmp_path, state))
    assert message in str(e.value)


@pytest.mark.parametrize("text,message", [
    ("[" * 100_000, "nested too deeply"),
    ('{"format": "autograd-core/nn", "version": ' + "9" * 5000 + "}", "digits"),
    ('{"format": "autograd-core/nn", "version": 1, "model": '
     + '{"type": "Sequential", "modules": [' * 5000 + "]}" * 5000 + "}", "nested"),
])
def test_deeply_nested_and_overlong_json_is_a_model_file_error(tmp_path, text, message):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)
    with pytest.raises(ModelFileError, match=message):
        MLP(2, [2, 1], rng=0).load(path)


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    """/dev/zero or a 10 GB file: refused after MAX_FILE_BYTES + 1 bytes, never read whole."""
    from nn import model_spec

    path = MLP(2, [2, 1], rng=0).save(tmp_path / "m.json")
    monkeypatch.setattr(model_spec, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(ModelFileError, match=f"larger than {path.stat().st_size - 1:,} bytes"):
        load_model(path)
    if os.path.exists("/dev/zero"):  # no regular file: refused before any read
        with pytest.raises(ModelFileError, match="is a character device, not a model file"):
            load_model("/dev/zero")


def test_a_user_module_named_like_a_library_one_does_not_change_what_files_load(tmp_path):
    from nn import Module

    path = Layer(2, 3, "tanh", rng=0).save(tmp_path / "layer.json")

    type("Layer", (Module,), {})  # a notebook's own class, named as the library's
    loaded = load_model(path)
    assert type(loaded).__module__ == "nn.layers" and loaded.nout == 3


def test_every_registered_architecture_round_trips_through_the_check(tmp_path):
    from nn import Perceptron

    models = [MLP(3, [4, 2], "leaky_relu", "softmax", rng=0, bias="implicit"),
              Neuron(3, activation="tanh", bias="none"), Layer(2, 3, "softmax"),
              Perceptron(2, [0, 1, -1]),
              Sequential(Layer(2, 2, rng=0), BatchNorm(2), Dropout(0.3),
                         Sequential(Layer(2, 1, rng=1)))]
    for m in models:
        rebuilt = load_model(m.save(tmp_path / "m.json"))
        assert rebuilt.spec() == m.spec() and snapshot(rebuilt) == snapshot(m)


# A child process that saves a model and stops inside save(), with its temporary written
# and not yet renamed (os.replace replaced by a pause): the parent then SIGKILLs it there.
_SAVE_AND_STALL = """
import os, sys, time
from nn import MLP
def stall(src, dst):
    print(src, flush=True)
    time.sleep(120)
os.replace = stall
MLP(2, [3, 1], rng=1).save(sys.argv[1])
"""


def _stalled_saver(path):
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", _SAVE_AND_STALL, str(path)],
                             stdout=subprocess.PIPE, text=True)
    temporary = child.stdout.readline().strip()
    assert temporary, "the child died before writing its temporary"
    return child, temporary


def test_a_save_killed_by_sigkill_leaves_a_named_temporary_that_the_next_save_removes(tmp_path):
    import signal

    path = tmp_path / "m.json"
    MLP(2, [2, 1], rng=0).save(path)
    killed, leftover = _stalled_saver(path)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["m.json", os.path.basename(leftover)])
    assert names[0].startswith(".m.json.partial-save-") and names[0].endswith(".tmp")
    assert load_model(path).spec() == MLP(2, [2, 1]).spec()  # the old file is intact

    running, in_progress = _stalled_saver(path)  # the next save, in another process
    try:
        assert not os.path.exists(leftover)
        net = MLP(2, [4, 1], rng=2)
        net.save(path)  # while that one is still in progress: its temporary stays
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["m.json", os.path.basename(in_progress)])
        assert snapshot(load_model(path)) == snapshot(net)
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait()
    net.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
