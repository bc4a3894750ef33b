"""Views of a design: which components, groups and edges each diagram shows.

Every diagram target (dot, svg, png, mermaid, html) draws the same views, computed here once per build from the
model, the analysis graph and the findings:

* ``context``: the system as one box, with the clients that call it and the externals it calls;
* ``container``: every component inside the system boundary, clients and externals outside it;
* ``deployment-REGION``: one per region, with its zones as clusters;
* ``entrypoint-NAME``: one per entrypoint, its synchronous dependency chain with availability and latency
  budgets, the worst latency chain drawn bold;
* ``view-NAME``: the design's own `view` statements.

A view with more components than ``MAX_NODES`` is collapsed: one node per owner (else first tag, else kind),
and one more view per group showing its members and their neighbours (``container-group-KEY``).

Everything here is ordered by the design's declaration order or by name, never by hashing, so that the same
design always gives the same views.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_NODES = 40  # a view with more components than this is collapsed into groups

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


@dataclass
class Node:
    """One box in a diagram."""

    id: str  # unique in the view; safe as a DOT/Mermaid/HTML identifier after escaping (a component's name)
    label: str  # the first line: the component's title or name
    kind: str  # service, store, stream, queue, cache, external, client; or system, group
    detail: str = ""  # the second line: technology, engine or a summary ("12 components")
    component: str | None = None  # the model component it stands for, if one
    cluster: str | None = None  # the id of the cluster it sits in
    outside: bool = False  # a neighbour shown for context, not part of the view's subject (drawn faded)
    severity: str | None = None  # the worst finding on it: error, warning, info
    codes: list[str] = field(default_factory=list)  # the finding codes on it, sorted, unique
    tooltip: str = ""  # plain text: what hovering shows
    badge: str = ""  # a short figure drawn under the label in entrypoint views: "99.95% · p99 120ms"


@dataclass
class Edge:
    """One arrow. Parallel model edges between the same two nodes are merged (``count``)."""

    source: str  # a node id
    target: str  # a node id
    mode: str  # sync or async
    kind: str  # calls, reads, writes, publishes, consumes; or "mixed" when merged edges differ
    label: str = ""  # protocol and timeout: "grpc 50ms"
    count: int = 1
    bold: bool = False  # on the worst latency chain of an entrypoint view
    soft: bool = False  # a soft dependency (the caller degrades without it)
    severity: str | None = None  # the worst finding on the edge
    codes: list[str] = field(default_factory=list)
    tooltip: str = ""


@dataclass
class Cluster:
    """A box around nodes: the system boundary, a region, a zone set, a group."""

    id: str
    label: str
    kind: str  # system, region, zones, group
    parent: str | None = None  # the enclosing cluster's id


@dataclass
class View:
    id: str  # the file stem: context, container, deployment-us_east_1, entrypoint-api_gateway, view-checkout
    title: str
    kind: str  # context, container, deployment, entrypoint, custom, group
    description: str = ""  # a sentence saying what the view shows
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # figures printed with the view (budgets, what was collapsed)
    collapsed: bool = False  # the view shows groups, each with a view of its own

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None
