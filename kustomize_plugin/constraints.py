"""Decide whether a version satisfies a version constraint exactly as DPF does, offline: DPF checks a
DPUServiceTemplate's ``dpu.nvidia.com/doca-version`` constraint against a BFB's DOCA version with
github.com/Masterminds/semver/v3 (v3.4.0: ``NewConstraint(c)``, ``NewVersion(v)``, ``Check``), and this
module reproduces that grammar and those rules, quirks included, on top of python-semver's ``Version``
(which supplies the value type, precedence and prerelease ordering).
"""

from __future__ import annotations

import re

import semver

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias

    _Group: TypeAlias = "tuple[bool, tuple[_Comparator, ...]]"

__all__ = ["Constraint", "ConstraintError", "parse_constraint", "parse_version"]

# Masterminds parses every number with strconv.ParseUint(..., 64): anything larger is an error there.
_UINT64_MAX = (1 << 64) - 1

# Go's RE2 matches the range rewrite in linear time; Python's backtracking search is quadratic in the
# worst case (about 60 ms at this length), so longer texts, which no real constraint needs, are refused.
_MAX_CONSTRAINT_LENGTH = 1024

# Go's \s (RE2, Perl class) is ASCII only; Python's \s would also accept \v and Unicode spaces.
_WS = r"[\t\n\f\r ]"
_IDENTIFIERS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
# Masterminds writes the class as [0-9|x|X|\*]: "|" is a literal member. It is kept because it lets a
# hyphen range swallow a neighbouring "||" before the OR split ("1||2 - 3" means ">=1 || 2, <=3").
_FIELD = r"[0-9xX*|]+"
_CONSTRAINT_VERSION = rf"v?{_FIELD}(?:\.{_FIELD})?(?:\.{_FIELD})?(?:-{_IDENTIFIERS})?(?:\+{_IDENTIFIERS})?"

_VERSION_RE = re.compile(
    rf"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-({_IDENTIFIERS}))?(?:\+({_IDENTIFIERS}))?"
)
_RANGE_RE = re.compile(rf"{_WS}*({_CONSTRAINT_VERSION}){_WS}+-{_WS}+({_CONSTRAINT_VERSION}){_WS}*")
# Two-character operators come first so that "=>" is not read as "=" followed by a bad version.
_TOKEN_RE = re.compile(
    rf"(!=|>=|=>|<=|=<|~>|[=<>~^]?){_WS}*"
    rf"v?({_FIELD})(?:\.({_FIELD}))?(?:\.({_FIELD}))?(?:-({_IDENTIFIERS}))?(?:\+{_IDENTIFIERS})?"
)

_OPERATORS = {
    "": "=",
    "=": "=",
    "!=": "!=",
    ">": ">",
    "<": "<",
    ">=": ">=",
    "=>": ">=",
    "<=": "<=",
    "=<": "<=",
    "~": "~",
    "~>": "~",
    "^": "^",
}


class ConstraintError(ValueError):
    """A version or constraint Masterminds semver would refuse; the message is meant for users."""


def _is_wildcard(field: str | None) -> bool:
    return field in ("x", "X", "*")


def _uint(field: str) -> int:
    # Constraint fields may mix digits with x, X, * or |, which Masterminds' NewVersion then rejects.
    # int() itself raises ValueError beyond sys.get_int_max_str_digits(), which callers also catch.
    if not field.isdigit() or (value := int(field)) > _UINT64_MAX:
        raise ValueError(field)
    return value


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in "\t\n\f\r ":
        position += 1
    return position


def _prerelease_starts_with_zero(prerelease: str | None) -> bool:
    if not prerelease:
        return False
    return any(part.isdigit() and len(part) > 1 and part[0] == "0" for part in prerelease.split("."))


