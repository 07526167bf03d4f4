"""Render one string of a DPUServiceConfiguration's helm values as the small, safe subset of Go text/template
that dpf-render accepts (docs/checks.md; DPF renders with `internal/dpuservice/templates/templates.go`): field chains, ``index`` with string-literal keys, parentheses, string literals,
comments and ``{{-``/``-}}`` trim markers, with Go's lexing rules (custom delimiters, missingkey=error);
every other construct is a TemplateError that names it, and evaluation only ever looks up str keys in dicts.
"""

from __future__ import annotations

import functools

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_DELIMITERS = ("{{", "}}")

# Go's spaceChars: the only characters trim markers remove and the only separators inside an action.
_SPACE = " \t\r\n"
# Go's unicode.IsSpace, which strings.TrimSpace uses on the annotation; str.strip() would also strip \x1c-\x1f.
_GO_TRIM_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# After a field name Go requires one of these (or the closing delimiter), so `.a-b` is an error, not `.a` then text.
_FIELD_TERMINATORS = _SPACE + ".,|:)("
_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_OCTAL = "01234567"
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_SUPPORTED = "only field chains, index and string literals are supported"
# Go has no limit; ours keeps the recursive parser and evaluator far from Python's recursion limit.
_MAX_PAREN_DEPTH = 50


class TemplateError(ValueError):
    """A template that does not parse or execute; the message is for the user and says where."""


class GoStruct:
    """A Go struct value in the data: its fields by name, and its type as Go's errors name it.

    DPF's data is `map[string]map[string]TemplateDPUServiceConfigurationValuesParams`, a struct with Name and
    Namespace (internal/dpuservice/controllers/dpudeployment_controller_dpuservice.go): a field chain reaches
    its fields, but `index` cannot index a struct, and a missing field is a different error than a missing
    map key. Modelling it keeps those errors Go's.
    """

    __slots__ = ("fields", "type_name")

    def __init__(self, type_name: str, fields: Mapping[str, str]) -> None:
        self.type_name = type_name
        self.fields = dict(fields)


def parse_delimiters(annotation: str | None) -> tuple[str, str]:
    """The delimiters DPF uses for ``svc.dpu.nvidia.com/template-delimiter``: "<open>,<close>" or the defaults."""
    if annotation is None:
        return DEFAULT_DELIMITERS
    parts = annotation.split(",")
    if len(parts) != 2:
        # DPF silently falls back rather than rejecting a malformed annotation.
        return DEFAULT_DELIMITERS
    return _resolve((parts[0].strip(_GO_TRIM_SPACE), parts[1].strip(_GO_TRIM_SPACE)))


def has_actions(text: str, delimiters: tuple[str, str]) -> bool:
    """Whether ``text`` contains an opening delimiter; without one, rendering returns ``text`` unchanged."""
    return (delimiters[0] or DEFAULT_DELIMITERS[0]) in text


def render(text: str, data: Mapping[str, Any], *, delimiters: tuple[str, str] = DEFAULT_DELIMITERS) -> str:
    """Execute ``text`` against ``data`` (dicts with str keys; strings, ints and bools are printable)."""
    open_, close = _resolve(delimiters)
    if open_ not in text:
        return text
    items = _parse(text, open_, close)
    root = dict(data)
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        else:
            out.append(_print(_eval(item, root, text), item, text))
    return "".join(out)


def _resolve(delimiters: tuple[str, str]) -> tuple[str, str]:
    # Go's lexer treats an empty delimiter as that side's default.
    return delimiters[0] or DEFAULT_DELIMITERS[0], delimiters[1] or DEFAULT_DELIMITERS[1]


