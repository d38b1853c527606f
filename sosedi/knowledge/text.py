"""Text of materials: sanitising stored HTML, its plain text, and Russian lemmas for search.

Lemmas come from pymorphy3 (the dictionary form: «собраний» → «собрание», «кворума» → «кворум»), so the
embedded SQLite mode finds other forms of a word as PostgreSQL's `russian` configuration does with stems.
"""

import html
import re
from functools import lru_cache

import nh3
import pymorphy3
from razdel import tokenize

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "u", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "section", "span", "mark", "sup", "sub", "hr",
}  # fmt: skip
# `id` on headings and parts lets a law text be cited by anchor (#st27-ch6); nothing else can carry script.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "p": {"id"},
    "section": {"id"},
    "li": {"id"},
    "span": {"id"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MAX_QUERY_CHARS = 200
NOMINAL = {"NOUN", "ADJF", "ADJS", "NUMR", "NPRO"}
NOMINAL_WEIGHT = 1.5
MAX_QUERY_WORDS = 8


def sanitise_html(raw: str) -> str:
    """Only the tags and attributes above survive: scripts, styles, event handlers and `javascript:` links go."""
    return nh3.clean(
        raw or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|tr|section)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def plain_text(sanitised_html: str) -> str:
    """Readable text of sanitised HTML, one block per line (snippets cut along these lines)."""
    text = _BLOCK_END.sub("\n", sanitised_html)
    text = html.unescape(_TAG.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def _normal(word: str) -> str:
    return word.lower().replace("ё", "е")


# Abbreviations the dictionary does not know, declined as people write them («ТОСа», «в ТОСе», «ТОСов»);
# pymorphy3 would guess «тося», «тосова».
ABBREVIATIONS = {
    "тос": ("тос", "тоса", "тосу", "тосом", "тосе", "тосы", "тосов", "тосам", "тосами", "тосах"),
    "мо": ("мо",),
    "нко": ("нко",),
    "омсу": ("омсу",),
}
_ABBREVIATION_OF = {form: base for base, forms in ABBREVIATIONS.items() for form in forms}


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a word; numbers and Latin words as they are (lower case)."""
    word = _normal(word)
    if not re.search("[а-я]", word):
        return word
    if word in _ABBREVIATION_OF:
        return _ABBREVIATION_OF[word]
    # Sum the probability of each dictionary form over its parses, nouns and adjectives weighted up: the texts
    # are about things («устав» is the charter far more often than the gerund of «устать»), and a word must
    # get the same lemma as its other forms («устава» can only be the noun).
    totals: dict[str, float] = {}
    for parse in _morph().parse(word):
        weight = NOMINAL_WEIGHT if parse.tag.POS in NOMINAL else 1.0
        totals[parse.normal_form] = totals.get(parse.normal_form, 0.0) + parse.score * weight
    return _normal(max(totals, key=totals.__getitem__))


def words(text: str) -> list[str]:
    """Word tokens (letters or digits), in order; the hyphen keeps «26.1» and «кто-то» whole."""
    return [t.text for t in tokenize(text or "") if re.search(r"\w", t.text)]


def lemma_string(text: str) -> str:
    """Lemmas framed by spaces (« собрание тос кворум »), so `LIKE '% lemma %'` matches whole lemmas."""
    lemmas = [lemma(w) for w in words(text)]
    return f" {' '.join(lemmas)} " if lemmas else ""


def cut_query(query: str) -> str:
    """The first MAX_QUERY_CHARS characters of a query, without a word cut in half at the end."""
    query = query or ""
    if len(query) <= MAX_QUERY_CHARS:
        return query
    cut = query[:MAX_QUERY_CHARS]
    if query[MAX_QUERY_CHARS].isalnum() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut


def query_lemmas(query: str) -> list[str]:
    """Distinct lemmas of a search query. An overlong query is cut (a 10,000-character paste must not cost
    10,000 parses); words too short to mean anything are dropped, except numbers («26.1», «131»)."""
    query = cut_query(query)
    seen: list[str] = []
    for w in words(query):
        if len(w) < 2 and not w.isdigit():
            continue
        lem = lemma(w)
        if lem not in seen:
            seen.append(lem)
    return seen[:MAX_QUERY_WORDS]
