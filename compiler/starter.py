"""`designc init`: a starter design that checks clean and shows the language's main statements, with comments.

The design is a small web shop: requirements, a region with zones, a public service behind a firewall calling an
internal one (replicas, health checks, timeouts, retries, SLOs), stores with replication and backups, a cache, an
asynchronous stream with its consumer, and the flows that load them. A test keeps it clean under the default
profile and in `designc fmt`'s layout.
"""

from __future__ import annotations

import re

DEFAULT_FILE = "system.design"

TEMPLATE = """\
# A starter design written by `designc init`: a small web shop, to make into your own system. Then run
# `designc check` (the language and the design rules), `designc report` (availability, latency and load) and
# `designc build -t markdown,mermaid -o docs/design` (the design document and its diagrams).
# Every statement and its values: `designc reference`.

system @NAME@ "@TITLE@" {
  description "A starter design: customers browse products and place orders. Make it yours."
  owner "your-team"

  # What the whole system must achieve: the rules check the design against it.
  requirements {
    peak_load 500 rps
    availability 99.9%
    latency p99 300ms
    rpo 5m  # the data a disaster may lose
    rto 4h  # how long until the system is back after one
    survive zone  # the failure it must ride out with no loss of service
  }
  disaster_recovery { strategy backup_restore; failover manual }

  # Where it runs: one region, three availability zones.
  region eu_west_1 {
    zones [a, b, c]
    provider aws
  }

  # The requests that matter, their share of the peak load and the components they pass through: the analysis
  # works out each component's load from them (`designc report` shows it).
  flow browse "Browse the catalogue" {
    share 90%
    route [customers, web, shop_api, catalog_cache, catalog]
  }
  flow order "Place an order" {
    share 10%
    route [customers, web, shop_api, orders_db]
  }

  client customers "Customers' browsers" {
    calls web { protocol https; encryption tls; auth none }
  }

  # The public edge: a web front end behind a firewall, with rate limits, that calls the internal API.
  service web "Web front end" {
    exposure public
    waf on
    rate_limit 20 rps per client
    rate_limit 1000 rps
    replicas 3  # one per zone: losing a zone leaves two
    capacity 400 rps per replica
    health_check http "/healthz" { interval 10s; timeout 1s; readiness on }
    deploy rolling
    latency p99 20ms
    calls shop_api { protocol http; timeout 250ms; retries 0; auth mtls; encryption mtls }
    slo { availability 99.9%; latency p99 300ms }
  }

  # An internal service that owns the data: timeouts and retries on each call, and an SLO.
  service shop_api "Shop API" {
    replicas 3
    capacity 400 rps per replica
    health_check http "/healthz" { interval 10s; timeout 1s; readiness on }
    deploy rolling
    latency p99 50ms
    reads catalog_cache { timeout 10ms; criticality soft; encryption tls; auth iam }
    reads catalog { timeout 40ms; retries 1; encryption tls; auth iam }
    writes orders_db {
      timeout 60ms
      retries 1
      idempotency_key on  # a retried order is not placed twice
      encryption tls
      auth iam
    }
    # the event is written with the order, in one transaction, and relayed from there (an outbox)
    publishes order_events { mode async; outbox on; encryption tls; auth iam }
    slo { availability 99.9%; latency p99 200ms }
  }

  # Stores: how their data is replicated and backed up.
  store orders_db "Orders" {
    engine postgres
    replication sync { replicas 3; spread zones; failover automatic }
    backup { pitr on; rpo 5m; retention 35d; encrypted on }
    encryption_at_rest on
  }
  store catalog "Product catalogue" {
    engine postgres
    replication async { replicas 2; spread zones }
    backup { pitr on; rpo 5m; retention 35d; encrypted on }
    encryption_at_rest on
  }

  # A cache in front of the catalogue: what it holds, for how long, and how it learns of changes.
  cache catalog_cache "Catalogue cache" {
    engine redis
    caches catalog
    hit_ratio 80%
    ttl 10m
    invalidation ttl
  }

  # An asynchronous stream: orders are passed on, and a worker consumes them at its own pace.
  stream order_events "Order events" {
    engine kafka
    partitions 12
    replication 3
    min_insync 2
    acks all
    retention 7d
    encryption_at_rest on
  }

  service mailer "Order confirmation mails" {
    replicas 2
    deploy rolling
    consumes order_events {
      group mailer
      delivery at_least_once
      idempotent yes  # a message delivered twice sends one mail
      dead_letter yes
      encryption tls
    }
  }
}
"""


def system_name(text: str) -> str:
    """A name the language accepts, from a file or folder name: `my-shop` -> `my_shop`, `2024` -> `s_2024`."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    if not name:
        return "my_system"
    return f"s_{name}" if name[0].isdigit() else name


def starter(name: str) -> str:
    """The starter design for system ``name`` (a valid name: see `system_name`)."""
    title = name.replace("_", " ").strip().capitalize() or name
    return TEMPLATE.replace("@NAME@", name).replace("@TITLE@", title)
