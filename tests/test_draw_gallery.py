"""The gallery (notebooks/gallery) is what make_gallery.py makes now: every picture's DOT is
rebuilt and compared with the committed NAME.dot, and each NAME.svg names the SHA-256 of the
DOT it was rendered from, so a drawing changed without re-rendering the gallery fails here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

GALLERY = Path(__file__).resolve().parent.parent / "notebooks" / "gallery"
sys.path.insert(0, str(GALLERY))

import make_gallery  # noqa: E402

PICTURES = make_gallery.pictures()


def test_the_gallery_holds_the_issues_pictures():
    # the neuron, Vo's network (forward, circuit, backward), a moons network, and the moons
    # batch's backward summary (the picture issue 15 complained about)
    assert {"neuron_forward", "neuron_circuit", "neuron_backward", "vo_forward", "vo_circuit",
            "vo_backward", "moons_forward_neurons", "moons_backward_neurons",
            "moons_batch_backward_summary"} <= set(PICTURES)
    assert PICTURES["moons_batch_backward_summary"].note  # it is a summary
    committed = {p.stem for p in GALLERY.glob("*.dot")} | {p.stem for p in GALLERY.glob("*.svg")}
    assert committed == set(PICTURES), "a picture is committed that make_gallery.py no longer makes"
    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    assert all(f"({name}.svg)" in readme for name in PICTURES)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_each_committed_picture_is_what_make_gallery_makes_now(name):
    source = PICTURES[name].source
    assert (GALLERY / f"{name}.dot").read_text(encoding="utf-8") == source, (
        f"{name}.dot is stale: run .venv/bin/python notebooks/gallery/make_gallery.py")
    lines = (GALLERY / f"{name}.svg").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("<?xml") and lines[1] == make_gallery.digest(source), (
        f"{name}.svg was not rendered from the current DOT: run make_gallery.py")
