"""ResourceFittingReady: the services' resource requirements fit the flavor's allocatable resources.

Allocatable is `dpuResources - systemReservedResources`; requested is the sum of every service's template
`resourceRequirements`. Quantities are exact Kubernetes quantities, and the message is DPF's. When a template
is missing, the templates present are summed: if they already exceed the flavor, the others can only add to
it, so the error is certain (prerequisites.not_checked says which templates were left out).
"""

from __future__ import annotations

from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Deployment
    from ..quantity import Quantity
    from ..results import Result
    from .prerequisites import Found


def check_fitting(d: Deployment, resolved: Found) -> list[Result]:
    flavor = resolved.flavor
    if flavor is None or flavor.dpu_resources is None:
        return []
    from .. import quantity

    out: list[Result] = []

    def parse(values: dict[str, Any], ref: R.ResourceRef, field: str) -> dict[str, Quantity]:
        parsed: dict[str, Quantity] = {}
        for name in sorted(values):
            try:
                parsed[name] = quantity.parse_quantity(values[name])
            except quantity.QuantityError as exc:
                out.append(
                    R.error(f"{field}.{name}: {exc}", ref, f"{field}.{name}", condition=R.RESOURCE_FITTING)
                )
        return parsed

    flavor_ref = flavor.source.ref
    total = parse(flavor.dpu_resources, flavor_ref, "spec.dpuResources")
    reserved = parse(flavor.system_reserved, flavor_ref, "spec.systemReservedResources")
    requested: dict[str, Quantity] = {}
    for key in sorted(resolved.templates):
        template = resolved.templates[key]
        for name, amount in parse(
            template.resource_requirements, template.source.ref, "spec.resourceRequirements"
        ).items():
            requested[name] = requested[name] + amount if name in requested else amount
    if out:
        return out
    allocatable = dict(total)
    for name, amount in reserved.items():
        available = allocatable.get(name)
        if available is None or amount > available:
            out.append(
                R.error(
                    f"can't calculate available DPU resources: system reserved {name} ({amount}) exceeds the DPU's "
                    f"{name} ({available if available is not None else 'none'})",
                    flavor_ref,
                    f"spec.systemReservedResources.{name}",
                    condition=R.RESOURCE_FITTING,
                )
            )
            continue
        allocatable[name] = available - amount
    if out:
        return out
    missing: list[str] = []
    for name in sorted(requested):
        available = allocatable.get(name)
        if available is None:
            missing.append(f"{name}: {requested[name]}")
        elif requested[name] > available:
            missing.append(f"{name}: {requested[name] - available}")
    if missing:
        out.append(
            R.error(
                "there are not enough resources for DPUServices to fit in this DPUDeployment:  "
                f"Additional resources needed: [{' '.join(missing)}]",
                d.source.ref,
                "spec.dpus.flavor" if d.flavor_kind == "DPUFlavor" else "spec.dpus.flavorTemplate",
                condition=R.RESOURCE_FITTING,
            )
        )
    return out