class _Expr:
    """One parsed operand.

    kind is "dot", "str" (value), "field" (base, or None for dot, then names), "paren" (base),
    "index" (base is the item, names the keys) or "ident" (the word ``index`` before its arguments).
    """

    __slots__ = ("base", "kind", "names", "pos", "src", "value")

    def __init__(
        self,
        kind: str,
        pos: int,
        src: str,
        *,
        value: str = "",
        base: _Expr | None = None,
        names: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.pos = pos
        self.src = src
        self.value = value
        self.base = base
        self.names = names


def _where(text: str, pos: int) -> str:
    column = pos - text.rfind("\n", 0, pos)
    if "\n" not in text:
        return f"column {column}"
    return f"line {text.count(chr(10), 0, pos) + 1}, column {column}"


def _quote(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch < " " or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_alnum(ch: str) -> bool:
    # Go's isAlphaNumeric: '_', unicode.IsLetter, unicode.IsDigit (Nd only, hence isdecimal, not isdigit).
    return ch == "_" or ch.isalpha() or ch.isdecimal()


@functools.lru_cache(maxsize=512)
def _parse(text: str, open_: str, close: str) -> tuple[str | _Expr, ...]:
    """Split ``text`` into literal text and actions, applying trim markers as Go's lexer does."""
    items: list[str | _Expr] = []
    n = len(text)
    pos = 0
    while True:
        start = text.find(open_, pos)
        if start < 0:
            break
        after = start + len(open_)
        # Go needs whitespace after the marker so that "{{-3}}" stays the number -3.
        left_trim = text.startswith("-", after) and after + 1 < n and text[after + 1] in _SPACE
        literal = text[pos:start]
        if left_trim:
            literal = literal.rstrip(_SPACE)
            after += 2
        if literal:
            items.append(literal)
        parser = _Parser(text, open_, close, after)
        if text.startswith("/*", after):
            end = text.find("*/", after + 2)
            if end < 0:
                raise TemplateError(f"unclosed comment starting at {_where(text, start)}")
            close_len = parser.close_len(end + 2)
            if not close_len:
                raise TemplateError(
                    f"comment ends before closing delimiter at {_where(text, end + 2)}; "
                    f"write {open_}/* ... */{close} with nothing between */ and {close}"
                )
            pos = end + 2 + close_len
            right_trim = close_len > len(close)
        else:
            items.append(parser.action(start))
            pos = parser.pos
            right_trim = parser.right_trim
        if right_trim:
            while pos < n and text[pos] in _SPACE:
                pos += 1
    if pos < n:
        items.append(text[pos:])
    return tuple(items)


class _Parser:
    """Recursive descent over one action, reading the source directly (no separate token stream)."""

    __slots__ = ("close", "depth", "open", "pos", "right_trim", "text")

    def __init__(self, text: str, open_: str, close: str, pos: int) -> None:
        self.text = text
        self.open = open_
        self.close = close
        self.pos = pos
        self.depth = 0
        self.right_trim = False

    def fail(self, message: str, pos: int, hint: str = "") -> TemplateError:
        return TemplateError(f"{message} at {_where(self.text, pos)}" + (f"; {hint}" if hint else ""))

    def unsupported(self, construct: str, pos: int) -> TemplateError:
        return TemplateError(
            f"unsupported construct {_quote(construct)} in action at {_where(self.text, pos)}; {_SUPPORTED}"
        )

    def close_len(self, p: int) -> int:
        """Length of the closing delimiter at ``p`` (with its " -" trim marker if any), else 0."""
        text, close = self.text, self.close
        if text.startswith(close, p):
            return len(close)
        if p + 1 < len(text) and text[p] in _SPACE and text[p + 1] == "-" and text.startswith(close, p + 2):
            return len(close) + 2
        return 0

    def skip_space(self) -> bool:
        text, p = self.text, self.pos
        # Stop before whitespace that belongs to a " -}}" trim marker.
        while p < len(text) and text[p] in _SPACE and not self.close_len(p):
            p += 1
        moved = p != self.pos
        self.pos = p
        return moved

    def action(self, start: int) -> _Expr:
        expr = self.command(start, paren=False)
        close_len = self.close_len(self.pos)
        self.right_trim = close_len > len(self.close)
        self.pos += close_len
        return expr

    def command(self, opener: int, *, paren: bool) -> _Expr:
        """Operands separated by whitespace, up to the closing delimiter or, inside parentheses, ')'."""
        text = self.text
        operands: list[_Expr] = []
        while True:
            spaced = self.skip_space()
            p = self.pos
            if p >= len(text):
                if paren:
                    raise self.fail("unclosed left parenthesis", opener)
                raise self.fail(f"unclosed action: {_quote(self.close)} missing for the action", opener)
            if self.close_len(p):
                if paren:
                    raise self.fail("unclosed left parenthesis", opener)
                break
            if text[p] == ")":
                if not paren:
                    raise self.fail("unexpected right parenthesis", p)
                break
            operand = self.operand()
            if operands and not spaced:
                raise self.fail(f"missing space between {operands[-1].src} and {operand.src}", p)
            operands.append(operand)
        if not operands:
            if paren:
                raise self.fail("missing value for parenthesized expression", opener)
            raise self.fail("missing value for action", opener)
        return self.call(operands)

    def call(self, operands: list[_Expr]) -> _Expr:
        head = operands[0]
        for operand in operands[1:]:
            if operand.kind == "ident":
                raise self.fail("index may only start an expression", operand.pos)
        if head.kind != "ident":
            if len(operands) > 1:
                raise self.fail(
                    f"{head.src} is not a function but has arguments ({operands[1].src})", operands[1].pos
                )
            return head
        if len(operands) < 2:
            raise self.fail("wrong number of args for index: want at least 1 got 0", head.pos)
        keys: list[str] = []
        for key in operands[2:]:
            if key.kind != "str":
                raise self.fail(f"index keys must be string literals, not {key.src}", key.pos)
            keys.append(key.value)
        src = self.text[head.pos : operands[-1].pos + len(operands[-1].src)]
        return _Expr("index", head.pos, src, base=operands[1], names=tuple(keys))

    def operand(self) -> _Expr:
        """A term followed by any number of adjacent .Field selectors."""
        text = self.text
        start = self.pos
        term = self.term()
        names: list[str] = []
        while self.pos < len(text) and text[self.pos] == ".":
            dot = self.pos
            name = self.field_name()
            if term.kind not in ("field", "paren"):
                raise self.fail(f"unexpected {text[dot : self.pos]} after {term.src}", dot)
            if not name:
                raise self.fail("unexpected . without a field name", dot)
            names.append(name)
        if not names:
            return term
        src = text[start : self.pos]
        if term.kind == "field":
            return _Expr("field", start, src, base=term.base, names=term.names + tuple(names))
        return _Expr("field", start, src, base=term, names=tuple(names))

    def field_name(self) -> str:
        """Read ".name" at pos; the name may be empty (the lone dot)."""
        text = self.text
        dot = self.pos
        p = dot + 1
        if p < len(text) and text[p] in _DIGITS:
            # Go lexes ".5" as a number, so a key starting with a digit can only be reached through index.
            raise self.unsupported(self.number_text(dot), dot)
        while p < len(text) and _is_alnum(text[p]):
            p += 1
        self.pos = p
        if p < len(text) and text[p] not in _FIELD_TERMINATORS and not text.startswith(self.close, p):
            raise self.fail(
                f"bad character {_quote(text[p])} after field {text[dot:p]}",
                p,
                'keys that are not identifiers need index, e.g. index .Services "my-service"',
            )
        return text[dot + 1 : p]

    def number_text(self, p: int) -> str:
        text = self.text
        end = p + 1
        while end < len(text) and (_is_alnum(text[end]) or text[end] in ".+-"):
            end += 1
        return text[p:end]

    def term(self) -> _Expr:
        text = self.text
        p = self.pos
        ch = text[p]
        if ch == ".":
            name = self.field_name()
            if not name:
                return _Expr("dot", p, ".")
            return _Expr("field", p, text[p : self.pos], names=(name,))
        if ch == '"':
            return self.quoted()
        if ch == "`":
            end = text.find("`", p + 1)
            if end < 0:
                raise self.fail("unterminated raw quoted string", p)
            self.pos = end + 1
            # Go's strconv.Unquote drops carriage returns from raw strings.
            return _Expr("str", p, text[p : end + 1], value=text[p + 1 : end].replace("\r", ""))
        if ch == "(":
            if self.depth >= _MAX_PAREN_DEPTH:
                raise self.fail(f"parentheses nested deeper than {_MAX_PAREN_DEPTH}", p)
            self.depth += 1
            self.pos += 1
            inner = self.command(p, paren=True)
            self.pos += 1
            self.depth -= 1
            return _Expr("paren", p, text[p : self.pos], base=inner)
        if ch == "_" or ch.isalpha():
            end = p
            while end < len(text) and _is_alnum(text[end]):
                end += 1
            word = text[p:end]
            if word != "index":
                # Keywords (if, range, with, define, template, block, end, else, break, continue), true,
                # false, nil and every function name except index land here.
                raise self.unsupported(word, p)
            self.pos = end
            return _Expr("ident", p, word)
        if ch == "$":
            end = p + 1
            while end < len(text) and _is_alnum(text[end]):
                end += 1
            raise self.unsupported(text[p:end], p)
        if ch in "+-" or ch in _DIGITS:
            raise self.unsupported(self.number_text(p), p)
        if ch == "|":
            raise self.unsupported("|", p)
        if ch == ":" and text.startswith(":=", p):
            raise self.unsupported(":=", p)
        if ch == "=":
            raise self.unsupported("=", p)
        if ch == "'":
            end = p + 1
            while end < len(text) and text[end] not in "'\n":
                end += 2 if text[end] == "\\" else 1
            raise self.unsupported(text[p : end + 1], p)
        if ch == "/":
            raise self.fail(
                'unexpected character "/" in action',
                p,
                f"a comment must follow the opening delimiter directly, as in {self.open}/* ... */{self.close}",
            )
        raise self.fail(f"unexpected character {_quote(ch)} in action", p)

    def quoted(self) -> _Expr:
        """A double-quoted string with Go's escapes (strconv.Unquote)."""
        text = self.text
        start = self.pos
        p = start + 1
        has_escape = False
        while True:
            if p >= len(text) or text[p] == "\n":
                raise self.fail("unterminated quoted string", start)
            ch = text[p]
            if ch == '"':
                break
            if ch == "\\":
                has_escape = True
                if p + 1 >= len(text) or text[p + 1] == "\n":
                    raise self.fail("unterminated quoted string", start)
                p += 2
            else:
                p += 1
        self.pos = p + 1
        body = text[start + 1 : p]
        value = self.unescape(body, start + 1) if has_escape else body
        return _Expr("str", start, text[start : p + 1], value=value)

    def unescape(self, body: str, offset: int) -> str:
        # \x and octal escapes are bytes in Go, so build UTF-8 and decode it once at the end.
        out = bytearray()
        i = 0
        n = len(body)
        while i < n:
            ch = body[i]
            if ch != "\\":
                j = body.find("\\", i)
                j = n if j < 0 else j
                out += body[i:j].encode("utf-8", "surrogatepass")
                i = j
                continue
            esc = body[i + 1]
            if esc in _SIMPLE_ESCAPES:
                out += _SIMPLE_ESCAPES[esc].encode()
                i += 2
            elif esc in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[esc]
                digits = body[i + 2 : i + 2 + width]
                if len(digits) != width or any(d not in _HEX for d in digits):
                    raise self.fail(f"invalid escape \\{esc} in string literal", offset + i)
                code = int(digits, 16)
                if esc == "x":
                    out.append(code)
                elif code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise self.fail(
                        f"invalid Unicode code point \\{esc}{digits} in string literal", offset + i
                    )
                else:
                    out += chr(code).encode()
                i += 2 + width
            elif esc in _OCTAL:
                digits = body[i + 1 : i + 4]
                if len(digits) != 3 or any(d not in _OCTAL for d in digits) or int(digits, 8) > 255:
                    raise self.fail(f"invalid octal escape \\{digits} in string literal", offset + i)
                out.append(int(digits, 8))
                i += 4
            else:
                raise self.fail(f"invalid escape \\{esc} in string literal", offset + i)
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("string literal is not valid UTF-8", offset - 1) from None


# Data is only ever classified by issubclass(type(v), ...): isinstance may consult a value's own __class__,
# and this module touches no attribute of the data.


def _type_name(value: object) -> str:
    # Go's names for what a JSON/YAML value would be in a map[string]any.
    if type(value) is GoStruct:
        return value.type_name
    if value is None:
        return "nil"
    if issubclass(type(value), bool):
        return "bool"
    if issubclass(type(value), str):
        return "string"
    if issubclass(type(value), int):
        return "int"
    if issubclass(type(value), float):
        return "float64"
    if issubclass(type(value), dict):
        return "map"
    if issubclass(type(value), list):
        return "slice"
    return "unsupported type"


def _executing(expr: _Expr, text: str, message: str) -> TemplateError:
    return TemplateError(f"executing {expr.src} at {_where(text, expr.pos)}: {message}")


def _eval(expr: _Expr, root: dict[str, Any], text: str) -> Any:
    kind = expr.kind
    if kind == "str":
        return expr.value
    if kind == "dot":
        return root
    value: Any = root if expr.base is None else _eval(expr.base, root, text)
    for name in expr.names:
        if type(value) is GoStruct and kind != "index":
            if name not in value.fields:
                raise _executing(expr, text, f"can't evaluate field {name} in type {value.type_name}")
            value = value.fields[name]
            continue
        if not issubclass(type(value), dict):
            if kind == "index":
                raise _executing(
                    expr, text, f"error calling index: can't index item of type {_type_name(value)}"
                )
            raise _executing(expr, text, f"can't evaluate field {name} in type {_type_name(value)}")
        if name not in value:
            prefix = "error calling index: " if kind == "index" else ""
            raise _executing(expr, text, f"{prefix}map has no entry for key {_quote(name)}")
        value = value[name]
    return value


def _print(value: Any, expr: _Expr, text: str) -> str:
    if issubclass(type(value), str):
        printed: str = value
        return printed
    # Exact types only: a subclass could format itself however it likes.
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        try:
            return str(value)
        except ValueError:
            raise _executing(expr, text, "integer too large to print") from None
    if issubclass(type(value), dict) or type(value) is GoStruct:
        what = "a map" if issubclass(type(value), dict) else f"a {_type_name(value)}"
        raise _executing(
            expr,
            text,
            f"the result is {what}, not a string; select a string field such as .Services.<name>.Name",
        )
    raise _executing(
        expr,
        text,
        f"cannot print a value of type {_type_name(value)}; only strings, integers and booleans print",
    )
