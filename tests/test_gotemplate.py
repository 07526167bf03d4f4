"""The Go text/template subset dpf-render accepts (docs/checks.md): what renders, what is refused, and that refusal names the cause."""

from __future__ import annotations

import random

import pytest

from kustomize_plugin import gotemplate
from kustomize_plugin.gotemplate import TemplateError, has_actions, parse_delimiters, render

from .imports import modules_imported_by

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DATA: dict[str, Any] = {
    "Services": {
        "producer": {"Name": "producer-abcde", "Namespace": "dpf-operator-system"},
        "firefly-dpu": {"Name": "firefly-dpu-xyz12", "Namespace": "ns-2"},
        "svc_1": {"Name": "svc-1-n", "Namespace": "ns-3"},
    }
}
HBN = ("##", "##")

# (template, expected); every expectation worked out by hand from Go's text/template rules.
SUPPORTED = [
    ("{{ .Services.producer.Name }}", "producer-abcde", "field-chain"),
    ("{{.Services.producer.Namespace}}", "dpf-operator-system", "field-chain-no-spaces"),
    ("{{ .Services.svc_1.Name }}", "svc-1-n", "field-with-underscore-and-digit"),
    (
        "host: {{ .Services.producer.Name }}.{{ .Services.producer.Namespace }}.svc",
        "host: producer-abcde.dpf-operator-system.svc",
        "two-actions-in-text",
    ),
    ('{{ index .Services "firefly-dpu" "Name" }}', "firefly-dpu-xyz12", "index-several-keys"),
    ('{{ (index .Services "firefly-dpu").Name }}', "firefly-dpu-xyz12", "index-in-parens-then-field"),
    ('{{ index . "Services" "producer" "Namespace" }}', "dpf-operator-system", "index-on-dot"),
    ('{{ (index .Services "firefly-dpu" ).Namespace }}', "ns-2", "index-space-before-paren"),
    ("{{ (index .Services).producer.Name }}", "producer-abcde", "index-without-keys-is-the-item"),
    ('{{ index (index .Services "producer") "Name" }}', "producer-abcde", "index-of-index"),
    ("{{ (.Services.producer).Name }}", "producer-abcde", "parens-then-field"),
    ("{{ ((.Services)).producer.Name }}", "producer-abcde", "nested-parens"),
    ("{{ (.).Services.producer.Name }}", "producer-abcde", "dot-in-parens"),
    ('{{ "plain" }}', "plain", "string-literal"),
    ('{{ ("in parens") }}', "in parens", "string-literal-in-parens"),
    ("{{ `raw \\n` }}", "raw \\n", "raw-string-keeps-backslashes"),
    ('{{ "{{" }}', "{{", "escape-open-delimiter"),
    ('{{ "}}" }}', "}}", "string-holding-close-delimiter"),
    ("{{ `}}` }}", "}}", "raw-string-holding-close-delimiter"),
    ('{{ "tab\\tquote\\"backslash\\\\" }}', 'tab\tquote"backslash\\', "go-simple-escapes"),
    ('{{ "\\u00e9\\U0001F600" }}', "\u00e9\U0001f600", "go-unicode-escapes"),
    ('{{ "\\x41\\101\\xc3\\xa9" }}', "AA\u00e9", "go-byte-escapes-form-utf8"),
    ("{{ `a\r\nb` }}", "a\nb", "raw-string-drops-carriage-returns"),
    ("a{{/* a comment */}}b", "ab", "comment"),
    ("a{{/* }} {{ */}}b", "ab", "comment-holding-delimiters"),
    ("a \n {{- /* c */ -}} \n b", "ab", "comment-with-trim-markers"),
    ("a \t\n {{- .Services.producer.Name }} b", "aproducer-abcde b", "trim-left"),
    ("a {{ .Services.producer.Name -}} \n\t b", "a producer-abcdeb", "trim-right"),
    ("a  {{- .Services.producer.Name -}}  b", "aproducer-abcdeb", "trim-both"),
    ("a {{-\t.Services.producer.Name\n-}} b", "aproducer-abcdeb", "trim-markers-with-tab-and-newline"),
    ("a  {{ .Services.producer.Name }}  b", "a  producer-abcde  b", "no-marker-keeps-spaces"),
    (
        "{{ .Services.producer.Name -}}  \n  {{- .Services.producer.Namespace }}",
        "producer-abcdedpf-operator-system",
        "trims-meet-between-actions",
    ),
    ("{{\n  .Services.producer.Name\n}}", "producer-abcde", "action-spanning-lines"),
    (
        "{% for x in y %}{{ .Services.producer.Name }}{% endfor %}",
        "{% for x in y %}producer-abcde{% endfor %}",
        "jinja",
    ),
    ("{# note #} }} {% if a %}", "{# note #} }} {% if a %}", "jinja-and-lone-close-pass-through"),
    ("no actions at all: }} {", "no actions at all: }} {", "plain-text"),
    ("", "", "empty-string"),
    (
        "{{ .Services.producer.Name }}{{ .Services.producer.Name }}",
        "producer-abcdeproducer-abcde",
        "adjacent-actions",
    ),
]