def parse_version(text: str) -> semver.Version:
    """Parse ``text`` like Masterminds ``NewVersion`` (v3.4, ``CoerceNewVersion`` on, its default).

    Accepts an optional lowercase ``v``, partial versions (``2`` is 2.0.0, ``2.8`` is 2.8.0), leading
    zeros in major/minor/patch (``02.8`` is 2.8.0, restored in v3.4), prerelease and build metadata.
    Rejects everything else, including the empty string, four parts, surrounding whitespace, numbers
    above 2**64-1 and numeric prerelease identifiers with a leading zero.
    """
    if not isinstance(text, str):
        raise ConstraintError(f"invalid semantic version: expected a string, got {type(text).__name__}")
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        raise ConstraintError(f"invalid semantic version: {text!r}")
    major, minor, patch, prerelease, build = match.groups()
    try:
        numbers = (_uint(major), _uint(minor or "0"), _uint(patch or "0"))
    except ValueError:
        raise ConstraintError(f"error parsing version segment: value out of range: {text!r}") from None
    if _prerelease_starts_with_zero(prerelease):
        raise ConstraintError(f"version segment starts with 0: {text!r}")
    return semver.Version(numbers[0], numbers[1], numbers[2], prerelease, build)


class _Comparator:
    """One comparison such as ``>=2.8``; the dirty flags record which parts were absent or wildcards."""

    __slots__ = ("bound", "bound_prerelease", "dirty", "minor_dirty", "operator", "patch_dirty")

    def __init__(
        self, operator: str, bound: semver.Version, *, dirty: bool, minor_dirty: bool, patch_dirty: bool
    ) -> None:
        self.operator = operator
        self.bound = bound
        self.bound_prerelease = bound.prerelease or ""
        self.dirty = dirty
        self.minor_dirty = minor_dirty
        self.patch_dirty = patch_dirty

    def admits(self, version: semver.Version, prerelease: str) -> bool:
        # The prerelease gate is applied per OR group by Constraint.check, as Masterminds v3.4 does.
        operator = self.operator
        if operator == "=":
            return self._tilde(version) if self.dirty else version.compare(self.bound) == 0
        if operator == "~":
            return self._tilde(version)
        if operator == ">=":
            return version.compare(self.bound) >= 0
        if operator == "<":
            return version.compare(self.bound) < 0
        if operator == ">":
            return self._greater(version)
        if operator == "<=":
            return self._less_or_equal(version)
        if operator == "!=":
            return self._not_equal(version, prerelease)
        return self._caret(version)

    def _tilde(self, version: semver.Version) -> bool:
        bound = self.bound
        if version.compare(bound) < 0:
            return False
        # A fully written 0.0.0 (or a wildcard major) accepts everything above it.
        if bound.major == bound.minor == bound.patch == 0 and not (self.minor_dirty or self.patch_dirty):
            return True
        if version.major != bound.major:
            return False
        return self.minor_dirty or version.minor == bound.minor

    def _greater(self, version: semver.Version) -> bool:
        bound = self.bound
        if not self.dirty:
            return version.compare(bound) > 0
        if version.major != bound.major:
            return version.major > bound.major
        # ">2" needs 3 or higher and ">2.8" needs 2.9 or higher: the missing parts count as "any".
        if self.minor_dirty:
            return False
        if self.patch_dirty:
            return version.minor > bound.minor
        return version.compare(bound) > 0

    def _less_or_equal(self, version: semver.Version) -> bool:
        bound = self.bound
        if not self.dirty:
            return version.compare(bound) <= 0
        if version.major > bound.major:
            return False
        return not (version.major == bound.major and version.minor > bound.minor and not self.minor_dirty)

    def _not_equal(self, version: semver.Version, prerelease: str) -> bool:
        bound = self.bound
        if self.dirty:
            if version.major != bound.major:
                return True
            if version.minor != bound.minor and not self.minor_dirty:
                return True
            if self.minor_dirty:
                return False
            if version.patch != bound.patch and not self.patch_dirty:
                return True
            if self.patch_dirty:
                return prerelease != self.bound_prerelease
        return version.compare(bound) != 0

    def _caret(self, version: semver.Version) -> bool:
        bound = self.bound
        if version.compare(bound) < 0:
            return False
        if bound.major > 0 or self.minor_dirty:
            return version.major == bound.major
        # Masterminds code (not its doc comment) makes a wildcard major reach here, so "^*" is "0.0.0".
        if version.major > 0:
            return False
        if bound.minor > 0 or self.patch_dirty:
            return version.minor == bound.minor
        if version.minor > 0:
            return False
        return version.patch == bound.patch


