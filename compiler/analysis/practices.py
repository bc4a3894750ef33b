"""Published best practices a design can be held to, and which of them a file can show.

From the product side's rule sources (`../shared/rule-sources.md`): the AWS Well-Architected reliability best
practices and Azure's reliability checklist, with their class (C: checkable from a design; P: partly, through
an extra field or a proxy; N: process, not checkable; N items are left out), the security items a design can
check, Threagile's architecture-level rules and OWASP pytm's architecture-level threats. `designc rules
--coverage` prints this table with the rules that cover each item; a rule names what it covers in `practices`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Practice:
    id: str  # as rules cite it; "REL06-BP02/03" also matches REL06-BP02 and REL06-BP03
    title: str
    cls: str  # C or P
    source: str

    def matches(self, cited: str) -> bool:
        if cited == self.id:
            return True
        if "/" in self.id:
            head, *alts = self.id.split("/")
            stem = head.rsplit("-BP", 1)[0] + "-BP" if "-BP" in head else ""
            return cited == head or any(cited == stem + a for a in alts)
        return False


AWS = "AWS Well-Architected, Reliability"
AZURE = "Azure Well-Architected, Reliability"
SECURITY = "AWS Well-Architected, Security"
AZURE_SECURITY = "Azure Well-Architected, Security"
PYTM = "OWASP pytm (architecture-level threats)"
THREAGILE = "Threagile (architecture-level rules)"

PRACTICES: list[Practice] = [
    Practice("REL01-BP01", "aware of quotas", "P", AWS),
    Practice("REL01-BP03", "fixed quotas via architecture", "P", AWS),
    Practice("REL01-BP06", "quota headroom for failover", "P", AWS),
    Practice("REL02-BP01", "highly available public endpoints", "P", AWS),
    Practice("REL03-BP03", "service contracts per API", "P", AWS),
    Practice("REL04-BP01", "know your dependencies", "C", AWS),
    Practice("REL04-BP02", "loose coupling", "C", AWS),
    Practice("REL04-BP04", "idempotent mutations", "C", AWS),
    Practice("REL05-BP01", "graceful degradation", "C", AWS),
    Practice("REL05-BP02", "throttle requests", "C", AWS),
    Practice("REL05-BP03", "limit retries", "C", AWS),
    Practice("REL05-BP04", "fail fast, bounded queues", "P", AWS),
    Practice("REL05-BP05", "client timeouts", "C", AWS),
    Practice("REL05-BP06", "stateless where possible", "P", AWS),
    Practice("REL06-BP02/03", "metrics and alarms", "P", AWS),
    Practice("REL07-BP01", "automated scaling", "C", AWS),
    Practice("REL07-BP02", "replace impaired resources", "P", AWS),
    Practice("REL07-BP03", "scale for demand", "C", AWS),
    Practice("REL08-BP04/05", "immutable, automated deployment", "P", AWS),
    Practice("REL09-BP01", "back up all data", "C", AWS),
    Practice("REL09-BP02", "encrypt backups", "C", AWS),
    Practice("REL09-BP03", "automatic backups", "C", AWS),
    Practice("REL10-BP01", "multiple locations", "C", AWS),
    Practice("REL10-BP02", "single-location components", "P", AWS),
    Practice("REL10-BP03", "bulkheads and cells", "P", AWS),
    Practice("REL11-BP02", "failover", "C", AWS),
    Practice("REL11-BP03", "auto-healing", "P", AWS),
    Practice("REL11-BP04", "data plane in recovery", "P", AWS),
    Practice("REL11-BP05", "static stability", "C", AWS),
    Practice("REL11-BP07", "meet the availability target", "C", AWS),
    Practice("REL13-BP01", "RPO and RTO defined", "C", AWS),
    Practice("REL13-BP02", "DR strategy meets objectives", "C", AWS),
    Practice("REL13-BP04", "DR-site drift", "P", AWS),
    Practice("REL13-BP05", "automate recovery", "P", AWS),
    Practice("RE:01", "simplicity and efficiency", "P", AZURE),
    Practice("RE:02", "identify and rate flows", "P", AZURE),
    Practice("RE:03", "failure mode analysis", "C", AZURE),
    Practice("RE:04", "reliability and recovery targets", "C", AZURE),
    Practice("RE:05", "redundancy", "C", AZURE),
    Practice("RE:06", "scaling strategy", "C", AZURE),
    Practice("RE:07", "self-preservation and self-healing", "C", AZURE),
    Practice("RE:09", "tested DR plans", "P", AZURE),
    Practice("RE:10", "health measurement", "P", AZURE),
    Practice("SEC09-BP02", "encrypt in transit (SE:07)", "C", SECURITY),
    Practice("SEC09-BP03", "authenticate network communications (SE:05)", "C", SECURITY),
    Practice("SEC08-BP02", "encrypt at rest (SE:07)", "C", SECURITY),
    Practice("SEC03-BP07", "public and cross-account access", "C", SECURITY),
    Practice("SEC05-BP01/02", "network layers, traffic flow (SE:04, SE:06)", "C", SECURITY),
    Practice("SEC07-BP01/02", "classification drives controls (SE:03)", "C", SECURITY),
    Practice("RESIDENCY", "data residency (compliance)", "C", SECURITY),
    Practice("SEC03-BP02", "least privilege between services", "P", SECURITY),
    Practice("SEC08-BP01", "key management (SE:09)", "P", SECURITY),
    Practice("SEC07-BP04", "data lifecycle", "P", SECURITY),
    Practice("SEC05-BP03", "inspection-based protection (a web application firewall)", "P", SECURITY),
    Practice("SE:03", "classify data and apply controls", "C", AZURE_SECURITY),
    Practice("SE:04", "segmentation", "C", AZURE_SECURITY),
    Practice("SE:05", "identity and access management", "C", AZURE_SECURITY),
    Practice("SE:06", "network controls", "C", AZURE_SECURITY),
    Practice("SE:07", "encryption", "C", AZURE_SECURITY),
    Practice("SE:09", "secrets", "P", AZURE_SECURITY),
    Practice("pytm:AA01", "authentication bypass", "C", PYTM),
    Practice("pytm:DE01", "interception", "C", PYTM),
    Practice("pytm:DE03", "sniffing", "C", PYTM),
    Practice("pytm:DO01", "flooding", "C", PYTM),
    Practice("pytm:DR01", "unprotected sensitive data", "C", PYTM),
    *(
        Practice(f"threagile:{name}", name.replace("-", " "), "C", THREAGILE)
        for name in (
            "unencrypted-communication",
            "unencrypted-asset",
            "unguarded-access-from-internet",
            "unguarded-direct-datastore-access",
            "missing-network-segmentation",
            "missing-authentication",
            "missing-identity-propagation",
            "dos-risky-access-across-trust-boundary",
            "missing-waf",
            "wrong-trust-boundary-content",
            "wrong-communication-link-content",
            "unnecessary-communication-link",
            "unnecessary-data-asset",
            "unnecessary-data-transfer",
            "unnecessary-technical-asset",
            "incomplete-model",
            "missing-vault",
            "mixed-targets-on-shared-runtime",
        )
    ),
]


def coverage(rules: dict[str, type]) -> list[tuple[Practice, list[str]]]:
    """Each practice with the codes of the rules that cite it."""
    out = []
    for p in PRACTICES:
        codes = [code for code, r in rules.items() if any(p.matches(c) for c in getattr(r, "practices", ()))]
        out.append((p, codes))
    return out