@pytest.mark.parametrize(("template", "expected"), [c[:2] for c in SUPPORTED], ids=[c[2] for c in SUPPORTED])
def test_supported_constructs(template: str, expected: str) -> None:
    assert render(template, DATA) == expected


# Text that is an injection attempt on a YAML or Python level still renders as inert text.
INJECTION_DATA: dict[str, Any] = {
    "Services": {"a": {"Name": 'x"\n- evil: true', "Namespace": "{{ .Services.a.Name }}"}},
}
INERT = [
    ("{{ .Services.a.Name }}", 'x"\n- evil: true', "yaml-structure-in-value"),
    ("{{ .Services.a.Namespace }}", "{{ .Services.a.Name }}", "template-in-value-not-rerendered"),
]


@pytest.mark.parametrize(("template", "expected"), [c[:2] for c in INERT], ids=[c[2] for c in INERT])
def test_values_are_inert_text(template: str, expected: str) -> None:
    assert render(template, INJECTION_DATA) == expected


# DPF's own cases (internal/dpuservice/templates/template_test.go), on the data it uses.
DPF_RENDERED = [
    ("{{.param1}}", {"param1": "value1", "param2": "value2"}, "value1", "basic-test"),
    ("{{.param2}}", {"param1": 123, "param2": 456}, "456", "with-numbers"),
    ("{{.param1}}", {"param1": "123"}, "123", "numeric-string-stays-string"),
    ("{{.flag}}", {"flag": True}, "true", "bool-prints-like-go"),
    ("{{.param1}}", {"param1": ""}, "", "empty-value"),
]


@pytest.mark.parametrize(
    ("template", "data", "expected"), [c[:3] for c in DPF_RENDERED], ids=[c[3] for c in DPF_RENDERED]
)
def test_dpf_cases(template: str, data: dict[str, Any], expected: str) -> None:
    assert render(template, data) == expected


DELIMITERS = [
    (None, ("{{", "}}"), "none"),
    ("", ("{{", "}}"), "empty-annotation"),
    ("##,##", ("##", "##"), "hbn-hashes"),
    (" ## , ## ", ("##", "##"), "parts-trimmed"),
    ("[[,]]", ("[[", "]]"), "brackets"),
    ("a,b,c", ("{{", "}}"), "three-parts-default"),
    ("##", ("{{", "}}"), "one-part-default"),
    (",", ("{{", "}}"), "both-parts-empty-default"),
    (",##", ("{{", "##"), "empty-open-side-default"),
    ("<<, ", ("<<", "}}"), "blank-close-side-default"),
    ("\u00a0<%\t,\n%>\u3000", ("<%", "%>"), "go-trimspace-unicode"),
]


@pytest.mark.parametrize(
    ("annotation", "expected"), [c[:2] for c in DELIMITERS], ids=[c[2] for c in DELIMITERS]
)
def test_parse_delimiters(annotation: str | None, expected: tuple[str, str]) -> None:
    assert parse_delimiters(annotation) == expected


HBN_VALUES = """- set:
    interface:
      pf2dpu2_if:
        ip:
          address:
            {{ ipaddresses.ip_pf2dpu2.cidr }}: {}
        type: swp
    router:
      bgp:
        autonomous-system: {{ config.bgp_autonomous_system }}
        enable: ## .enabled_bgp ##
"""
CUSTOM = [
    ("[[ .x ]] {{ .y }}", ("[[", "]]"), "X {{ .y }}", "brackets-leave-braces"),
    (HBN_VALUES, HBN, HBN_VALUES.replace("## .enabled_bgp ##", "X"), "dpf-hbn-test-data"),
    ("ip: {{ ipaddresses[0] }} bgp: ##.x##", HBN, "ip: {{ ipaddresses[0] }} bgp: X", "hbn-jinja-kept"),
    ("a ##- .x -## b", HBN, "aXb", "hash-trim-markers"),
    ("a##/* c */##b", HBN, "ab", "hash-comment"),
    ('##"##"## .x', HBN, "## .x", "hash-escape"),
    ('<< "<<" >><< .x >>', ("<<", ">>"), "<<X", "angle-escape"),
    ("{{ .x }}", ("", ""), "X", "empty-delimiters-default"),
]


