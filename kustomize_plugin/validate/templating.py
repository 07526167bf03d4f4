"""Templating checked without the names it needs, for a DPUDeployment that cannot be expanded.

A dependent service's helm values are rendered with its dependencies' DPUService names, which exist only
once every reference resolves. When one does not, the values are still rendered, with a placeholder for each
name: syntax errors, unsupported constructs and missing keys are reported in the same words as when the
DPUDeployment is expanded (expand/revisions.py `render_values`), in the same run as the problem that stopped
the expansion.
"""

from __future__ import annotations

from ..expand.revisions import render_values, service_params, template_errors

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Deployment
    from ..results import Result
    from .prerequisites import Found


def check_templates(d: Deployment, found: Found) -> list[Result]:
    out: list[Result] = []
    for key in sorted(d.services):
        depends = d.services[key].depends_on  # unknown names too: the dependsOn check reports them, not this
        configuration = found.configurations.get(key)
        if not depends or configuration is None or configuration.values is None:
            continue
        data = {"Services": {dep: service_params(f"{dep}-00000", d.namespace) for dep in depends}}
        _, problems = render_values(configuration, configuration.values, data)
        out.extend(template_errors(key, configuration, problems))
    return out
