"""The private CPython modules dpf-render uses for start-up speed, each behind its public fallback, in one place.

kustomize, kpt and Argo CD start dpf-render once per render, so its cold start counts. Each private module
here stays because its gain shows when the cold start is measured as scripts/bench.py does: the same tree
with the public module instead, runs interleaved in random order, medians, of `dpf-render` on the
producer/consumer ResourceList (KRM function) and of `dpf-render render examples/producer-consumer`
(Python 3.11, 2 busy CPUs; `python -c "import yaml"` took 44-47 ms):

- SHA-256 from `_sha256` (3.11; `_sha2` from 3.12) rather than hashlib, which loads OpenSSL: with hashlib
  +4.2 ms (KRM function) and +4.0 ms (`render`), 61 runs.
- JSON from `_json`'s C encoder and string escaper rather than the json package: with json +0.9 ms (KRM
  function) and +2.2 ms (`render`), 151 runs.
- Signal masks from `_signal` rather than signal, which builds enums of every signal and handler: in wall
  time the difference stayed within the machine's noise (±1 ms over 151 and 201 runs); in CPU time (user +
  sys, 151 runs) signal costs 1.2 ms (KRM function) and 0.6 ms (`render`). Only output.py uses it, to hold
  termination signals while the output is written; outdir.py (`-o DIR` only) uses signal.

Measured and dropped: `yaml._yaml.CParser`, for PyYAML's public `CBaseLoader` (the same parser, no
difference). Every fallback gives the same digests, bytes and signal masks: tests/test_speedups.py renders
with the private modules blocked and compares, and writes with signal in place of `_signal`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

try:
    import _signal as signals  # type: ignore[import-not-found]
except ImportError:
    import signal as signals

try:
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON data")


try:
    from _json import encode_basestring as json_string
    from _json import make_encoder as _make_encoder

    # As json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) configures it; markers=None:
    # no cycle check (loaded YAML has no cycles: the loader refuses recursive aliases).
    _ENCODE: Any = _make_encoder(None, _not_json, json_string, None, ":", ",", True, False, True)

    def canonical_json(value: Any) -> str:
        """`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`; TypeError as it."""
        return "".join(_ENCODE(value, 0))

except ImportError:
    from json import dumps as _dumps
    from json.encoder import py_encode_basestring as json_string

    def canonical_json(value: Any) -> str:
        """`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`; TypeError as it."""
        return _dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


__all__ = ["canonical_json", "json_string", "sha256", "signals"]