@pytest.mark.parametrize(
    ("template", "delimiters", "expected"), [c[:3] for c in CUSTOM], ids=[c[3] for c in CUSTOM]
)
def test_custom_delimiters(template: str, delimiters: tuple[str, str], expected: str) -> None:
    assert render(template, {"x": "X", "enabled_bgp": "X"}, delimiters=delimiters) == expected


HAS_ACTIONS = [
    ("plain", ("{{", "}}"), False, "no-delimiter"),
    ("a {{ b", ("{{", "}}"), True, "open-only-is-enough"),
    ("a }} b", ("{{", "}}"), False, "close-only"),
    ("{{ jinja }}", HBN, False, "braces-under-hash-delimiters"),
    ("## x ##", HBN, True, "hashes"),
    ("{{", ("", ""), True, "empty-means-default"),
]


@pytest.mark.parametrize(
    ("text", "delimiters", "expected"), [c[:3] for c in HAS_ACTIONS], ids=[c[3] for c in HAS_ACTIONS]
)
def test_has_actions(text: str, delimiters: tuple[str, str], expected: bool) -> None:
    assert has_actions(text, delimiters) is expected


# (template, the exact column or position phrase, the named construct); the message must name both.
UNSUPPORTED = [
    ('{{ printf "%s" .Services }}', "column 4", "printf"),
    ('{{ env "HOME" }}', "column 4", "env"),
    ("{{ len .Services }}", "column 4", "len"),
    ("{{ .Services | len }}", "column 14", "|"),
    ("{{ $x := 1 }}", "column 4", "$x"),
    ("{{ $ }}", "column 4", "$"),
    ("{{ .Services.a := 1 }}", "column 16", ":="),
    ("{{ .Services.a = 1 }}", "column 16", "="),
    ("{{ if .Services }}x{{ end }}", "column 4", "if"),
    ("{{ range .Services }}", "column 4", "range"),
    ("{{ with .Services }}", "column 4", "with"),
    ('{{ define "x" }}', "column 4", "define"),
    ('{{ template "x" }}', "column 4", "template"),
    ('{{ block "x" . }}', "column 4", "block"),
    ("{{ end }}", "column 4", "end"),
    ("{{ else }}", "column 4", "else"),
    ("{{ break }}", "column 4", "break"),
    ("{{ nil }}", "column 4", "nil"),
    ("{{ true }}", "column 4", "true"),
    ("{{ false }}", "column 4", "false"),
    ("{{ 42 }}", "column 4", "42"),
    ("{{ 1.5e3 }}", "column 4", "1.5e3"),
    ("{{-3}}", "column 3", "-3"),
    ("{{ .5 }}", "column 4", ".5"),
    ("{{ .Services.0 }}", "column 13", ".0"),
    ("{{ 'a' }}", "column 4", "'a'"),
    ('{{ eq .a "b" }}', "column 4", "eq"),
    ("{{ call .f }}", "column 4", "call"),
    ('{{ (printf "x") }}', "column 5", "printf"),
    ('{{ index .Services (env "X") }}', "column 21", "env"),
    ('x\n  {{ env "HOME" }}', "line 2, column 6", "env"),
]


@pytest.mark.parametrize(
    ("template", "where", "construct"), UNSUPPORTED, ids=[f"{c[2]}-{c[1]}" for c in UNSUPPORTED]
)
def test_unsupported_construct_is_named(template: str, where: str, construct: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, DATA)
    message = str(caught.value)
    assert f'unsupported construct "{construct}" in action at {where};' in message
    assert message.endswith("only field chains, index and string literals are supported")


