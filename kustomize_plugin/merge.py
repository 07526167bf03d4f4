"""Helm's coalesce of DPUServiceConfiguration values over DPUServiceTemplate values.

DPF: `internal/dpuservice/utils/mergemaps.go`, copied from Helm's `pkg/chartutil/coalesce.go`.

DPF's `MergeMaps(config, template)` is Helm's `coalesceTablesFullKey` with merge=true: maps merge
recursively, the configuration wins everywhere else (lists and scalars replace whole, a map on one side and
a scalar on the other keeps the configuration's, an explicit null stays). This is a dozen lines, so it is
written here rather than configured on deepmerge, whose import alone costs a third of the KRM function's
start-up budget (docs/install.md has the cold-start figures); the tests check it against a deepmerge Merger set up the same way.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def coalesce(config: Any, template: Any) -> Any:
    """Configuration values over template values; inputs are never mutated, merged maps are new."""
    if config is None:
        return template
    if template is None:
        return config
    if not isinstance(config, dict) or not isinstance(template, dict):
        return config
    merged = dict(config)
    for key, template_value in template.items():
        if key not in merged:
            merged[key] = template_value
        else:
            config_value = merged[key]
            if isinstance(config_value, dict) and isinstance(template_value, dict):
                merged[key] = coalesce(config_value, template_value)
    return merged
