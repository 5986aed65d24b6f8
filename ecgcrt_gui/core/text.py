"""Text a clinician reads: numbers with units and sensible precision, English lists, and the checker
that keeps program internals (None, nan, brackets, quotes, snake_case names, float noise) out of it.

The GUI, the PDF report, the CLI and the warnings all write their numbers through these helpers, so
that "204 ms", "0.35 mV", "12 %" and "I, aVL and V6" read the same everywhere; `text_problems` is
the rule they are held to (tests run it over every string an assessment and its report hold).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

DASH = "—"  # what a value that is not there reads as


def english_list(items: Iterable[object], conjunction: str = "and") -> str:
    """'I', 'I and aVL', 'I, aVL and V6' ("or" for a negated list: 'no q wave in I, V5 or V6')."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 beat', '3 beats', '1 lead', '0 leads'."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(float(value))


def ms(value: float | None) -> str:
    """A duration or time in whole milliseconds: '48 ms'; a dash where not measured."""
    return f"{float(value):.0f} ms" if _finite(value) else DASH


def whole_ms(value: float) -> int:
    """A duration as the app reports it and the guidelines judge it: to 0.1 ms, as the JSON holds it, then
    to the whole ms, a half up. The panel reads the measurement, the report the JSON's 162.5 ms: rounding
    each to the nearest even whole ms put 163 ms on the screen and 162 ms in the PDF."""
    return math.floor(round(float(value), 1) + 0.5)


def mv(value: float | None) -> str:
    """An amplitude to 0.01 mV: '0.35 mV'."""
    return f"{float(value):.2f} mV" if _finite(value) else DASH


def seconds(value: float | None) -> str:
    """A duration in seconds without trailing noise: '10 s', '2.5 s', '12.34 s'."""
    return f"{number(value, 2)} s" if _finite(value) else DASH


def percent(value: float | None, digits: int = 0) -> str:
    """A percentage already in percent (LVEF 28 -> '28 %'), at most `digits` decimals, no trailing zeros."""
    return f"{number(value, digits)} %" if _finite(value) else DASH


def share(fraction: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 0.125 -> '13 %' (digits=0), '12.5 %' (digits=1)."""
    return percent(None if fraction is None else 100.0 * float(fraction), digits)


def probability_share(p: float | None) -> str:
    """A model's probability as a whole percentage that never claims certainty: '97 %', '> 99 %', '< 1 %'."""
    if _finite(p) and p >= 0.995:
        return "> 99 %"
    if _finite(p) and p < 0.005:
        return "< 1 %"
    return share(p)


def number(value: float | None, digits: int = 2) -> str:
    """A plain number with at most `digits` decimals and no trailing zeros: 28, 2.5, 0.33."""
    if not _finite(value):
        return DASH
    text = f"{float(value):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_UNITS = {"hz": "Hz", "s": "s", "ms": "ms", "mv": "mV", "db": "dB", "deg": "°", "rr": "RR", "bpm": "bpm"}
_UPPER = {"aami", "auc", "crt", "ecg", "fft", "id", "lvef", "qrs", "rr", "sd", "stft", "svm", "sha256", "ds1", "ds2"}


def label_from_key(key: str) -> str:
    """A data key as a label: 'highpass_hz' -> 'Highpass (Hz)', 'n_beats' -> 'Number of beats', 'auc' -> 'AUC'."""
    words = [w for w in str(key).split("_") if w]
    if not words:
        return str(key)
    unit = _UNITS.get(words[-1].lower()) if len(words) > 1 else None
    if unit:
        words = words[:-1]
    if words[0] == "n" and len(words) > 1:
        words = ["number", "of", *words[1:]]
    words = [w.upper() if w.lower() in _UPPER else w for w in words]
    text = " ".join(words)
    text = text[:1].upper() + text[1:]
    return f"{text} ({unit})" if unit else text


# ---------------------------------------------------------------- the checker

# The prime of rSR', R', r', S' is ECG notation: a quote only opens where no letter or prime stands
# before it. An apostrophe (the men's threshold) has letters on both sides and opens nothing.
_PROBLEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("None", re.compile(r"\bNone\b")),
    ("nan or inf", re.compile(r"\b(?:nan|inf|infinity)\b", re.IGNORECASE)),
    ("bracket or brace", re.compile(r"[\[\]{}]")),
    ("quoted word", re.compile(r"(?<![A-Za-z0-9'’])'[^'\s][^'\n]*'|\"[^\"\n]+\"")),
    ("snake_case identifier", re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")),
    ("float with more than 2 decimals", re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])")),
    ("float in exponent notation", re.compile(r"\b\d+(?:\.\d+)?e[-+]?\d+\b")),
    ("whole number with a .0 tail", re.compile(r"(?<![\d.])\d+\.0+\s?(?:ms|s|%|mV|mm|Hz|bpm|y)(?!\w)")),
    ("milliseconds with decimals", re.compile(r"(?<![\d.])\d+\.\d+\s?ms\b")),
    ("programming operator", re.compile(r">=|<=|==|!=")),
    ("lead name misspelt", re.compile(r"\b(?:AV[RLF]|av[rlf]|Av[rlf]|v[1-6])\b")),
)


# A citation's DOI, a web address and a file name are their own spelling, not ours.
_CITATION = re.compile(r"\b(?:doi:\s?|https?://)\S+|[\w./-]+\.(?:csv|json|pt|hea|dat|edf|xml|dcm|pdf)\b",
                       re.IGNORECASE)


def text_problems(text: str, allow: Iterable[str] = ()) -> list[str]:
    """What in `text` reads like program output rather than a sentence for a clinician, as
    'kind: excerpt' lines; empty when it reads clean. `allow`: substrings that are data, not
    our wording (a file name such as 00180_hr.hea, a path), removed before checking."""
    for piece in sorted((a for a in allow if a), key=len, reverse=True):
        text = text.replace(piece, " ")
    text = _CITATION.sub(" ", text)
    found = []
    for kind, pattern in _PROBLEMS:
        for match in pattern.finditer(text):
            lo, hi = max(0, match.start() - 30), min(len(text), match.end() + 30)
            found.append(f"{kind}: {match.group(0)!r} in …{text[lo:hi]}…")
    return found


def percentage_points(difference: float, bound: bool = False) -> str:
    """A difference of two probabilities: '0.3 percentage points' ('at most 0.3 percentage points' as an
    upper `bound`), or 'under 0.1 percentage points'."""
    if 100 * difference < 0.05:
        return "under 0.1 percentage points"
    return f"{'at most ' if bound else ''}{number(100 * difference, 1)} percentage points"


def beats_averaged(n_beats: int, beats_given: int | None = None) -> str:
    """'12 beats', or '256 of 2,271 beats' where a long recording's patient mean was taken over a sample."""
    if beats_given is None or beats_given <= n_beats:
        return f"{n_beats:,} beat{'s' if n_beats != 1 else ''}"
    return f"{n_beats:,} of {beats_given:,} beats"
