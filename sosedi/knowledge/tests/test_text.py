from sosedi.knowledge.text import lemma, lemma_string, plain_text, query_lemmas, sanitise_html


def test_scripts_event_handlers_and_javascript_links_are_removed():
    dirty = (
        '<p onclick="steal()" style="color:red">Текст<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">ссылка</a><a href="JaVaScRiPt:alert(2)">вторая</a>'
        '<img src=x onerror="alert(3)"><iframe src="https://evil.example"></iframe>'
        '<a href="https://pravo.gov.ru" onmouseover="x()">закон</a><h2 id="st27-ch6">Часть 6</h2>'
    )
    clean = sanitise_html(dirty)
    for bad in ("script", "onclick", "onerror", "onmouseover", "javascript", "style=", "<img", "<iframe", "alert"):
        assert bad not in clean.lower()
    assert '<a href="https://pravo.gov.ru" rel="noopener noreferrer">закон</a>' in clean
    assert '<h2 id="st27-ch6">Часть 6</h2>' in clean  # anchors of law parts survive
    assert "<p>Текст</p>" in clean


def test_plain_text_keeps_blocks_on_lines_and_unescapes():
    assert plain_text("<p>Один &amp; два</p><ul><li>а</li><li>б</li></ul>") == "Один & два\nа\nб"


def test_lemmas_reduce_inflected_forms_and_abbreviations():
    assert lemma("собраний") == lemma("собранием") == "собрание"
    assert lemma("кворума") == "кворум"
    assert {lemma(w) for w in ("ТОС", "ТОСа", "ТОСе", "ТОСов")} == {"тос"}
    assert lemma("131-ФЗ") == "131-фз"
    assert lemma_string("Устав ТОСа") == " устав тос "


def test_query_lemmas_are_bounded_and_distinct():
    assert query_lemmas("собрания собраний собранием") == ["собрание"]
    assert query_lemmas("а и в") == []  # nothing searchable
    long = "кворум " * 5000
    assert query_lemmas(long) == ["кворум"]
    many = " ".join(["устав", "кворум", "собрание", "проект", "платёж", "грант", "совет", "отчёт", "смета", "жилец"])
    assert len(query_lemmas(many)) == 8
