"""dependsOn: known names, no self-reference, no cycle; the order services are processed in.

DPF sorts the dependency graph topologically (gonum) and leaves ties unspecified; we break ties by name, so
the order, and every message that depends on it, is the same on every run. Messages carry DPF's wrapping
(`failed to sort DPUService: …`, and gonum's `topo: no topological ordering: cyclic components: …` for a
cycle, internal/dpuservice/controllers/dpudeployment_controller_dpuservice.go `servicesTopologicalSort`), so
that they can be searched for in DPF's documentation and issues; gonum names the nodes by number, we by name.
"""

from __future__ import annotations

from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Deployment
    from ..results import Result


SORT_PREFIX = "failed to sort DPUService: "


def order_services(d: Deployment) -> tuple[list[str] | None, list[Result]]:
    """Service keys with every dependency before its dependents, ties by name; None on a bad graph."""
    out: list[Result] = []
    ref = d.source.ref
    edges: dict[str, list[str]] = {key: [] for key in d.services}
    for key in sorted(d.services):
        for i, dep in enumerate(d.services[key].depends_on):
            field = f"spec.services.{key}.dependsOn[{i}].name"
            if dep == key:
                out.append(
                    R.error(
                        f"{SORT_PREFIX}service {key} cannot depend on itself",
                        ref,
                        field,
                        condition=R.SERVICES_RECONCILED,
                    )
                )
            elif dep not in d.services:
                out.append(
                    R.error(
                        f"{SORT_PREFIX}service {key} depends on {dep} which is not defined in the DPUDeployment",
                        ref,
                        field,
                        condition=R.SERVICES_RECONCILED,
                    )
                )
            elif key not in edges[dep]:
                edges[dep].append(key)
    if out:
        return None, out
    indegree = dict.fromkeys(edges, 0)
    for targets in edges.values():
        for target in targets:
            indegree[target] += 1
    # Kahn's algorithm, the smallest ready name first; a DPUDeployment has a handful of services, so a list
    # and min() serve where heapq would add its import to every start.
    ready = [key for key, n in indegree.items() if n == 0]
    order: list[str] = []
    while ready:
        key = min(ready)
        ready.remove(key)
        order.append(key)
        for target in edges[key]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    if len(order) < len(edges):
        cycle = _find_cycle({k: list(d.services[k].depends_on) for k in edges if indegree[k] > 0})
        out.append(
            R.error(
                f"{SORT_PREFIX}failed to sort Service: topo: no topological ordering: cyclic components: "
                f"[[{' '.join(cycle)}]] (dependsOn: {' -> '.join([*cycle, cycle[0]])})",
                ref,
                f"spec.services.{cycle[0]}.dependsOn",
                condition=R.SERVICES_RECONCILED,
            )
        )
        return None, out
    return order, out


def _find_cycle(depends: dict[str, list[str]]) -> list[str]:
    """One cycle among the services left unsorted, starting at its smallest name, in dependsOn order."""
    start = min(depends)
    path: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = min(dep for dep in depends[node] if dep in depends)
    cycle = path[seen[node] :]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]