class Constraint:
    """A parsed constraint: OR groups of AND-ed comparators; immutable."""

    __slots__ = ("_groups", "_text")

    _groups: tuple[_Group, ...]
    _text: str

    def __init__(self, text: str, groups: tuple[_Group, ...]) -> None:
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "_groups", groups)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def check(self, version: semver.Version) -> bool:
        """Masterminds ``Constraints.Check`` with ``IncludePrerelease`` left false, as DPF leaves it."""
        prerelease = version.prerelease or ""
        for includes_prereleases, comparators in self._groups:
            # v3.4: a prerelease version is only considered by an OR group in which at least one
            # comparator names a prerelease itself (">= 2.9.0-0"); every other group rejects it.
            if prerelease and not includes_prereleases:
                continue
            if all(comparator.admits(version, prerelease) for comparator in comparators):
                return True
        return False

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._text!r})"


def _rewrite_ranges(text: str) -> str:
    # Masterminds' own rewrite, kept literal (first occurrence of each matched text is replaced) because
    # its odd results decide what later parses: ">=1.2 - 1.4" becomes ">=>= 1.2, <= 1.4 ", an error.
    rewritten = text
    for match in _RANGE_RE.finditer(text):
        rewritten = rewritten.replace(match.group(0), f">= {match.group(1)}, <= {match.group(2)} ", 1)
    return rewritten


def _comparator(token: re.Match[str]) -> _Comparator:
    operator, major, minor, patch, prerelease = token.groups()
    error = ConstraintError(f"constraint parser error: {token.group(0).strip()}")
    if _prerelease_starts_with_zero(prerelease):
        raise error
    # Only the parts Masterminds keeps are validated: after a wildcard the rest is dropped unread.
    dirty = minor_dirty = patch_dirty = False
    try:
        if _is_wildcard(major):
            numbers = (0, 0, 0)
            dirty = True
        elif minor is None or _is_wildcard(minor):
            numbers = (_uint(major), 0, 0)
            dirty = minor_dirty = True
        elif patch is None or _is_wildcard(patch):
            numbers = (_uint(major), _uint(minor), 0)
            dirty = patch_dirty = True
        else:
            numbers = (_uint(major), _uint(minor), _uint(patch))
    except ValueError:
        raise error from None
    bound = semver.Version(numbers[0], numbers[1], numbers[2], prerelease)
    return _Comparator(
        _OPERATORS[operator], bound, dirty=dirty, minor_dirty=minor_dirty, patch_dirty=patch_dirty
    )


def _parse_group(segment: str) -> _Group:
    # Same language as Masterminds' validConstraintRegex (comparators separated by whitespace or by a
    # comma), but scanned token by token: that regex backtracks exponentially in Python's engine.
    end = len(segment)
    tokens: list[re.Match[str]] = []
    position = _skip_whitespace(segment, 0)
    while True:
        token = _TOKEN_RE.match(segment, position)
        if token is None:
            raise ConstraintError(f"improper constraint: {segment}")
        tokens.append(token)
        position = _skip_whitespace(segment, token.end())
        if position == end:
            break
        if segment[position] == ",":
            position = _skip_whitespace(segment, position + 1)
        elif position == token.end():
            raise ConstraintError(f"improper constraint: {segment}")
    comparators = tuple(_comparator(token) for token in tokens)
    return any(c.bound_prerelease for c in comparators), comparators


def parse_constraint(text: str) -> Constraint:
    """Parse ``text`` like Masterminds ``NewConstraint`` (v3.4).

    Operators ``=``, ``!=``, ``>``, ``<``, ``>=``/``=>``, ``<=``/``=<``, ``~``/``~>``, ``^`` or none;
    wildcards ``x``, ``X``, ``*`` and partial versions; hyphen ranges ``1.2 - 1.4.5``; AND by comma or
    whitespace, OR by ``||``. The empty string is an error ("improper constraint: "), as in
    ``NewConstraint("")``: a caller with no constraint must skip the check rather than parse "".
    Unlike Masterminds, texts longer than 1024 characters are refused (see _MAX_CONSTRAINT_LENGTH).
    """
    if not isinstance(text, str):
        raise ConstraintError(f"improper constraint: expected a string, got {type(text).__name__}")
    if len(text) > _MAX_CONSTRAINT_LENGTH:
        raise ConstraintError(f"improper constraint: longer than {_MAX_CONSTRAINT_LENGTH} characters")
    groups = tuple(_parse_group(segment) for segment in _rewrite_ranges(text).split("||"))
    return Constraint(text, groups)
