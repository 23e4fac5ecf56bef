"""Simple maths in titles as the Unicode a reader sees: ``LiAlO$_2$`` -> ``LiAlO₂``.

pylatexenc turns text-mode LaTeX into Unicode, but maths is kept as written so that a
real formula is never garbled. Titles mostly hold the simple kind, though: chemical
formulas, Miller indices, a Greek letter. Those are written as Unicode here (as Zotero
and Better BibTeX do); anything else ($\\frac{a}{b}$, $\\sum$) stays as written. Qt-free.
"""

from __future__ import annotations

import re

_SUB = dict(zip("0123456789+-=()aeoxhklmnpstijruvβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥᵦᵧᵨᵩᵪ"))
_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyz", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"))
_SYMBOLS = {"cdot": "⋅", "times": "×", "pm": "±", "mp": "∓", "circ": "°", "prime": "′", "sim": "∼",
            "approx": "≈", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "infty": "∞", "to": "→",
            "rightarrow": "→", "slash": "/", "left": "", "right": "", "rm": "", "mathrm": "", "text": "",
            "mathit": "", "it": "", "bf": "", "mathbf": "", ",": " ", ";": " ", "!": ""}
_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho "
          "sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi "
          "Omega").split()
_GREEK_CHARS = dict(zip(_GREEK, "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΥΦΨΩ"))
_MATH = re.compile(r"(?<![\\$])\$([^$]{1,80})\$(?!\$)")
_TEXT_SCRIPT = re.compile(r"\\text(sub|super)script\s*\{([^{}]*)\}")
_TOKEN = re.compile(r"\\(?:bar|overline)\s*(\{[^{}]*\}|[A-Za-z0-9])|\\([A-Za-z]+|[,;!])\s*"
                    r"|([_^])\s*(\{[^{}]*\}|\\?[A-Za-z0-9+\-=()])|([A-Za-z0-9+\-=().,/' ]|[{}])")


def _script(text: str, table: dict[str, str]) -> str | None:
    out = []
    for ch in text.replace(" ", ""):
        if ch.startswith("\\"):
            return None
        if ch not in table:
            return None
        out.append(table[ch])
    return "".join(out)


def _math(body: str) -> str | None:
    """The Unicode for simple maths, or None when it is more than that."""
    body = body.replace("{}", "")
    while re.search(r"\{\{[^{}]*\}\}", body):  # ^{{k}} after \mbox{k} was unwrapped
        body = re.sub(r"\{\{([^{}]*)\}\}", r"{\1}", body)
    out, position = [], 0
    for match in _TOKEN.finditer(body):
        if match.start() != position:
            return None
        position = match.end()
        barred, command, script, argument, plain = match.groups()
        if command is not None:
            if command in _GREEK_CHARS:
                out.append(_GREEK_CHARS[command])
            elif command in _SYMBOLS:
                out.append(_SYMBOLS[command])
            else:
                return None
        elif script is not None:
            inner = argument[1:-1] if argument.startswith("{") else argument
            inner = re.sub(r"\\(?:rm|mathrm|text)\s*|[{}]", "", inner)
            if inner.startswith("\\") and inner[1:] in _GREEK_CHARS:
                inner = _GREEK_CHARS[inner[1:]]
            converted = _script(inner, _SUB if script == "_" else _SUP)
            if converted is None:
                return None
            out.append(converted)
        elif barred is not None:
            inner = barred.strip("{}")
            if len(inner) != 1:
                return None
            out.append(inner + "\u0305")
        elif plain not in ("{", "}"):
            out.append(plain)
    if position != len(body):
        return None
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", "".join(out)))


def simple_math_to_unicode(latex: str) -> str:
    """``$_2$``, ``\\textsubscript{x}``, ``$\\gamma$``, ``$\\bar{1}$`` as Unicode; other maths unchanged."""
    def text_script(match: re.Match) -> str:
        converted = _script(match.group(2), _SUB if match.group(1) == "sub" else _SUP)
        return converted if converted is not None else match.group(0)

    def math(match: re.Match) -> str:
        converted = _math(match.group(1))
        return converted if converted is not None else match.group(0)

    latex = re.sub(r"\\\((.{1,80}?)\\\)", r"$\1$", latex)  # \( … \) is $ … $
    return _MATH.sub(math, _TEXT_SCRIPT.sub(text_script, latex))
