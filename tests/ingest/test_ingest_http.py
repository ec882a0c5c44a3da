"""URLs and feeds over real HTTP (a loopback server): extraction, teasers, limits, failures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ingest_helpers import FIXTURES, LocalServer

from digest.ingest.fetch import Fetcher, canonical_url
from digest.ingest.pipeline import ingest
from digest.store import Store

ARTICLE_HTML = (FIXTURES / "article_jsonld.html").read_bytes()
UA = "digest-tests/1.0 (+https://example.invalid/digest)"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(timeout=0.4, max_bytes=20_000, user_agent=UA, attempts=2)
    yield f
    f.close()


def _page(title: str, paragraph: str) -> str:
    body = "".join(f"<p>{paragraph} Paragraph {i} adds detail to the report.</p>" for i in range(4))
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>\u00a9 Test</footer></body></html>")


def test_html_url_is_fetched_extracted_and_keyed_by_canonical_url(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    url = http_server.add("/world/grain", ARTICLE_HTML)
    report = ingest([url + "?utm_source=x&fbclid=y"], store=store, fetcher=fetcher)
    assert [o.status for o in report.outcomes] == ["added"]
    stored = store.articles()
    assert len(stored) == 1
    # the page declares a canonical link; that (tracking-free) URL is the article's identity
    assert stored[0].url == "https://bosporus.example.org/world/grain-corridor-talks-resume"
    assert stored[0].published is not None and stored[0].published.hour == 16
    assert http_server.requests[0][1]["User-Agent"] == UA


def test_rss_feed_teaser_entry_is_completed_from_its_linked_page(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    feed = (FIXTURES / "feed.rss").read_text().replace("{base}", http_server.base)
    feed_url = http_server.add("/feed.rss", feed, content_type="application/rss+xml")
    http_server.add(
        "/news/ferry-timetable",
        _page("Ferry timetable changes",
              "Ferries between the islands will run every hour from June."),
    )
    report = ingest([feed_url], store=store, fetcher=fetcher)
    assert sorted(o.status for o in report.outcomes) == ["added", "added"], report.outcomes
    requested = [path for path, _ in http_server.requests]
    assert "/news/ferry-timetable" in requested, "the teaser's page was fetched"
    assert not any(p.startswith("/news/lighthouse") for p in requested), "full entry not fetched"
    by_title = {a.title: a for a in store.articles()}
    ferry = by_title["Ferry timetable changes for summer"]  # the feed's title wins
    assert ferry.outlet == "Coastline Herald"
    assert ferry.url == f"{http_server.base}/news/ferry-timetable"
    text = store.article_text(ferry.id) or ""
    assert "every hour from June" in text and "Read more" not in text
    lighthouse = by_title["Lighthouse restoration finished"]
    assert lighthouse.url == f"{http_server.base}/news/lighthouse", "utm_* stripped"


def test_feed_entry_whose_page_is_missing_fails_alone(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    feed = (FIXTURES / "feed.rss").read_text().replace("{base}", http_server.base)
    feed_url = http_server.add("/feed.xml", feed, content_type="application/xml")
    report = ingest([feed_url], store=store, fetcher=fetcher)
    (failure,) = report.failures
    assert failure.source == f"{http_server.base}/news/ferry-timetable"
    assert "teaser" in (failure.reason or "") and "404" in (failure.reason or "")
    assert [a.title for a in store.articles()] == ["Lighthouse restoration finished"]


def test_atom_feed_over_http(http_server: LocalServer, fetcher: Fetcher, store: Store) -> None:
    url = http_server.add("/atom", (FIXTURES / "feed.atom").read_bytes(),
                          content_type="application/atom+xml")
    report = ingest([url], store=store, fetcher=fetcher)
    assert [o.status for o in report.outcomes] == ["added"]
    assert store.articles()[0].outlet == "Uplands Review"


@pytest.mark.parametrize(
    ("path", "route", "reason"),
    [
        ("/gone", None, "HTTP 404"),
        ("/slow", {"body": ARTICLE_HTML, "delay": 1.5}, "timed out"),
        ("/huge", {"body": b"<p>" + b"x" * 50_000 + b"</p>"}, "too large"),
        ("/huge-undeclared", {"body": b"<p>" + b"y" * 50_000 + b"</p>", "declare_length": False},
         "too large"),
        ("/broken", {"body": b"oops", "status": 500}, "HTTP 500"),
        ("/loop", {"body": b"", "status": 302, "headers": {"Location": "{base}/loop"}},
         "too many redirects"),
        ("/trickle", {"body": ARTICLE_HTML[:400], "trickle": 0.05}, "download still running"),
        ("/bad-gzip", {"body": b"not gzip at all", "headers": {"Content-Encoding": "gzip"}},
         "unreadable response"),
    ],
    ids=["404", "timeout", "oversized-declared", "oversized-streamed", "server-error",
         "redirect-loop", "trickling-server", "corrupt-gzip"],
)
def test_bad_url_is_reported_and_the_rest_still_lands(
    http_server: LocalServer, fetcher: Fetcher, store: Store,
    path: str, route: dict | None, reason: str,
) -> None:
    if route is not None:
        http_server.add(path, **route)
    good = http_server.add("/good", ARTICLE_HTML)
    report = ingest([http_server.base + path, good], store=store, fetcher=fetcher)
    (failure,) = report.failures
    assert failure.source == http_server.base + path
    assert reason in (failure.reason or "")
    assert [o.status for o in report.outcomes if o.status != "failed"] == ["added"]
    assert store.count_chunks() > 0


def test_plain_text_url_is_keyed_by_its_url_so_edits_replace(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    url = http_server.add("/notes.txt", "First version. It has two sentences.",
                          content_type="text/plain; charset=utf-8")
    first = ingest([url + "?utm_campaign=z"], store=store, fetcher=fetcher)
    http_server.add("/notes.txt", "Second version, corrected.", content_type="text/plain")
    second = ingest([url], store=store, fetcher=fetcher)
    assert [o.status for o in first.outcomes] == ["added"]
    assert [o.status for o in second.outcomes] == ["updated"]
    (article,) = store.articles()
    assert article.url == url and article.id == first.outcomes[0].article_id
    assert [c.text for c in store.chunks_of(article.id)] == ["Second version, corrected."]


def test_unsupported_content_type_is_named(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    url = http_server.add("/paper.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    report = ingest([url], store=store, fetcher=fetcher)
    assert "unsupported content type 'application/pdf'" in (report.failures[0].reason or "")


def test_invalid_url_is_a_source_error(fetcher: Fetcher, store: Store) -> None:
    report = ingest(["http://[::1"], store=store, fetcher=fetcher)
    (failure,) = report.failures
    assert failure.source == "http://[::1" and "invalid URL" in (failure.reason or "")


def test_transient_server_error_is_retried(
    http_server: LocalServer, fetcher: Fetcher, store: Store
) -> None:
    url = http_server.add("/flaky", ARTICLE_HTML, fail_first=1)
    report = ingest([url], store=store, fetcher=fetcher)
    assert [o.status for o in report.outcomes] == ["added"]
    assert [p for p, _ in http_server.requests] == ["/flaky", "/flaky"]


def test_url_without_fetcher_is_refused_cleanly(store: Store) -> None:
    report = ingest(["http://127.0.0.1:9/never"], store=store, fetcher=None)
    assert report.failures[0].reason == "network fetching is disabled"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/a/b/?utm_source=x&utm_campaign=y#top", "https://example.com/a/b"),
        ("https://example.com/a?b=2&a=1&fbclid=z", "https://example.com/a?a=1&b=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/p?id=42&gclid=1&ref=home", "https://example.com/p?id=42"),
    ],
)
def test_canonical_url_strips_tracking_and_normalises(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected
