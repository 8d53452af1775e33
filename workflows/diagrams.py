"""Diagrams generated from the code: the status machine (Mermaid) and the flow (viewflow SVG)."""
from viewflow.workflow import chart

from .flows import DossierFlow
from .models import Dossier
from .statuses import Status


def status_mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for status in Status:
        lines.append(f"    {status.value}: {status.label}")
    edges = set()
    for transition in Dossier._meta.get_field("status").get_all_transitions(Dossier):
        target = transition.target if transition.target is not None else transition.source
        edges.add((transition.source, target, transition.name))
    lines.append("    [*] --> submitted: submit_online")
    lines.append("    [*] --> received: receive")
    lines.append("    [*] --> refused: refuse_at_counter")
    for source, target, name in sorted(edges):
        lines.append(f"    {source} --> {target}: {name}")
    for terminal in (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN):
        lines.append(f"    {terminal.value} --> [*]")
    return "\n".join(lines)


def flow_svg() -> str:
    grid = chart.calc_layout_data(DossierFlow)
    return chart.grid_to_svg(grid)
