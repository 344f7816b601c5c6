"""The floor: about the least work pure Python can do per op of a scalar reverse-mode engine.

A node keeps its number, its inputs and its local derivatives ∂node/∂input, computed in the
forward pass (no closure, no op object). One iterative topological sort, one generic
chain-rule loop: input.grad += ∂node/∂input · node.grad. No features (no labels, no
grad_table, no modes, no checks). Constants are not nodes: ``x * 0.5`` has one input.
"""

from __future__ import annotations

import math


class Node:
    __slots__ = ("data", "grad", "inputs", "local")

    def __init__(self, data, inputs=(), local=()):
        self.data = data
        self.grad = 0.0
        self.inputs = inputs
        self.local = local

    def __add__(self, other):
        if other.__class__ is Node:
            return Node(self.data + other.data, (self, other), (1.0, 1.0))
        return Node(self.data + other, (self,), (1.0,))

    __radd__ = __add__

    def __mul__(self, other):
        if other.__class__ is Node:
            return Node(self.data * other.data, (self, other), (other.data, self.data))
        return Node(self.data * other, (self,), (other,))

    __rmul__ = __mul__

    def __neg__(self):
        return Node(-self.data, (self,), (-1.0,))

    def __sub__(self, other):
        return self + -other

    def tanh(self):
        t = math.tanh(self.data)
        return Node(t, (self,), (1.0 - t * t,))

    def relu(self):
        a = self.data
        return Node(a if a > 0.0 else 0.0, (self,), (1.0 if a > 0.0 else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend([(p, False) for p in node.inputs if p not in seen])
        self.grad = 1.0
        for node in reversed(order):
            g = node.grad
            for p, d in zip(node.inputs, node.local, strict=False):
                p.grad += d * g
