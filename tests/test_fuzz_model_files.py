"""Fuzzing model files: mutated JSON trees (wrong types, huge numbers, deep nesting, missing
and unknown fields) and mutated bytes (truncation, flips, insertions) give a loaded model or
a ModelFileError, nothing else, within 10 s each (the deadline catches an unbounded build,
which would take minutes); and the size check_spec predicts is the size of the model the
constructors build."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fuzz_text import examples
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nn import (
    MLP,
    BatchNorm,
    Dropout,
    Layer,
    ModelFileError,
    Neuron,
    Perceptron,
    Sequential,
    load_model,
)
from nn.model_spec import check_spec

FUZZ = settings(max_examples=examples(250), deadline=10_000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SEEDS = [
    lambda: MLP(2, [3, 1], "tanh", "sigmoid", rng=0),
    lambda: MLP(3, [2, 2], "leaky_relu", "softmax", rng=1, bias="implicit"),
    lambda: Sequential(Layer(2, 2, rng=0), BatchNorm(2), Dropout(0.2),
                       Sequential(Layer(2, 1, rng=1))),
    lambda: Neuron(2, activation="relu", bias="none"),
    lambda: Layer(2, 3, "softmax", rng=2),
    lambda: Perceptron(2, [0.0, 1.0, -1.0]),
]

def _nest(value: Any, depth: int, wrap: Any) -> Any:
    for _ in range(depth):
        value = wrap(value)
    return value


HOSTILE = st.one_of(
    st.none(), st.booleans(),
    st.sampled_from([0, -1, 1, 2, 10**9, 2**63, 10**400, -10**400, 1e308, 1e-320]),
    st.integers(), st.floats(),
    st.text(max_size=12),
    st.sampled_from(["MLP", "Layer", "Neuron", "Sequential", "Dropout", "BatchNorm",
                     "Perceptron", "Module", "softmax", "leaky_relu", "implicit", "none",
                     "autograd-core/nn", "__class__", "modules", "nouts"]),
    st.integers(1, 900).map(lambda d: _nest([], d, lambda v: [v])),
    st.integers(1, 60).map(lambda d: _nest({"type": "Dropout", "p": 0.5}, d,
                                           lambda v: {"type": "Sequential", "modules": [v]})),
    st.recursive(st.none() | st.integers(-3, 3) | st.text(max_size=3),
                 lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c,
                                                                     max_size=3),
                 max_leaves=8),
)


def _places(tree: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of a JSON tree, found without recursion."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node))
        for k in keys:
            out.append((node, k))
            if isinstance(node[k], dict | list) and len(out) < 5000:
                todo.append(node[k])
    return out


def _mutate_tree(data: st.DataObject, tree: dict[str, Any]) -> None:
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        places = _places(tree)
        if not places:
            return
        node, key = data.draw(st.sampled_from(places), label="where")
        how = data.draw(st.sampled_from(["replace", "delete", "add", "rename", "wrap"]))
        if how == "replace":
            node[key] = data.draw(HOSTILE, label="value")
        elif how == "delete":
            del node[key]
        elif how == "add":
            value = data.draw(HOSTILE, label="value")
            if isinstance(node, dict):
                node[data.draw(st.text(max_size=8), label="new key")] = value
            else:
                node.insert(key, value)
        elif how == "rename" and isinstance(node, dict):
            node[data.draw(st.text(max_size=8), label="new name")] = node.pop(key)
        else:
            node[key] = data.draw(st.sampled_from([[node[key]], {"x": node[key]}]))


def _mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    how = data.draw(st.sampled_from(["none", "truncate", "flip", "insert", "delete"]))
    if how == "none" or not raw:
        return raw
    i = data.draw(st.integers(0, len(raw) - 1), label="at")
    if how == "truncate":
        return raw[:i]
    if how == "flip":
        return raw[:i] + bytes([raw[i] ^ data.draw(st.integers(1, 255))]) + raw[i + 1:]
    if how == "insert":
        junk = data.draw(st.binary(max_size=8) | st.sampled_from(
            [b"[", b"{", b"]", b"}", b'"', b",", b"9" * 5000, b"-", b"\xff", b"NaN", b"1e999",
             b"[" * 5000, b'{"a":' * 3000]))
        return raw[:i] + junk + raw[i:]
    return raw[:i] + raw[i + data.draw(st.integers(1, 40)):]


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def _load_or_refuse(path: Path, seed: Any) -> None:
    try:
        model = load_model(path)
    except ModelFileError as e:
        assert str(path) in str(e)  # every refusal names the file
        event("refused")
    else:
        event("loaded")
        assert all(math.isfinite(p.data) for p in model.parameters())
        assert load_model(model.save(path)).spec() == model.spec()
    target = seed()
    before = [p.data for p in target.parameters()]
    try:
        target.load(path)
    except ModelFileError:
        assert [p.data for p in target.parameters()] == before  # untouched


@FUZZ
@given(data=st.data())
def test_mutated_model_files_load_or_give_a_model_file_error(folder, data):
    seed = data.draw(st.sampled_from(SEEDS), label="model")
    tree = json.loads(json.dumps(seed().state_dict()))
    _mutate_tree(data, tree)
    try:
        raw = json.dumps(tree, indent=data.draw(st.sampled_from([None, 1]))).encode()
    except (RecursionError, ValueError):  # nested past json.dumps' own limit
        return
    path = folder / "model.json"
    path.write_bytes(_mutate_bytes(data, raw))
    _load_or_refuse(path, seed)


@FUZZ
@given(data=st.data())
def test_byte_level_garbage_gives_a_model_file_error(folder, data):
    seed = data.draw(st.sampled_from(SEEDS), label="model")
    raw = json.dumps(seed().state_dict()).encode()
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        raw = _mutate_bytes(data, raw)
    path = folder / "model.json"
    path.write_bytes(raw)
    _load_or_refuse(path, seed)


ARCHITECTURES = st.one_of(
    st.builds(lambda nin, nouts, bias: MLP(nin, nouts, "tanh", "softmax", bias=bias, rng=0),
              st.integers(0, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3),
              st.sampled_from(["explicit", "none", "implicit"])),
    st.builds(lambda nin, nout: Layer(nin, nout, "relu", rng=0), st.integers(0, 4),
              st.integers(1, 4)),
    st.builds(lambda nin: Neuron(nin, bias="implicit", rng=0), st.integers(0, 4)),
    st.builds(lambda nin: Perceptron(nin, [0.0] * (nin + 1)), st.integers(0, 4)),
    st.builds(lambda n: Sequential(Layer(2, n, rng=0), BatchNorm(n), Dropout(0.5, rng=0),
                                   Sequential(Layer(n, 1, rng=0))), st.integers(1, 4)),
)


@settings(max_examples=examples(60), deadline=None)
@given(ARCHITECTURES)
def test_the_predicted_size_is_the_size_of_what_the_constructors_build(model):
    size = check_spec(model.spec(), "spec")
    assert size.parameters == model.num_parameters()
    assert size.buffers == len(model.named_buffers())
    assert size.modules == len(list(model.modules()))
