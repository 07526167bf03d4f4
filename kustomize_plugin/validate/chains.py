"""DPUServiceChainsReconciled: every service port of the chain names a service and an interface it declares.

Checked before any revision is derived, so that a bad port is reported together with the DPUDeployment's
other problems (a missing template, a version mismatch). A port whose service's configuration is unusable
cannot have its interface checked; prerequisites.not_checked says so. The revision step
(expand/revisions.py `derive_chain`) relies on these checks: it only sees DPUDeployments that pass them.
"""

from __future__ import annotations

from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Deployment
    from ..results import Result
    from .prerequisites import Found


def check_chain_ports(d: Deployment, found: Found) -> list[Result]:
    out: list[Result] = []
    for i, switch in enumerate(d.switches or []):
        for j, port in enumerate(switch["ports"]):
            ref = port.get("service")
            if ref is None:
                continue
            field = f"{d.switches_field}[{i}].ports[{j}].service"
            if ref["name"] not in d.services:
                out.append(
                    R.error(
                        f"service {ref['name']} not found in patched services: the port names a service that is not in "
                        "spec.services",
                        d.source.ref,
                        f"{field}.name",
                        condition=R.CHAINS_RECONCILED,
                    )
                )
                continue
            configuration = found.configurations.get(ref["name"])
            if configuration is None:
                continue
            declared = [] if configuration.deploy_in_cluster else [i.name for i in configuration.interfaces]
            if ref["interface"] not in declared:
                detail = ", ".join(declared) if declared else "none"
                out.append(
                    R.error(
                        f"interface {ref['interface']} is not declared by the DPUServiceConfiguration of service "
                        f"{ref['name']} (declared: {detail}); the chain would select no DPUServiceInterface",
                        d.source.ref,
                        f"{field}.interface",
                        condition=R.CHAINS_RECONCILED,
                    )
                )
    return out
