"""The email-safe HTML and the chat payload treat article text as untrusted.

A headline or outlet may carry markup, a ``javascript:`` URL or a newline; none of it may
become a tag, a link, a Slack control sequence or a second header line.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from daily_helpers import DAYS, Daily
from deliver_helpers import add_targets

from digest.briefing import Briefing
from digest.daily.mail import build_message
from digest.daily.outbox import DayDigest, load_day
from digest.daily.webhook import slack_payload
from digest.render.email import render_email_html

EVIL = '<script>alert("x")</script> & <b>bold</b>'
EMAIL = """
[[deliver]]
name = "inbox"
type = "email"
host = "127.0.0.1"
security = "none"
from = "digest@example.org"
to = ["ana@example.org"]
subject = "{date}: {top_story}"
"""


def _poisoned(daily: Daily, day: date) -> DayDigest:
    digest = load_day(daily.project.output_dir, day)
    b = digest.briefing
    first = b.sources[0].article.model_copy(update={
        "url": "javascript:alert(1)", "title": EVIL, "outlet": "Evil\nBcc: all@example.org"})
    briefing = Briefing.model_validate(b.model_dump() | {
        "stories": [f"{EVIL}\nBcc: all@example.org", *b.stories[1:]],
        "sources": [b.sources[0].model_copy(update={"article": first}).model_dump(),
                    *[s.model_dump() for s in b.sources[1:]]],
    })
    return DayDigest(day, digest.markdown, briefing.model_dump_json(), briefing, digest.sha256)


def test_markup_and_javascript_urls_from_articles_stay_text(three_days: Daily) -> None:
    digest = _poisoned(three_days, DAYS[2])
    page = render_email_html(digest.briefing)
    assert "<script" not in page and "<b>" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page and "&amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert 'href="#source-1"' in page  # the unsafe URL's citations point at the Sources list


def test_the_subject_is_one_line_and_slack_text_is_escaped(three_days: Daily) -> None:
    add_targets(three_days.root, EMAIL)
    digest = _poisoned(three_days, DAYS[2])
    message = build_message(three_days.project.deliver[0], digest,  # type: ignore[arg-type]
                            datetime(2026, 5, 20, 23, tzinfo=UTC))
    subject = str(message["Subject"])
    assert "\n" not in subject and subject.startswith("2026-05-20: <script>")
    assert message.get_all("Bcc") is None
    payload = slack_payload(digest)
    story = payload["blocks"][1]["text"]["text"]
    assert story.startswith("*1. &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; &lt;b&gt;")
    assert "javascript:" not in str(payload)
    links = [b for b in payload["blocks"] if "<https://" in b.get("text", {}).get("text", "")]
    assert links  # citations to real articles are Slack links
