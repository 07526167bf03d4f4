"""Masterminds semver v3.4 constraints as DPF evaluates them: which versions pass, what fails to parse.

Every expected value was worked out by hand from Masterminds' rules (constraints.go, version.go at
v3.4.0, the release DPF's go.mod pins). Rows copied from Masterminds' own tables name the table in their
source column: TestConstraintCheck (CC), TestConstraintsCheck (CsC), TestConstraintsValidate (CV),
TestNewConstraint (NC), TestParseConstraint (PC), TestNewVersion (NV), TestCoerceString (CS); "hand"
rows give the rule they exercise.
"""

from __future__ import annotations

import ast
import contextlib
import inspect

import pytest
import semver
from hypothesis import given
from hypothesis import strategies as st

from kustomize_plugin import constraints
from kustomize_plugin.constraints import Constraint, ConstraintError, parse_constraint, parse_version

# constraint, version, expected, source
CHECKS: list[tuple[str, str, bool, str]] = [
    # = and no operator: a full version is equality, a partial or wildcard one behaves like ~
    ("=2.0.0", "2.0.0", True, "CC"),
    ("=2.0.0", "1.2.3", False, "CC"),
    ("=2.0", "2.0.1", True, "CC"),
    ("= 2.0", "1.2.3", False, "CsC"),
    ("4.1", "4.1.0", True, "CC"),
    ("2.1", "2.2.1", False, "CC"),
    ("2", "2.1.1", True, "CC"),
    ("0.0.0", "1.2.3", False, "CsC"),
    # !=
    ("!=4.1.0", "4.1.1", True, "CC"),
    ("!=4.1.0", "4.1.0", False, "CC"),
    ("!=4.1", "4.1.1", False, "CC: a partial != excludes the whole 4.1.x line"),
    ("!=4.1", "5.1.0", True, "CC"),
    ("!=4.x", "4.1.0", False, "CsC"),
    ("!=4.1-alpha", "4.1.0", True, "CC"),
    ("!=4.1-alpha", "4.1.1-alpha", False, "CsC"),
    ("!=4.1", "5.1.0-alpha.1", False, "CC: no prerelease in the constraint, so prereleases fail"),
    # >
    (">1.1", "4.1.0", True, "CC"),
    (">1.1", "1.1.0", False, "CC"),
    (">11.1", "11.1.1", False, "CC: >11.1 needs minor 2 or more"),
    (">11.1", "11.2.1", True, "CC"),
    (">11", "11.1.0", False, "CC"),
    (">0", "0", False, "CC"),
    (">2.8", "2.8.1", False, "hand: partial > compares only the parts written"),
    (">2.8.0", "2.8.1", True, "hand: a full version compares normally"),
    (">1.2.3-alpha.1", "1.2.3-alpha.2", True, "CC"),
    (">*", "0.0.0", False, "hand: a wildcard major is the version 0.0.0"),
    # <
    ("<1.1", "0.1.0", True, "CC"),
    ("<1.1", "1.1.0", False, "CC"),
    ("<11", "11.1.0", False, "CC"),
    ("<1.x", "0.1.1", True, "CsC"),
    ("<1.1.x", "1.1.500", False, "CsC"),
    ("<0-z", "0.0.0-alpha", True, "CC"),
    # >= and its alias =>
    (">=1.1", "1.1.0", True, "CC"),
    (">=1.1", "0.0.9", False, "CC"),
    (">=11.1", "11.0.2", False, "CC"),
    (">=0", "0", True, "CC"),
    ("=>1.2", "1.2.0", True, "hand: PC maps => to >="),
    ("=> 1.2", "1.1.9", False, "hand: PC maps => to >="),
    # <= and its alias =<
    ("<=1.1", "1.1.1", True, "CC: a partial <= takes the whole 1.1.x line"),
    ("<=1.1", "1.2.3", False, "CC"),
    ("<=11", "11.2.3", True, "CC"),
    ("<=4.5", "4.6.3", False, "CsC"),
    ("<=1.1.0", "1.1.1", False, "hand: a full version compares normally"),
    ("=<1.1", "1.1.1", True, "hand: PC maps =< to <="),
    ("=< 1.1", "1.2.0", False, "hand: PC maps =< to <="),
    # ~ and its alias ~>
    ("~1.2.3", "1.2.4", True, "CC"),
    ("~1.2.3", "1.3.4", False, "CC"),
    ("~1.2.3", "1.2.2", False, "CsC"),
    ("~1", "1.3.5", True, "CsC"),
    ("~1", "2.1.1", False, "CsC"),
    ("~1.x", "1.3.5", True, "CsC"),
    ("~0.0.0", "1.2.3", True, "CsC: ~0.0.0 accepts everything"),
    ("~*", "2.1.1", True, "CsC"),
    ("~2.9", "2.9.1", True, "hand: ~2.9 is >=2.9.0 <2.10.0"),
    ("~2.9", "2.10.0", False, "hand: ~2.9 is >=2.9.0 <2.10.0"),
    ("~>1.2", "1.2.9", True, "hand: ~> is ~"),
    ("~> 1.2.3", "1.3.0", False, "hand: ~> is ~"),
    # ^
    ("^1.2.3", "1.8.9", True, "CC"),
    ("^1.2.3", "2.8.9", False, "CC"),
    ("^1.2.3", "1.2.1", False, "CC"),
    ("^0.2.3", "0.2.5", True, "CC"),
    ("^0.2.3", "0.5.6", False, "CC"),
    ("^0.0.3", "0.0.3", True, "CC"),
    ("^0.0.3", "0.0.4", False, "CC: ^0.0.3 is >=0.0.3 <0.0.4"),
    ("^0", "0.2.3", True, "CC"),
    ("^0.0", "0.1.4", False, "CC"),
    ("^1.x", "2.1.1", False, "CsC"),
    ("^0.0.0", "1.2.3", False, "CsC"),
    ("^*", "1.2.3", False, "hand: constraintCaret lets a wildcard major fall through to the 0.0.z rule"),
    ("^*", "0.0.0", True, "hand: same rule, the one version it accepts"),
    # wildcards in each position
    ("*", "4.5.6", True, "CC"),
    ("*", "1.2.3-alpha.1", False, "CC"),
    ("*-0", "1.2.3-alpha.1", True, "CC"),
    ("2.*", "2.1.1", True, "CC"),
    ("2.*", "3.4.5", False, "CC"),
    ("2.1.*", "2.1.1", True, "CC"),
    ("2.1.*", "2.2.1", False, "CC"),
    ("4.1.x", "4.1.3", True, "CsC"),
    ("1.x", "1.4", True, "CsC"),
    ("2.9.X", "2.9.7", True, "hand: X is a wildcard too"),
    ("0.x.x", "1.2.3", False, "CsC"),
    ("0.0.x", "1.2.3", False, "CsC"),
    ("x.2.3", "7.0.0", True, "hand: after a wildcard major the other parts are dropped"),
    ("1.x.3", "1.9.0", True, "hand: after a wildcard minor the patch is dropped"),
    ("<=2.x", "3.0.0", False, "CsC"),
    ("<=1.x", "1.1.0", True, "CsC"),
    # hyphen ranges
    ("1.1 - 2", "1.1.1", True, "CsC"),
    ("1.5.0 - 4.5", "3.7.0", True, "CsC"),
    ("1.2 - 1.4.5", "1.4.5", True, "hand: >= 1.2, <= 1.4.5"),
    ("1.2 - 1.4.5", "1.4.6", False, "hand: >= 1.2, <= 1.4.5"),
    ("1.2 - 1.4.5", "1.1.9", False, "hand: >= 1.2, <= 1.4.5"),
    ("1.1 - 3", "4.3.2", False, "CV"),
    ("1.1-3", "4.3.2", False, "CsC: without spaces -3 is a prerelease, not a range"),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", True, "CsC"),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", True, "CsC"),
    ("1 - 2 || 5", "5.3.0", True, "hand: the range, or 5.x"),
    ("1||2 - 3", "9.0.0", True, "hand: the range swallows 1||2, leaving >= 1 || 2, <= 3"),
    # AND by comma or whitespace, OR by ||
    (">1.1, <2", "1.2.1", True, "CsC"),
    (">1.1, <2", "1.1.1", False, "CsC"),
    (">1.1 <2", "1.2.1", True, "CsC"),
    (">1.1    <3", "4.3.2", False, "CsC"),
    (">= 1.1, <     2, !=1.2.3", "1.2.3", False, "CsC"),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", True, "CsC"),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", False, "CsC"),
    (">=1.1 <2 !=1.2.3 || >= 3", "3.0.0", True, "CsC"),
    ("2.9.x || 3.x", "3.1.0", True, "hand"),
    ("2.9.x || 3.x", "2.10.0", False, "hand"),
    ("12.3.34 ~1.2.3", "12.3.34", False, "hand: NC parses it as two ANDed comparators"),
    # prereleases: only an OR group naming a prerelease somewhere considers them (v3.4)
    (">=1.1", "4.1.0-beta", False, "CsC"),
    ("<=1.1-a", "0.1.0-alpha", True, "CsC"),
    ("~1.2.3-beta.2", "1.2.3-beta.4", True, "CC"),
    ("~1.2.3-beta.2", "1.2.4-beta.2", True, "CC"),
    ("~1.1.1-beta", "1.1.1-alpha", False, "CsC"),
    ("^1.2.0-alpha.2", "1.2.0-alpha.1", False, "CC"),
    ("^1.2.0", "1.2.1-alpha.1", False, "CC"),
    (">=0.0.0-0", "3.4.5-beta.1", True, "CC"),
    (">0-0", "0.0.1-alpha", False, "CC"),
    (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", True, "CsC: one prerelease comparator opens the group"),
    (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", False, "CsC: but not the other OR group"),
    (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", False, "CsC"),
    (">= 2.9.0-0", "2.9.0-33", True, "hand: -0 opts in to prereleases, 33 > 0"),
    (">=2.8", "2.9.1-40", False, "hand: a build counter after - is a prerelease"),
    (">=2.8-0", "2.9.1-40", True, "hand: -0 opts in to prereleases"),
    # v prefix and build metadata
    ("v1.2", "1.2.5", True, "hand: PC reads v1.2 as 1.2.0, a partial version"),
    (">=2.8", "v2.9.1", True, "hand"),
    ("v2.3.5-20161202202307-sha.e8fc5e5", "2.3.5-20161202202307-sha.e8fc5e5", True, "hand: NC parses it"),
    ("=1.2.3+build.5", "1.2.3+other.7", True, "hand: build metadata is ignored"),
    (">1.2.3", "1.2.3+meta", False, "hand: build metadata is ignored"),
    ("<=1.2.3", "1.2.3+meta", True, "hand: build metadata is ignored"),
    # leading zeros are coerced by NewVersion since v3.4
    (">=2.8", "02.09.1", True, "hand: CoerceNewVersion"),
    (">=02.8", "2.8.0", True, "hand: CoerceNewVersion, inside a constraint too"),
    # DPF: BFB DOCA versions against DPUServiceTemplate doca-version annotations
    (">=2.8", "2.9.1", True, "DPF"),
    (">=2.5", "2.9.1", True, "DPF"),
    (">=2.10", "2.9.1", False, "DPF"),
    (">= 2.9", "2.9.1", True, "DPF: the annotation in DPF's own system test"),
    (">=3.3", "3.3.0", True, "DPF: BlueFieldSoftware 3.3.0"),
    (">=99.0", "3.3.0", False, "DPF: BlueFieldSoftware 3.3.0"),
]


@pytest.mark.parametrize(
    ("constraint", "version", "expected", "source"),
    CHECKS,
    ids=[f"{c!r}@{v!r}" for c, v, _, _ in CHECKS],
)
def test_check(constraint: str, version: str, expected: bool, source: str) -> None:
    assert parse_constraint(constraint).check(parse_version(version)) is expected, source


def test_table_is_unique_and_large_enough() -> None:
    assert len(CHECKS) >= 60
    assert len({(c, v) for c, v, _, _ in CHECKS}) == len(CHECKS)


def test_dpf_without_a_constraint() -> None:
    # DPF checks only the annotations a template has; NewConstraint("") itself is an error, so an
    # absent or empty annotation must be skipped by the caller, never parsed.
    with pytest.raises(ConstraintError, match=r"^improper constraint: $"):
        parse_constraint("")
    assert parse_constraint("*").check(parse_version("2.9.1"))


def test_check_takes_any_semver_version() -> None:
    assert parse_constraint(">=2.8").check(semver.Version.parse("2.9.1"))
    assert parse_constraint(">=2.8").check(semver.Version(2, 9, 1, prerelease=""))


# text, (major, minor, patch, prerelease, build), source
VERSIONS: list[tuple[str, tuple[int, int, int, str | None, str | None], str]] = [
    ("1.2.3", (1, 2, 3, None, None), "NV"),
    ("v1.2.3", (1, 2, 3, None, None), "CS"),
    ("2", (2, 0, 0, None, None), "CS: partial version"),
    ("2.8", (2, 8, 0, None, None), "CS: partial version"),
    ("1.2-5", (1, 2, 0, "5", None), "CS"),
    ("v1.2-beta.5", (1, 2, 0, "beta.5", None), "CS"),
    ("1.2.0-x.Y.0+metadata-width-hypen", (1, 2, 0, "x.Y.0", "metadata-width-hypen"), "CS"),
    ("1.2.3-alpha.-1", (1, 2, 3, "alpha.-1", None), "NV"),
    ("1.2.3+test.01", (1, 2, 3, None, "test.01"), "NV: leading zeros are fine in build metadata"),
    ("20221209-update-renovatejson-v4", (20221209, 0, 0, "update-renovatejson-v4", None), "NV"),
    ("01.2.3", (1, 2, 3, None, None), "hand: CoerceNewVersion (v3.4) strips leading zeros"),
    ("18446744073709551615.0.0", (2**64 - 1, 0, 0, None, None), "hand: the uint64 maximum"),
    ("2.9.0-33", (2, 9, 0, "33", None), "hand: a BFB-style build counter"),
]


@pytest.mark.parametrize(("text", "parts", "source"), VERSIONS, ids=[t for t, _, _ in VERSIONS])
def test_parse_version(text: str, parts: tuple[int, int, int, str | None, str | None], source: str) -> None:
    assert parse_version(text).to_tuple() == parts, source


# text, source
BAD_VERSIONS: list[tuple[str, str]] = [
    ("blabla", "hand"),
    ("", "hand: ErrInvalidSemVer, the loose regex needs a digit"),
    ("1.2.3.4", "NV"),
    ("12.3.4.1234", "NV"),
    ("1.2.beta", "NV"),
    ("\n1.2", "NV"),
    ("1.2.3\n", "hand: Go's $ does not accept a trailing newline"),
    (" 1.2.3", "hand: no surrounding whitespace"),
    ("V1.2.3", "hand: only a lowercase v"),
    ("v", "hand"),
    ("1.2.3-", "hand: empty prerelease"),
    ("1.2.3+", "hand: empty build metadata"),
    ("1..2", "hand"),
    ("-1.2.3", "hand"),
    ("1.2.3-alpha.01", "NV: numeric prerelease identifier with a leading zero"),
    ("1.2.3-be$ta", "hand: invalid prerelease character"),
    ("18446744073709551616.0.0", "hand: above uint64"),
    ("1" * 5000, "hand: above uint64, and above Python's int() digit limit"),
    ("\uff11.2.3", "hand: a fullwidth digit is not [0-9]"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=f"{t[:20]!r} ({src})") for t, src in BAD_VERSIONS])
def test_parse_version_errors(text: str) -> None:
    with pytest.raises(ConstraintError):
        parse_version(text)


BAD_CONSTRAINTS: list[tuple[str, str]] = [
    ("not-a-version", "hand"),
    (">=", "hand: operator without a version"),
    (">>1", "hand"),
    ("1 ||", "hand: empty OR group"),
    ("|| 1", "hand: empty OR group"),
    ("", "hand: NewConstraint validates before parseConstraint's empty-string case"),
    ("   ", "hand"),
    ("foo", "PC"),
    (">= bar", "NC"),
    ("BAR >= 1.2.3", "NC"),
    ("12.3.4.1234", "NC"),
    ("12.3.34~ 1.2.3", "NC: comparators need a separator"),
    (">=1.2.3<2", "hand: comparators need a separator"),
    ("1.2.3,", "hand: trailing comma"),
    (",1.2.3", "hand: leading comma"),
    ("1.2.3,,2", "hand: double comma"),
    ("~ >1.2", "hand"),
    ("1.2.3 -beta", "hand"),
    ("1 - ", "hand: half a range"),
    (">=1.2 - 1.4", "hand: the range rewrite yields >=>= 1.2"),
    ("V1.2.3", "hand: only a lowercase v"),
    (">=1.2.3-01", "hand: parser error, numeric prerelease with a leading zero"),
    ("1x", "hand: parser error, not a number"),
    ("1|2", "hand: parser error, | passes Masterminds' regex but not NewVersion"),
    ("99999999999999999999", "hand: parser error, above uint64"),
    ("\uff11.2.3", "hand: a fullwidth digit is not [0-9]"),
    ("x" * 1025, "hand: longer than this module accepts"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=f"{t[:20]!r} ({src})") for t, src in BAD_CONSTRAINTS])
