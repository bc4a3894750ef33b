"""SPOF006: each key of a stateful service lives on one replica only.

**What it checks.** A service that routes each request by a key to the replica that owns it (`affinity KEY`),
keeps state (`state stateful`), holds each key on one replica only (`owners 1`, the default) and runs on the hard
synchronous path of an entrypoint. Its replicas share the keys out; they do not back each other up: whatever
its replica count, each key has one copy of its service.

**Why it matters.** When the owner of a key is lost (a crash, a deployment, a drained host), every request for
that key fails until another replica takes the key over, and the state the owner held for it in memory is gone.
Replicas spread the blast radius (one host's keys, not all of them) but do not remove the single point of
failure for a given key: a chat channel, a user's session, a tenant. Slack's Channel Servers are built this way
(each channel consistent-hashed to one in-memory host; a replacement takes traffic within 20 seconds, "Real-time
Messaging", Slack Engineering 2023), and AWS Well-Architected REL10-BP01 asks that every layer of a critical
flow survive the loss of one host. DeCandia et al., "Dynamo" (SOSP 2007), keep each key on N replicas of the
ring for exactly this reason.

**Example.**

    service gateway { exposure public; replicas 3; calls channels { timeout 200ms } }
    service channels { replicas 12; state stateful; affinity channel_id }

**Fix.** Keep each key on two replicas, a standby that takes over with the key's state (`affinity channel_id
{ owners 2 }`); or keep the key's state where a new owner reloads it and state how soon it takes over
(`affinity channel_id { takeover 5s }`), and make callers ride through that gap (a queue, a retry with backoff).
"""

from __future__ import annotations

from collections.abc import Iterator

from ...diagnostics import Severity
from ...model import Service
from ..graph import Graph, duration
from ..rule import Finding, Rule, rule


@rule
class OneOwnerPerKey(Rule):
    code = "SPOF006"
    name = "one-owner-per-key"
    severity = Severity.WARNING
    summary = "each key of a stateful service lives on one replica only"
    practices = ("REL10-BP01", "RE:05")

    def check(self, g: Graph) -> Iterator[Finding]:
        for name, bits in g.needed_by.items():
            c = g.comps[name]
            if not isinstance(c, Service) or c.affinity is None or c.state != "stateful":
                continue
            a = c.affinity
            if a.owners > 1 or (c.replicas is not None and c.replicas.max <= 1):
                continue  # a standby per key; or one replica in all, which SPOF001 reports
            wait = (
                f"until another takes it over (`takeover {duration(a.takeover)}`)"
                if a.takeover is not None
                else "until another takes it over, and the design does not say how soon"
            )
            notes = g.needed_notes(name, bits)
            yield Finding(
                message=f"each `{a.key}` lives on one replica of `{name}` (`affinity {a.key}`, `state stateful`):"
                f" losing that replica stops the requests for its keys {wait} and loses the state it held for them;"
                f" more replicas do not help a given key. A single point of failure, per key, for"
                f" {g.dependents_phrase(name, bits)}",
                at=c.span,
                path=g.comp_path(name),
                label=f"one owner per `{a.key}`",
                hints=[
                    f"keep each key on two replicas, a standby that takes over with its state: `owners 2` in"
                    f" `affinity {a.key} {{ ... }}` on `{name}`",
                    (
                        "or keep each key's state where a new owner reloads it (a replicated store), so that a"
                        " takeover loses none of it, and let callers ride through the wait (a queue, a retry with"
                        " backoff)"
                        if a.takeover is not None
                        else f"or keep each key's state where a new owner reloads it, and state how soon it takes"
                        f" over: `takeover 5s` in `affinity {a.key} {{ ... }}`"
                    ),
                ],
                notes=notes,
            )