# (template, fragments the message must contain)
ERRORS = [
    ("{{ .Services.producer.Name", ["unclosed action", "column 1"], "unclosed-action"),
    ("a {{ .Services.producer.Name }", ['unexpected character "}"', "column 30"], "half-close"),
    ("{{ .Services.producer.Name\n", ["unclosed action", "line 1, column 1"], "unclosed-multiline"),
    ('{{ "abc }}', ["unterminated quoted string", "column 4"], "unterminated-string"),
    ('{{ "a\nb" }}', ["unterminated quoted string", "line 1, column 4"], "newline-in-string"),
    ('{{ "abc\\', ["unterminated quoted string", "column 4"], "backslash-at-end"),
    ("{{ `abc }}", ["unterminated raw quoted string", "column 4"], "unterminated-raw-string"),
    ("{{ (.Services.producer.Name }}", ["unclosed left parenthesis", "column 4"], "unclosed-paren"),
    ("{{ ((.Services).producer.Name }}", ["unclosed left parenthesis", "column 4"], "unclosed-outer-paren"),
    ("{{ .Services.producer.Name) }}", ["unexpected right parenthesis", "column 27"], "extra-close-paren"),
    ("{{ () }}", ["missing value for parenthesized expression", "column 4"], "empty-parens"),
    ("{{ }}", ["missing value for action", "column 1"], "empty-action"),
    ("{{- -}}", ["unsupported construct", '"-"'], "empty-trimmed-action"),
    ("{{/* open", ["unclosed comment", "column 1"], "unclosed-comment"),
    ("{{/* c */ }}", ["comment ends before closing delimiter", "column 10"], "space-after-comment"),
    ("{{ /* c */ }}", ['unexpected character "/"', "column 4", "{{/* ... */}}"], "comment-after-space"),
    ("{{{{.param2}}}}", ['unexpected character "{"', "column 3"], "dpf-bad-delimiters"),
    ("{{ .Services.firefly-dpu.Name }}", ['bad character "-"', "column 21", "index .Services"], "hyphen-key"),
    ('{{ "a".b }}', ['unexpected .b after "a"', "column 7"], "field-on-string-literal"),
    ("{{ ..Services }}", ["unexpected .Services after .", "column 5"], "field-on-dot"),
    ('{{ "a""b" }}', ['missing space between "a" and "b"', "column 7"], "operands-not-separated"),
    ('{{ .Services.producer.Name "x" }}', ["is not a function but has arguments", "column 28"], "field-args"),
    ('{{ "a" "b" }}', ['"a" is not a function but has arguments ("b")', "column 8"], "literal-args"),
    ("{{ index }}", ["wrong number of args for index: want at least 1 got 0", "column 4"], "index-no-args"),
    (
        "{{ index .Services .x }}",
        ["index keys must be string literals, not .x", "column 20"],
        "index-field-key",
    ),
    ('{{ index .Services "p" index }}', ["index may only start an expression", "column 24"], "index-late"),
    ("{{ index.Services }}", ["unexpected .Services after index", "column 9"], "index-with-selector"),
    ('{{ "\\q" }}', ["invalid escape \\q", "column 5"], "bad-escape"),
    ('{{ "\\ud800" }}', ["invalid Unicode code point \\ud800", "column 5"], "surrogate-escape"),
    ('{{ "\\x4" }}', ["invalid escape \\x", "column 5"], "short-hex-escape"),
    ('{{ "\\400" }}', ["invalid octal escape \\400", "column 5"], "octal-too-large"),
    ('{{ "\\xff" }}', ["string literal is not valid UTF-8", "column 4"], "invalid-utf8"),
    ("{{ .a\x00 }}", ['bad character "\\x00" after field .a', "column 6"], "control-character"),
    ("{{ @ }}", ['unexpected character "@" in action', "column 4"], "stray-character"),
    ("{{ a: }}", ['unsupported construct "a"'], "identifier-then-colon"),
    (
        "(" * 3 + "{{ " + "(" * 60 + ".x" + ")" * 60 + " }}",
        ["nested deeper than 50", "column 57"],
        "deep-parens",
    ),
]


@pytest.mark.parametrize(("template", "fragments"), [c[:2] for c in ERRORS], ids=[c[2] for c in ERRORS])
def test_syntax_errors(template: str, fragments: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, DATA)
    for fragment in fragments:
        assert fragment in str(caught.value)


