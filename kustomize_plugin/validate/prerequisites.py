"""PrerequisitesReady (SPEC §2.1): every object a DPUDeployment references is among the inputs, in its namespace.

Messages follow DPF's `getDependencies`. Status is rarely in Git, so it is honoured only when present, and
then only as a warning: a BFB whose phase is not Ready, a template whose Ready condition is False.
"""

from __future__ import annotations

from .. import model
from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..inputs import Inputs
    from ..results import Result


class Resolved:
    """The objects one DPUDeployment consumes, found and checked."""

    __slots__ = ("bfb", "configurations", "flavor", "templates")

    def __init__(
        self,
        bfb: model.Bfb,
        flavor: model.Flavor,
        templates: dict[str, model.Template],
        configurations: dict[str, model.Configuration],
    ) -> None:
        self.bfb = bfb
        self.flavor = flavor
        self.templates = templates
        self.configurations = configurations


def resolve(d: model.Deployment, inputs: Inputs) -> tuple[Resolved | None, list[Result]]:
    out: list[Result] = []
    ref = d.source.ref
    ns = d.namespace

    def missing(kind: str, api_version: str, name: str, field: str) -> None:
        if (kind, ns, name) in inputs.invalid:
            out.append(
                R.error(
                    f"cannot expand: {kind} {ns}/{name} has errors (reported on it)",
                    ref,
                    field,
                    condition=R.PREREQUISITES,
                )
            )
            return
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

    bfb = inputs.bfbs.get((d.bfb_kind, ns, d.bfb))
    if bfb is None:
        missing(
            d.bfb_kind,
            model.PROVISIONING_V1,
            d.bfb,
            "spec.dpus.bfb" if d.bfb_kind == model.BFB else "spec.dpus.blueFieldSoftware",
        )
    elif bfb.phase is not None and bfb.phase != "Ready":
        out.append(
            R.warning(
                f"{d.bfb_kind} is not ready yet (status.phase is {bfb.phase}); rendering anyway",
                bfb.source.ref,
                "status.phase",
                condition=R.PREREQUISITES,
            )
        )
    flavor = inputs.flavors.get((d.flavor_kind, ns, d.flavor))
    if flavor is None:
        field = "spec.dpus.flavor" if d.flavor_kind == model.FLAVOR else "spec.dpus.flavorTemplate"
        missing(d.flavor_kind, model.PROVISIONING_V1, d.flavor, field)

    templates: dict[str, model.Template] = {}
    configurations: dict[str, model.Configuration] = {}
    for key in sorted(d.services):
        service = d.services[key]
        template = inputs.templates.get((ns, service.template))
        if template is None:
            missing(model.TEMPLATE, model.SVC_V1, service.template, f"spec.services.{key}.serviceTemplate")
        elif template.deployment_service_name != key:
            out.append(
                R.error(
                    f"service in DPUServiceTemplate {ns}/{service.template} doesn't match requested service in DPUDeployment",
                    ref,
                    f"spec.services.{key}.serviceTemplate",
                    condition=R.PREREQUISITES,
                )
            )
        else:
            templates[key] = template
            if template.not_ready:
                field, why = template.not_ready
                out.append(
                    R.warning(
                        f"DPUServiceTemplate {ns}/{service.template} is not ready yet ({why}); rendering anyway",
                        template.source.ref,
                        field,
                        condition=R.PREREQUISITES,
                    )
                )
        configuration = inputs.configurations.get((ns, service.configuration))
        if configuration is None:
            missing(
                model.CONFIGURATION,
                model.SVC_V1,
                service.configuration,
                f"spec.services.{key}.serviceConfiguration",
            )
        elif configuration.deployment_service_name != key:
            out.append(
                R.error(
                    f"service in DPUServiceConfiguration {ns}/{service.configuration} doesn't match requested service in DPUDeployment",
                    ref,
                    f"spec.services.{key}.serviceConfiguration",
                    condition=R.PREREQUISITES,
                )
            )
        else:
            configurations[key] = configuration
    if bfb is None or flavor is None or R.has_errors(out):
        return None, out
    return Resolved(bfb, flavor, templates, configurations), out
