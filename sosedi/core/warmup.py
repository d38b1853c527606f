"""What a server process loads before it serves its first request.

Django imports the URLconf — every view, the API with its schemas, openpyxl, shapely — on the first request a
process gets, and the knowledge search loads its morphology dictionary on the first search. Measured on the
benchmark machine, that first request took 1.5–2.4 s, so a freshly started worker answered its first visitors
(and, after each deploy, a benchmark's warm-up) seconds late. gunicorn imports config.wsgi in each worker before
it accepts connections, so doing the work there moves it off the request path. Nothing here opens a database
connection: a server must start even while the database is restarting.
"""

from django.urls import get_resolver


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018  (the property imports the whole URLconf)
    from sosedi.knowledge.text import lemma, words

    lemma(words("собрание жителей")[0])  # loads the morphology dictionary and the tokenizer