EXEC_DATA: dict[str, Any] = {
    "Services": DATA["Services"],
    "nothing": None,
    "ratio": 1.5,
    "items": ["a"],
    "huge": 10**5000,
}
EXEC_ERRORS = [
    (
        "{{ .Services.nope.Name }}",
        ['executing .Services.nope.Name at column 4: map has no entry for key "nope"'],
    ),
    ("{{ .param2 }}", ['map has no entry for key "param2"']),
    ('{{ index .Services "nope" }}', ['error calling index: map has no entry for key "nope"']),
    ('{{ (index .Services "nope").Name }}', ['error calling index: map has no entry for key "nope"']),
    ("{{ .Services.producer.Name.first }}", ["can't evaluate field first in type string"]),
    ('{{ index .Services.producer.Name "x" }}', ["error calling index: can't index item of type string"]),
    ("{{ .nothing.x }}", ["can't evaluate field x in type nil"]),
    ("{{ .Services }}", ["executing .Services at column 4", "map, not a string"]),
    ("{{ . }}", ["executing . at column 4", "map, not a string"]),
    ('{{ index .Services "producer" }}', ['executing index .Services "producer" at column 4', "map"]),
    ("{{ .nothing }}", ["cannot print a value of type nil"]),
    ("{{ .ratio }}", ["cannot print a value of type float64"]),
    ("{{ .items }}", ["cannot print a value of type slice"]),
    ("{{ .huge }}", ["integer too large to print"]),
    ("{{ .__class__ }}", ['map has no entry for key "__class__"']),
    ("{{ ._private }}", ['map has no entry for key "_private"']),
    ("{{ .__init__.__globals__ }}", ['map has no entry for key "__init__"']),
    ("{{ .Services.producer.Name.__class__ }}", ["can't evaluate field __class__ in type string"]),
    ('{{ index . "__builtins__" }}', ['map has no entry for key "__builtins__"']),
    ("ok\n{{ .Services.nope }}", ['line 2, column 4: map has no entry for key "nope"']),
    # Go parses the whole string before executing any of it, so the parse error wins.
    ("{{ .nope }} {{ printf }}", ['unsupported construct "printf"']),
]


@pytest.mark.parametrize(
    ("template", "fragments"),
    EXEC_ERRORS,
    ids=[
        "missing-key",
        "dpf-with-missing-params",
        "index-missing-key",
        "index-missing-then-field",
        "field-on-string",
        "index-on-string",
        "field-on-null",
        "print-map",
        "print-dot",
        "print-index-map",
        "print-null",
        "print-float",
        "print-list",
        "print-huge-int",
        "dunder-class",
        "private-name",
        "dunder-globals",
        "dunder-on-string",
        "index-builtins",
        "line-and-column",
        "parse-before-execute",
    ],
)
def test_execution_errors(template: str, fragments: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        render(template, EXEC_DATA)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_template_error_is_a_value_error() -> None:
    assert issubclass(TemplateError, ValueError)


class _Trap:
    """Fails the test if anything reads an attribute of it, as getattr-based evaluation would."""

    def __getattribute__(self, name: str) -> Any:
        raise AssertionError(f"attribute {name} read from template data")


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ .trap.Name }}", "can't evaluate field Name in type unsupported type"),
        ("{{ .trap }}", "cannot print a value of type unsupported type"),
        ('{{ index .trap "Name" }}', "can't index item of type unsupported type"),
    ],
    ids=["field", "print", "index"],
)
def test_data_is_never_asked_for_attributes(template: str, fragment: str) -> None:
    with pytest.raises(TemplateError, match=fragment):
        render(template, {"trap": _Trap()})


def test_parse_errors_repeat_and_results_stay_stable() -> None:
    for _ in range(2):
        with pytest.raises(TemplateError, match="unsupported construct"):
            render("{{ printf }}", DATA)
        assert render("{{ .Services.producer.Name }}", DATA) == "producer-abcde"
    assert render("{{ .Services.producer.Name }}", {"Services": {"producer": {"Name": "other"}}}) == "other"


def test_only_template_errors_escape_on_random_input() -> None:
    # Fragments that steer random strings into every lexer and parser branch.
    pieces = [
        "{{", "}}", "{{- ", " -}}", "##", "(", ")", ".", ".Services", ".producer", ".Name", "index", '"',
        "`", "\\", "\\x", "\\u12", "\\U0010ffff", "/*", "*/", "$", "|", ":=", "-", "3", " ", "\n", "\t",
        "'", "é", "\ud800", "printf", '"Services"', "{", "}", "#",
    ]  # fmt: skip
    rng = random.Random(20240611)
    outcomes = {"rendered": 0, "refused": 0}
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        delimiters = HBN if rng.random() < 0.2 else ("{{", "}}")
        try:
            result = render(text, DATA, delimiters=delimiters)
        except TemplateError:
            outcomes["refused"] += 1
        else:
            assert isinstance(result, str)
            outcomes["rendered"] += 1
    assert outcomes["rendered"] > 100
    assert outcomes["refused"] > 100


def test_import_stays_light() -> None:
    loaded = modules_imported_by("import kustomize_plugin.gotemplate")
    assert "typing" not in loaded
    assert "dataclasses" not in loaded
    assert gotemplate.__name__ in loaded
