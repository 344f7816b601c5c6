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
