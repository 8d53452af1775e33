"""axe-core in the page under test: the WCAG 2 A/AA rules, the violations grouped by impact.

axe-core is an npm devDependency (package.json at the repo root, `npm ci` in `make test`); the
browser loads the file from node_modules, never from the network.
"""
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa"]
BLOCKING = ("serious", "critical")


def run_axe(page) -> list[dict]:
    """The page's violations: [{id, impact, help, targets}], one entry per rule."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` at the repo root (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]]}
            for v in result["violations"]]


def counts(violations) -> dict:
    """Affected nodes per impact, and the serious+critical sum the check gates on."""
    by_impact = {"minor": 0, "moderate": 0, "serious": 0, "critical": 0}
    for v in violations:
        by_impact[v["impact"]] = by_impact.get(v["impact"], 0) + len(v["targets"])
    return {**by_impact, "all": sum(by_impact.values()),
            "serious_critical": sum(by_impact[i] for i in BLOCKING)}


def describe(page_name, violations) -> list[str]:
    """One line per blocking violation: the page, the rule, its impact and the nodes it hit."""
    return [f"{page_name}: {v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'][:5])}"
            for v in violations if v["impact"] in BLOCKING]
