"""The problem field: open answers in Russian → lemmas → frequent terms and phrases → the eight directions.

The classifier is deliberately transparent (docs/decisions/0007): a direction scores one point for every lemma of
the answer that is on its keyword list (staff edit the lists), plus, for every lemma staff-labelled answers
taught it, the share of labelled answers with that lemma that went to the direction. The highest score wins if
it reaches MIN_SCORE; the page shows which words decided it.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import razdel

STOP_WORDS = frozenset(
    """
    а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы где да даже для до его ее
    её если есть еще ещё же за здесь и из или им их к как какой когда кто ли либо мне много может можно мой мы на
    над надо наш не него нее неё нет ни них но ну о об однако он она они оно от очень по под после потому при про
    раз с сам свой себя так также такой там те тем то того тоже той только том ту тут у уже хотеть хотя чего чей
    чем что чтобы чтоб эта эти это этот я нужно нужный сделать делать очень мочь весь который свой наш ваш один
    год самый который быть стать просто вообще чтоб например поэтому хороший плохой большой маленький новый
    """.split()  # noqa: SIM905 — a word list reads better as text
)
MIN_SCORE = 1.0
LEARN_MIN_SUPPORT = 2  # a lemma teaches only after it appears in two labelled answers

DEFAULT_KEYWORDS = {
    "landscaping": "благоустройство двор освещение фонарь скамейка лавочка клумба озеленение газон забор ограждение "
    "урна парковка цветник покраска сквер аллея",
    "playgrounds": "площадка детский спортивный качель горка турник футбольный ребёнок спорт каток тренажёр "
    "песочница корт",
    "roads": "дорога тротуар яма ям асфальт грейдер щебень мост пешеходный переход обочина остановка ямочный "
    "дорожный проезд",
    "utilities": "отопление канализация крыша подъезд управляющий коммунальный электричество газ газификация жкх "
    "лифт подвал батарея",
    "water": "вода водопровод колонка скважина водоснабжение напор колодец питьевой водонапорный",
    "heritage": "клуб праздник культура памятник библиотека музей досуг концерт кружок история храм традиция молодёжь",
    "ecology": "мусор свалка экология субботник река пруд загрязнение контейнер вырубка пожар чистота берег отходы",
    "social": "пожилой инвалид одинокий помощь многодетный пенсионер ветеран малоимущий лекарство уход "
    "нуждающийся престарелый",
}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


def lemmas(text: str) -> list[str]:
    """Lemmas of the words of `text`, lower case, ё as е, stop words and one-letter words dropped."""
    out = []
    for token in razdel.tokenize(text.lower()):
        word = token.text.replace("ё", "е")
        if not word.isalpha() or len(word) < 2:
            continue
        normal = lemma(word)
        if normal in STOP_WORDS or word in STOP_WORDS:
            continue
        out.append(normal)
    return out


def keyword_lemmas(text: str) -> set[str]:
    return {lemma(w.replace("ё", "е")) for w in text.lower().split() if w.isalpha()}


@dataclass
class Frequent:
    terms: list[tuple[str, int]]
    phrases: list[tuple[str, int]]


def frequent(texts: list[list[str]], *, top: int = 30) -> Frequent:
    """Document frequency of lemmas and of two-word phrases (adjacent lemmas after stop words are dropped)."""
    terms: Counter = Counter()
    phrases: Counter = Counter()
    for words in texts:
        terms.update(set(words))
        phrases.update({f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b})
    return Frequent(
        terms=terms.most_common(top), phrases=[(p, n) for p, n in phrases.most_common(top) if n > 1][: top // 2]
    )


@dataclass
class Verdict:
    direction: str | None
    score: float
    because: list[str] = field(default_factory=list)


@dataclass
class Classifier:
    keywords: dict[str, set[str]]
    learned: dict[str, dict[str, float]] = field(default_factory=dict)  # lemma → direction → weight

    def classify(self, words: list[str]) -> Verdict:
        scores: dict[str, float] = {}
        because: dict[str, list[str]] = {}
        for word in set(words):
            for code, keys in self.keywords.items():
                if word in keys:
                    scores[code] = scores.get(code, 0.0) + 1.0
                    because.setdefault(code, []).append(word)
            for code, weight in self.learned.get(word, {}).items():
                scores[code] = scores.get(code, 0.0) + weight
                if word not in because.get(code, []):
                    because.setdefault(code, []).append(f"{word} (обучено)")
        if not scores:
            return Verdict(None, 0.0)
        best = max(sorted(scores), key=lambda c: scores[c])
        if scores[best] < MIN_SCORE:
            return Verdict(None, scores[best])
        return Verdict(best, round(scores[best], 2), sorted(because[best]))


def learn(labelled: list[tuple[list[str], str]]) -> dict[str, dict[str, float]]:
    """For each lemma seen in at least LEARN_MIN_SUPPORT labelled answers: the share of them per direction."""
    seen: dict[str, Counter] = {}
    for words, code in labelled:
        for word in set(words):
            seen.setdefault(word, Counter())[code] += 1
    learned = {}
    for word, per_direction in seen.items():
        total = sum(per_direction.values())
        if total >= LEARN_MIN_SUPPORT:
            learned[word] = {code: round(n / total, 3) for code, n in per_direction.items()}
    return learned


def build_classifier() -> Classifier:
    """Keyword lists (the staff's where edited, the defaults otherwise) and what the labelled answers teach."""
    from sosedi.territories.models import Direction

    from .models import AnswerLabel, DirectionKeywords

    edited = {row.direction.code: row.keywords for row in DirectionKeywords.objects.select_related("direction")}
    codes = list(Direction.objects.values_list("code", flat=True)) or list(DEFAULT_KEYWORDS)
    keywords = {code: keyword_lemmas(edited.get(code, DEFAULT_KEYWORDS.get(code, ""))) for code in codes}
    labelled = [
        (lemmas(text), code)
        for text, code in AnswerLabel.objects.values_list("answer__text", "direction__code").iterator()
    ]
    return Classifier(keywords=keywords, learned=learn(labelled))


def precision(classifier: Classifier, examples: list[tuple[str, str]]) -> tuple[float, float]:
    """(precision over the answers it classified, coverage) on labelled examples."""
    decided = correct = 0
    for text, expected in examples:
        verdict = classifier.classify(lemmas(text))
        if verdict.direction is not None:
            decided += 1
            correct += verdict.direction == expected
    return (correct / decided if decided else math.nan), decided / len(examples)
