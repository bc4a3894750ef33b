"""SEC009: a component that nothing uses, or a stream or queue that is only half connected.

**What it checks.** Components with no part in any flow of the design:

* a store or cache that nothing reads or writes;
* a stream or queue that nothing publishes to and nothing consumes; one that is published to (or written, or named
  as a fallback's `via`) but never consumed; and one that is consumed but never published to;
* a service that nothing calls, that consumes or reads nothing, and that is not an entrypoint (public, or called
  by a client). A service that consumes a stream or queue is a worker and is used;
* an external with no edge at all, and a client that calls nothing.

A client is an origin and needs no callers; an entrypoint needs none either. A service that only calls out (a
scheduled job) is reported too: the language has no statement for a schedule, so say why in a suppression.

**Why it matters.** Every component is attack surface, cost and something to patch; one nobody uses is all of
that for nothing, and a half-connected stream is usually a design mistake: messages pile up unread, or consumers
wait for messages nobody sends (Threagile unnecessary-technical-asset and unnecessary-communication-link; AWS
Well-Architected SEC05-BP02 "only declared edges exist"; Azure SE:04 "minimise the attack surface").

**Example.**

    service orders { publishes order_events { } }
    stream order_events { engine kafka }    # nothing consumes it

**Fix.** Add the missing edge (`consumes order_events { ... }` on the consumer, `publishes` on the producer, or
model an outside producer as an `external` that publishes), or remove the component.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ..graph import Graph
from ..rule import Finding, Rule, rule
from ._security import MESSAGING_KINDS

PRODUCE = ("publishes", "writes")
CONSUME = ("consumes", "reads")


@rule
class UnusedComponent(Rule):
    code = "SEC009"
    name = "unused-component"
    severity = Severity.INFO
    summary = "a component nothing uses, or a stream or queue with no producer or no consumer"
    practices = (
        "SEC05-BP02",
        "SE:04",
        "threagile:unnecessary-technical-asset",
        "threagile:unnecessary-communication-link",
    )

    def check(self, g: Graph) -> Iterator[Finding]:
        entrypoints = set(g.entrypoints)
        fed: dict[str, str] = {}  # component named as a fallback's `via` -> the component whose edge names it
        for _name, edges in g.edges_marked("fallback_via"):  # the edges that state one
            for e in edges:
                if e.fallback_via in g.comps:
                    fed.setdefault(e.fallback_via, e.source)
        for name, c in g.comps.items():
            inc, out = g.inc[name], g.out[name]
            message = hint = None
            if c.kind == "client":
                if not out:
                    message = f"client `{name}` calls nothing"
                    hint = f"add what it calls (`calls SERVICE {{ ... }}` in `{name}`), or remove it"
            elif c.kind == "external":
                if not inc and not out and name not in fed:
                    message = f"external `{name}` is not connected to anything"
                    hint = f"add the edge that uses it (`calls {name} {{ ... }}` on the caller), or remove it"
            elif c.kind == "service":
                if inc or name in fed or name in entrypoints:
                    continue
                if c.trigger is not None and c.trigger.kind != "request":
                    continue  # a scheduled job or a continuous worker starts its own work
                if any(e.kind in CONSUME and g.comps[e.target].kind in MESSAGING_KINDS for e in out):
                    continue  # a worker
                does = "calls out but " if out else ""
                message = (
                    f"service `{name}` {does}is called by nothing, consumes nothing and is not public: nothing "
                    "starts its work"
                )
                hint = (
                    f"add its caller (`calls {name} {{ ... }}`) or what it consumes, or remove it; if it runs on a "
                    f'schedule or all the time, say so: `trigger schedule "daily at 03:00"` or `trigger continuous`'
                )
            elif c.kind in MESSAGING_KINDS:
                producers = sorted(
                    {e.source for e in inc if e.kind in PRODUCE} | ({fed[name]} if name in fed else set())
                )
                consumers = sorted({e.source for e in inc if e.kind in CONSUME} | ({e.target for e in out}))
                other = any(e.kind not in PRODUCE + CONSUME for e in inc)
                if not producers and not consumers and not other:
                    message = f"{c.kind} `{name}` is neither published to nor consumed"
                    hint = "add its producer (`publishes`) and consumer (`consumes`), or remove it"
                elif producers and not consumers and not other:
                    message = (
                        f"{c.kind} `{name}` is published to by {', '.join(f'`{p}`' for p in producers)} but "
                        "nothing consumes it"
                    )
                    hint = f"add its consumer (`consumes {name} {{ ... }}` on the service that reads it), or remove it"
                elif consumers and not producers and not other:
                    message = (
                        f"{c.kind} `{name}` is consumed by {', '.join(f'`{x}`' for x in consumers)} but nothing "
                        "publishes to it"
                    )
                    hint = (
                        f"add its producer (`publishes {name} {{ ... }}`); if something outside the design feeds it, "
                        "model that as an `external` that publishes to it"
                    )
            elif not inc and name not in fed and name not in entrypoints:
                message = f"{c.kind} `{name}` is neither read nor written by anything"
                hint = f"add the edge that uses it (`reads {name} {{ ... }}` or `writes`), or remove it"
            if message:
                yield Finding(message=message, at=c.span, path=g.comp_path(name), label="unused", hints=[hint or ""])
