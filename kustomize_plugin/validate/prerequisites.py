"""PrerequisitesReady: every object a DPUDeployment references is among the inputs, in its namespace.

Messages follow DPF's `getDependencies` (docs/checks.md). Status is rarely in Git, so it is honoured only
when present, and then only as a warning: a BFB whose phase is not Ready, a template whose Ready condition
is False. A reference that is missing, broken or for another service does not stop the checks that do not
need it: `Found` holds what is usable, and `not_checked` says, as info results, which checks an unusable
reference kept from running.
"""

from __future__ import annotations

from .. import model
from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..index import Inputs
    from ..results import Result

BFB_ROLE = "bfb"
FLAVOR_ROLE = "flavor"
VERSIONS = "version matching"
FITTING = "resource fitting"
CHAIN_PORTS = "chain ports"
TEMPLATING = "templating"


class Found:
    """What of a DPUDeployment's references is usable, and why the others are not.

    `unavailable` maps a role (`bfb`, `flavor`, `template <service>`, `configuration <service>`) to the field
    that names it and the reason, e.g. ("spec.services.cache.serviceTemplate", "DPUServiceTemplate dpf/cache is
    missing").
    """

    __slots__ = ("bfb", "configurations", "flavor", "templates", "unavailable")

    def __init__(self) -> None:
        self.bfb: model.Bfb | None = None
        self.flavor: model.Flavor | None = None
        self.templates: dict[str, model.Template] = {}
        self.configurations: dict[str, model.Configuration] = {}
        self.unavailable: dict[str, tuple[str, str]] = {}

    def complete(self) -> model.Resolved | None:
        """Everything, when every reference is usable; else None."""
        if self.unavailable or self.bfb is None or self.flavor is None:
            return None
        return model.Resolved(self.bfb, self.flavor, self.templates, self.configurations)


def resolve(d: model.Deployment, inputs: Inputs) -> tuple[Found, list[Result]]:
    out: list[Result] = []
    found = Found()
    ref = d.source.ref
    ns = d.namespace

    def unavailable(role: str, kind: str, api_version: str, name: str, field: str) -> None:
        if (kind, ns, name) in inputs.invalid:
            found.unavailable[role] = (field, f"{kind} {ns}/{name} has errors")
            out.append(
                R.error(
                    f"cannot expand: {kind} {ns}/{name} has errors (reported on it)",
                    ref,
                    field,
                    condition=R.PREREQUISITES,
                )
            )
            return
        found.unavailable[role] = (field, f"{kind} {ns}/{name} is missing")
        group, version = api_version.split("/")
        out.append(
            R.error(
                f"error while getting the DPUDeployment dependencies: error while getting {group}/{version}, Kind={kind} "
                f"{ns}/{name}: {kind} {name!r} not found among the inputs in namespace {ns!r}",
                ref,
                field,
                condition=R.PREREQUISITES,
            )
        )

    def another_service(role: str, kind: str, name: str, other: str | None, field: str) -> None:
        found.unavailable[role] = (field, f"{kind} {ns}/{name} is for service {other}")
        out.append(
            R.error(
                f"service in {kind} {ns}/{name} doesn't match requested service in DPUDeployment",
                ref,
                field,
                condition=R.PREREQUISITES,
            )
        )

    found.bfb = inputs.bfbs.get((d.bfb_kind, ns, d.bfb))
    if found.bfb is None:
        field = "spec.dpus.bfb" if d.bfb_kind == model.BFB else "spec.dpus.blueFieldSoftware"
        unavailable(BFB_ROLE, d.bfb_kind, model.PROVISIONING_V1, d.bfb, field)
    elif found.bfb.phase is not None and found.bfb.phase != "Ready":
        out.append(
            R.warning(
                f"{d.bfb_kind} is not ready yet (status.phase is {found.bfb.phase}); rendering anyway",
                found.bfb.source.ref,
                "status.phase",
                condition=R.PREREQUISITES,
            )
        )
    found.flavor = inputs.flavors.get((d.flavor_kind, ns, d.flavor))
    if found.flavor is None:
        field = "spec.dpus.flavor" if d.flavor_kind == model.FLAVOR else "spec.dpus.flavorTemplate"
        unavailable(FLAVOR_ROLE, d.flavor_kind, model.PROVISIONING_V1, d.flavor, field)

    for key in sorted(d.services):
        service = d.services[key]
        field = f"spec.services.{key}.serviceTemplate"
        template = inputs.templates.get((ns, service.template))
        if template is None:
            unavailable(f"template {key}", model.TEMPLATE, model.SVC_V1, service.template, field)
        elif template.deployment_service_name != key:
            another_service(
                f"template {key}", model.TEMPLATE, service.template, template.deployment_service_name, field
            )
        else:
            found.templates[key] = template
            if template.not_ready:
                status_field, why = template.not_ready
                out.append(
                    R.warning(
                        f"DPUServiceTemplate {ns}/{service.template} is not ready yet ({why}); rendering anyway",
                        template.source.ref,
                        status_field,
                        condition=R.PREREQUISITES,
                    )
                )
        field = f"spec.services.{key}.serviceConfiguration"
        configuration = inputs.configurations.get((ns, service.configuration))
        if configuration is None:
            unavailable(
                f"configuration {key}", model.CONFIGURATION, model.SVC_V1, service.configuration, field
            )
        elif configuration.deployment_service_name != key:
            another_service(
                f"configuration {key}",
                model.CONFIGURATION,
                service.configuration,
                configuration.deployment_service_name,
                field,
            )
        else:
            found.configurations[key] = configuration
    return found, out


def not_checked(d: model.Deployment, found: Found) -> list[Result]:
    """Info results: for each unusable reference, the checks it kept from running (none: no result)."""
    out: list[Result] = []
    ported = _services_in_ports(d)
    for role, (field, reason) in sorted(found.unavailable.items(), key=lambda kv: kv[1][0]):
        stages: list[str] = []
        scope = ""
        if role == BFB_ROLE:
            if any(t.doca_constraint for t in found.templates.values()):
                stages.append(VERSIONS)
        elif role == FLAVOR_ROLE:
            if any(t.resource_requirements for t in found.templates.values()):
                stages.append(FITTING)
        else:
            what, key = role.split(" ", 1)
            scope = f" for service {key}"
            if what == "template":
                stages.append(VERSIONS)
                if found.flavor is not None and found.flavor.dpu_resources is not None:
                    stages.append(FITTING)
            else:
                if key in ported:
                    stages.append(CHAIN_PORTS)
                if d.services[key].depends_on:
                    stages.append(TEMPLATING)
        if stages:
            condition = R.PREREQUISITES
            out.append(
                R.Result(
                    R.INFO,
                    f"not checked{scope} because {reason}: {', '.join(stages)}",
                    d.source.ref,
                    field,
                    condition=condition,
                )
            )
    return out


def _services_in_ports(d: model.Deployment) -> set[str]:
    return {
        port["service"]["name"]
        for switch in d.switches or []
        for port in switch["ports"]
        if port.get("service") is not None
    }