def test_parse_constraint_errors(text: str) -> None:
    with pytest.raises(ConstraintError):
        parse_constraint(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not-a-version", "improper constraint: not-a-version"),
        (">=1 || >>2", "improper constraint:  >>2"),
        (">=1.2 - 1.4", "improper constraint: >=>= 1.2, <= 1.4 "),
        (">=1.2.3-01", "constraint parser error: >=1.2.3-01"),
    ],
)
def test_constraint_error_messages(text: str, message: str) -> None:
    with pytest.raises(ConstraintError) as caught:
        parse_constraint(text)
    assert str(caught.value) == message


def test_version_error_messages() -> None:
    with pytest.raises(ConstraintError, match=r"^invalid semantic version: 'blabla'$"):
        parse_version("blabla")
    with pytest.raises(ConstraintError, match=r"^version segment starts with 0"):
        parse_version("1.2.3-01")
    with pytest.raises(ConstraintError, match=r"^error parsing version segment"):
        parse_version("18446744073709551616")


def test_errors_are_value_errors() -> None:
    assert issubclass(ConstraintError, ValueError)


def test_non_strings_raise_constraint_error() -> None:
    with pytest.raises(ConstraintError):
        parse_version(2.9)  # type: ignore[arg-type]
    with pytest.raises(ConstraintError):
        parse_constraint(None)  # type: ignore[arg-type]


