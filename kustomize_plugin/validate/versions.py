"""VersionMatchingReady (SPEC §2.2): each template's DOCA version constraint against the BFB's DOCA version.

The constraint comes from the template's `status.versions` (what DPF's template controller fills from the
chart) or, offline, from its annotations. The BFB's version is found in the order of SPEC §2.2. Messages
are DPF's four; every template is checked and every failure reported.
"""

from __future__ import annotations

import re

from .. import model
from .. import results as R

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..config import RenderConfig
    from ..model import Deployment
    from ..results import Result
    from .prerequisites import Resolved

# bf-bundle-<doca>-<build>_<os>….bfb, e.g. bf-bundle-2.9.0-33_24.04_ubuntu-22.04_unsigned.bfb
_BUNDLE_NAME = re.compile(r"^bf-bundle-(\d+(?:\.\d+){1,2})-")


def bfb_doca_version(bfb: model.Bfb, config: RenderConfig) -> str | None:
    """The DOCA version of a BFB: status, spec, the functionConfig override, then the bundle file name."""
    if bfb.status_doca:
        return bfb.status_doca
    if bfb.spec_doca:
        return bfb.spec_doca
    override = config.bfb_versions.get(bfb.source.name)
    if override:
        return override
    for candidate in (bfb.file_name, bfb.url.rstrip("/").rsplit("/", 1)[-1] if bfb.url else None):
        match = _BUNDLE_NAME.match(candidate or "")
        if match:
            return match.group(1)
    return None


def check_versions(d: Deployment, resolved: Resolved, config: RenderConfig) -> list[Result]:
    constrained = [(key, t) for key, t in sorted(resolved.templates.items()) if t.doca_constraint]
    if not constrained:
        return []
    from .. import constraints  # only when a constraint exists: it imports semver

    out: list[Result] = []
    kind = d.bfb_kind
    version_text = bfb_doca_version(resolved.bfb, config)
    for _key, template in constrained:
        constraint_text, where = template.doca_constraint or ("", "")
        field = "status.versions" if where == "status.versions" else "metadata.annotations"
        field = f"{field}.{model.DOCA_VERSION_KEY}"
        ref = template.source.ref
        name = template.source.name

        def fail(message: str, ref: R.ResourceRef = ref, field: str = field) -> None:
            out.append(R.error(message, ref, field, condition=R.VERSION_MATCHING))

        if version_text is None:
            fail(
                f"version constraint for '{model.DOCA_VERSION_KEY}' found in DPUServiceTemplate '{name}' cannot be "
                f"checked: {kind} has no version for '{model.DOCA_VERSION_KEY}' (set status.versions.doca or "
                f"spec.versions.doca on {kind} {resolved.bfb.source.name}, or bfbVersions in the functionConfig)"
            )
            continue
        try:
            version = constraints.parse_version(version_text)
        except constraints.ConstraintError as exc:
            fail(
                f"version '{version_text}' found in {kind} is not parsable: {exc}",
                resolved.bfb.source.ref,
                "spec",
            )
            continue
        try:
            constraint = constraints.parse_constraint(constraint_text)
        except constraints.ConstraintError as exc:
            fail(
                f"version constraint '{constraint_text}' found in DPUServiceTemplate '{name}' is not parsable: {exc}"
            )
            continue
        if not constraint.check(version):
            fail(
                f"version constraint for '{model.DOCA_VERSION_KEY}' found in DPUServiceTemplate '{name}' is not "
                f"satisfied by the version '{version_text}' found in the given {kind}"
            )
    return out
