"""Speed and memory of autograd-core, side by side with micrograd 0.1.0 and a floor engine.

Run ``make bench`` (or ``python -m bench``; ``--quick`` for a few-second smoke run). The
results go to ``bench/results/results.md`` and ``results.json``; see issue 7 for the targets.
"""
