"""VersionMatchingReady: each template's DOCA version constraint against the BFB's DOCA version.

The constraint comes from the template's `status.versions` (what DPF's template controller fills from the
chart) or, offline, from its annotations. The BFB's version is found in the order docs/checks.md gives.
Messages are DPF's four; every template present is checked and every failure reported, even when another
reference of the DPUDeployment is missing (prerequisites.not_checked names the templates left out).
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
    from .prerequisites import Found

# bf-bundle-<doca>-<build>_<os>….bfb, e.g. bf-bundle-2.9.0-33_24.04_ubuntu-22.04_unsigned.bfb; compiled on
# first use (through `re`'s cache), as most BFBs state their versions.
_BUNDLE_NAME = r"^bf-bundle-(\d+(?:\.\d+){1,2})-"


def doca_version_source(bfb: model.Bfb, config: RenderConfig) -> tuple[str, str | None] | None:
    """(DOCA version, the BFB field it was read from; None for the functionConfig override), first found."""
    if bfb.status_doca:
        return bfb.status_doca, "status.versions.doca"
    if bfb.spec_doca:
        return bfb.spec_doca, "spec.versions.doca"
    override = config.bfb_versions.get(bfb.source.name)
    if override:
        return override, None
    url_name = bfb.url.rstrip("/").rsplit("/", 1)[-1] if bfb.url else None
    for candidate, field in ((bfb.file_name, "spec.fileName"), (url_name, "spec.url")):
        match = re.match(_BUNDLE_NAME, candidate or "")
        if match:
            return match.group(1), field
    return None


def check_versions(d: Deployment, resolved: Found, config: RenderConfig) -> list[Result]:
    bfb = resolved.bfb
    constrained = [(key, t) for key, t in sorted(resolved.templates.items()) if t.doca_constraint]
    if not constrained or bfb is None:
        return []
    from .. import constraints  # only when a constraint exists: it imports semver

    out: list[Result] = []
    kind = d.bfb_kind
    found = doca_version_source(bfb, config)
    version_text, version_field = found if found else (None, None)
    for _key, template in constrained:
        constraint_text, where = template.doca_constraint or ("", "")
        field = "status.versions" if where == "status.versions" else "metadata.annotations"
        field = f"{field}.{model.DOCA_VERSION_KEY}"
        ref = template.source.ref
        name = template.source.name

        def fail(message: str, ref: R.ResourceRef = ref, field: str = field) -> None:
            out.append(R.error(message, ref, field, condition=R.VERSION_MATCHING))

        if version_text is None:
            where_to = (
                "spec.versions with all four of bsp, doca, uefi and atf, a bundle file name bf-bundle-<doca>-<build>_..."
                if kind == model.BFB
                else "status.versions.doca"
            )
            fail(
                f"version constraint for '{model.DOCA_VERSION_KEY}' found in DPUServiceTemplate '{name}' cannot be "
                f"checked: {kind} has no version for '{model.DOCA_VERSION_KEY}' (offline, give {kind} "
                f"{bfb.source.name} {where_to}, or set bfbVersions in the functionConfig)"
            )
            continue
        try:
            version = constraints.parse_version(version_text)
        except constraints.ConstraintError as exc:
            origin = "" if version_field else " (from bfbVersions in the functionConfig)"
            fail(
                f"version '{version_text}' found in {kind} is not parsable: {exc}{origin}",
                bfb.source.ref,
                version_field or "metadata.name",
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
