"""A small reader for DOT text: nodes, edges, subgraphs and their attributes.

Enough of the DOT grammar to read back what Graphviz tools write (statements, attribute
lists, ``a -> b -> c`` chains, nested subgraphs, quoted strings with escapes, HTML strings,
comments), so tests and tools can check a picture's structure instead of comparing text.
Node defaults (``node [...]``) are not merged into nodes: ``attrs`` holds what each
statement said explicitly.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/|^\#[^\n]*)
  | (?P<arrow>->|--)
  | (?P<punct>[{}\[\]=;,:])
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<id>-?(?:\.\d+|\d+(?:\.\d*)?)|[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*)
  | (?P<html><)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@dataclass
class DotGraph:
    """What a DOT text declares. ``nodes``: name → explicit attributes; ``edges``: (tail, head,
    attributes) in order; ``clusters``: subgraph name → its attributes and ``nodes``;
    ``node_cluster``: node name → innermost subgraph it was declared in."""

    name: str | None = None
    directed: bool = True
    graph_attrs: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: dict[str, dict[str, object]] = field(default_factory=dict)
    node_cluster: dict[str, str] = field(default_factory=dict)

    def successors(self, name: str) -> list[str]:
        return [b for a, b, _ in self.edges if a == name]

    def predecessors(self, name: str) -> list[str]:
        return [a for a, b, _ in self.edges if b == name]

    def label(self, name: str) -> str:
        return self.nodes[name].get("label", name)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"DOT: cannot read {text[pos:pos + 30]!r} at offset {pos}")
        kind = m.lastgroup
        assert kind is not None
        if kind == "html":
            depth, end = 0, pos
            while end < n:
                if text[end] == "<":
                    depth += 1
                elif text[end] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            if depth != 0:
                raise ValueError(f"DOT: unclosed HTML string at offset {pos}")
            out.append(("id", text[pos:end + 1]))  # kept as <…>: label_lines reads it
            pos = end + 1
            continue
        pos = m.end()
        if kind == "ws":
            continue
        value = m.group()
        if kind == "quoted":
            value = re.sub(r'\\(["\n])', lambda x: "" if x.group(1) == "\n" else x.group(1),
                           value[1:-1])
            kind = "id"
        out.append((kind, value))
    return out


class _Reader:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.g = DotGraph()
        self.anon = 0

    def peek(self, k: int = 0) -> tuple[str, str] | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError(f"DOT: unexpected end of text (wanted {value or 'more'})")
        if value is not None and tok[1] != value:
            raise ValueError(f"DOT: expected {value!r}, found {tok[1]!r} (token {self.i})")
        self.i += 1
        return tok[1]

    def take_id(self) -> str:
        tok = self.peek()
        if tok is None or tok[0] != "id":
            raise ValueError(f"DOT: expected a name, found {tok!r} (token {self.i})")
        self.i += 1
        return tok[1]

    def graph(self) -> DotGraph:
        head = self.take_id()
        if head.lower() == "strict":
            head = self.take_id()
        if head.lower() not in ("graph", "digraph"):
            raise ValueError(f"DOT: expected 'graph' or 'digraph', found {head!r}")
        self.g.directed = head.lower() == "digraph"
        tok = self.peek()
        if tok is not None and tok[0] == "id":
            self.g.name = self.take_id()
        self.take("{")
        self.stmts(None)
        self.take("}")
        return self.g

    def attr_list(self) -> dict[str, str]:
        attrs: dict[str, str] = {}
        while self.peek() is not None and self.peek()[1] == "[":  # type: ignore[index]
            self.take("[")
            while self.peek()[1] != "]":  # type: ignore[index]
                key = self.take_id()
                self.take("=")
                attrs[key] = self.take_id()
                if self.peek()[1] in (",", ";"):  # type: ignore[index]
                    self.i += 1
            self.take("]")
        return attrs

    def stmts(self, cluster: str | None) -> list[str]:
        declared: list[str] = []
        while True:
            tok = self.peek()
            if tok is None or tok[1] == "}":
                return declared
            if tok[1] == ";":
                self.i += 1
                continue
            declared.extend(self.stmt(cluster))

    def endpoint(self, cluster: str | None) -> list[str]:
        tok = self.peek()
        if tok is not None and (tok[1] == "{" or tok[1].lower() == "subgraph"):
            return self.subgraph(cluster)
        name = self.take_id()
        if self.peek() is not None and self.peek()[1] == ":":  # type: ignore[index]
            self.i += 1
            self.take_id()  # port
            if self.peek() is not None and self.peek()[1] == ":":  # type: ignore[index]
                self.i += 1
                self.take_id()
        self.declare(name, cluster, {})
        return [name]

    def declare(self, name: str, cluster: str | None, attrs: dict[str, str]) -> None:
        new = name not in self.g.nodes
        self.g.nodes.setdefault(name, {}).update(attrs)
        while cluster is not None and not cluster.startswith("cluster"):  # {rank=same; …}
            cluster = self.g.clusters[cluster]["parent"]  # type: ignore[assignment]
        if new and cluster is not None:  # a node belongs where it is first declared
            self.g.node_cluster[name] = cluster
            self.g.clusters[cluster]["nodes"].append(name)  # type: ignore[union-attr]

    def subgraph(self, cluster: str | None) -> list[str]:
        name = None
        if self.peek()[1].lower() == "subgraph":  # type: ignore[index]
            self.i += 1
            if self.peek()[0] == "id":  # type: ignore[index]
                name = self.take_id()
        if name is None:
            self.anon += 1
            name = f"_anonymous_{self.anon}"
        self.g.clusters.setdefault(name, {"attrs": {}, "nodes": [], "parent": cluster})
        self.take("{")
        declared = self.stmts(name)
        self.take("}")
        return declared

    def stmt(self, cluster: str | None) -> list[str]:
        tok = self.peek()
        assert tok is not None
        low = tok[1].lower()
        nxt = self.peek(1)
        if tok[0] == "id" and low in ("graph", "node", "edge") and nxt is not None \
                and nxt[1] == "[":
            self.i += 1
            attrs = self.attr_list()
            if low == "graph":
                self._graph_attrs(cluster).update(attrs)
            return []
        if tok[0] == "id" and nxt is not None and nxt[1] == "=":
            key = self.take_id()
            self.take("=")
            self._graph_attrs(cluster)[key] = self.take_id()
            return []
        left = self.endpoint(cluster)
        chain = [left]
        while self.peek() is not None and self.peek()[0] == "arrow":  # type: ignore[index]
            self.i += 1
            chain.append(self.endpoint(cluster))
        attrs = self.attr_list()
        if len(chain) == 1:
            for n in left:
                if n in self.g.nodes:
                    self.g.nodes[n].update(attrs)
            return left
        for tails, heads in zip(chain, chain[1:], strict=False):
            for a in tails:
                for b in heads:
                    self.g.edges.append((a, b, dict(attrs)))
        return [n for part in chain for n in part]

    def _graph_attrs(self, cluster: str | None) -> dict[str, str]:
        if cluster is None:
            return self.g.graph_attrs
        return self.g.clusters[cluster]["attrs"]  # type: ignore[return-value]


def label_lines(label: str) -> list[str]:
    """The lines of a DOT label (``a\\nb`` → ``["a", "b"]``), escapes undone; an HTML-like
    label (``<a<BR/>b>``) by its text, tags dropped and entities decoded."""
    if label.startswith("<") and label.endswith(">"):
        rows = re.split(r"<BR\s*/?>", label[1:-1], flags=re.IGNORECASE)
        return [html.unescape(re.sub(r"<[^>]*>", "", row)) for row in rows]
    out, cur, i = [], [], 0
    while i < len(label):
        c = label[i]
        if c == "\\" and i + 1 < len(label):
            nxt = label[i + 1]
            if nxt in "nlr":
                out.append("".join(cur))
                cur = []
            else:
                cur.append(nxt)
            i += 2
            continue
        cur.append(c)
        i += 1
    if cur or not out:
        out.append("".join(cur))
    return out


def parse_dot(text: str) -> DotGraph:
    """Read DOT text (as ``graph.source`` gives it) into a :class:`DotGraph`."""
    if not isinstance(text, str):
        text = getattr(text, "source", None) or ""
        if not text:
            raise TypeError("parse_dot expects DOT text or a graphviz graph")
    return _Reader(text).graph()
