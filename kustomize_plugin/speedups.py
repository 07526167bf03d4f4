"""The private CPython modules dpf-render uses for start-up speed, each behind its public fallback, in one place.

kustomize, kpt and Argo CD start dpf-render once per render, so its cold start counts. Each private module
here stays because its gain shows when the cold start is measured as scripts/bench.py does: the same tree
with the public module instead, runs interleaved in random order, medians, of `dpf-render` on the
producer/consumer ResourceList (KRM function) and of `dpf-render render examples/producer-consumer`
(Python 3.11, 2 busy CPUs; `python -c "import yaml"` took 44-47 ms):

- SHA-256 from `_sha256` (3.11; `_sha2` from 3.12) rather than hashlib, which loads OpenSSL: with hashlib
  +4.2 ms (KRM function) and +4.0 ms (`render`), 61 runs.
- JSON string escaping (gojson.py writes every string of DPF's digests with it) from `_json`'s C escaper
  rather than the json package: with json +1.7 ms (KRM function) and +0.8 ms (`render`), 151 runs (measured
  with `_json` blocked, on a busier machine where a KRM run took 110 ms).
- Signal masks from `_signal` rather than signal, which builds enums of every signal and handler: in wall
  time the difference stayed within the machine's noise (±1 ms over 151 and 201 runs); in CPU time (user +
  sys, 151 runs) signal costs 1.2 ms (KRM function) and 0.6 ms (`render`). Only output.py uses it, to hold
  termination signals while the output is written; outdir.py (`-o DIR` only) uses signal.

Measured and dropped: `yaml._yaml.CParser`, for PyYAML's public `CBaseLoader` (the same parser, no
difference). Every fallback gives the same digests, bytes and signal masks: tests/test_speedups.py renders
with the private modules blocked and compares, and writes with signal in place of `_signal`.
"""

from __future__ import annotations

try:
    import _signal as signals  # type: ignore[import-not-found]
except ImportError:
    import signal as signals

# The termination signals held while output is written (output.py) or a folder is swapped (outdir.py): whoever
# stops dpf-render never sees half a stream or half a swap.
HELD_SIGNALS = frozenset({signals.SIGTERM, signals.SIGINT, signals.SIGHUP})

try:
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256


try:
    from _json import encode_basestring as json_string
except ImportError:
    from json.encoder import py_encode_basestring as json_string


__all__ = ["HELD_SIGNALS", "json_string", "sha256", "signals"]