_ALPHABET = "0123456789xX*.vV-+ ,|=!<>~^abz\t"


@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_any_text_parses_or_raises_constraint_error(text: str) -> None:
    try:
        constraint = parse_constraint(text)
    except ConstraintError:
        return
    constraint.check(parse_version("1.2.3"))
    constraint.check(parse_version("1.2.3-rc.1"))


@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_any_text_is_a_version_or_raises_constraint_error(text: str) -> None:
    with contextlib.suppress(ConstraintError):
        parse_version(text)


def test_constraint_is_immutable_and_keeps_its_text() -> None:
    constraint = parse_constraint(" >= 2.9 ")
    assert str(constraint) == " >= 2.9 "
    assert repr(constraint) == "Constraint(' >= 2.9 ')"
    assert not hasattr(constraint, "__dict__")
    with pytest.raises(AttributeError):
        constraint._text = "<1"
    with pytest.raises(AttributeError):
        del constraint._groups
    assert isinstance(constraint, Constraint)


def test_module_imports_only_re_and_semver_at_runtime() -> None:
    tree = ast.parse(inspect.getsource(constraints))
    imported: set[str] = set()
    for node in tree.body:  # top level only: the TYPE_CHECKING block is never executed
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert imported == {"__future__", "re", "semver"}
