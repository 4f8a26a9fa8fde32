"""The site's Content-Security-Policy allows styles and scripts only from its own files (core/middleware.py), so
no template may carry a style attribute, a <style> element, an inline <script> or an inline event handler: the
browser would refuse them (console errors, and a page that looks or works differently than tested). Pages are
checked as rendered too, since widgets and includes add markup of their own."""

import re
from pathlib import Path

import pytest

from quartier.core.middleware import CSP

PACKAGE = Path(__file__).resolve().parents[2] / "quartier"
# Templates that never reach a browser: WeasyPrint's printed programme styles itself with <style>.
NOT_FOR_BROWSERS = ("/pdf/",)

STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.S)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _templates() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.html")
        if "static" not in path.relative_to(PACKAGE).parts
        and not any(part in path.as_posix() for part in NOT_FOR_BROWSERS)
    )


def inline_code(text: str) -> list[str]:
    """What the CSP would refuse in this markup (template source or rendered page)."""
    found = []
    for pattern, what in (
        (STYLE_ATTRIBUTE, "style attribute"),
        (STYLE_ELEMENT, "<style> element"),
        (EVENT_HANDLER, "inline event handler"),
        (JS_URL, "javascript: URL"),
    ):
        found += [f"{what}: {m.group(0)[:120]!r}" for m in pattern.finditer(text)]
    for match in SCRIPT_TAG.finditer(text):
        attributes, body = match.group(1), match.group(2)
        if re.search(r"""type\s*=\s*["']application/(ld\+)?json["']""", attributes):
            continue  # a data block, never executed
        if body.strip() or "src=" not in attributes:
            found.append(f"inline script: {match.group(0)[:120]!r}")
    return found


def test_the_checker_finds_what_the_csp_refuses():
    assert inline_code('<p class="a" style="color:red">x</p>')
    assert inline_code("<style>p{}</style>")
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<button type="button" onclick="go()">x</button>')
    assert inline_code('<a href="javascript:go()">x</a>')
    assert not inline_code('<script src="/static/quartier/finder.js" defer></script>')
    assert not inline_code('<script type="application/ld+json">{"@type": "Event"}</script>')
    assert not inline_code('<p class="kern-body" data-style="x">Ein Text über style="…" und onclick=</p>')


def test_the_csp_forbids_inline_styles_and_scripts():
    assert "style-src 'self'" in CSP and "script-src 'self'" in CSP
    assert "unsafe-inline" not in CSP


@pytest.mark.parametrize("path", _templates(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_template_has_inline_styles_or_scripts(path):
    assert inline_code(path.read_text(encoding="utf-8")) == []


def test_our_scripts_set_no_style_attributes():
    for script in (PACKAGE / "static" / "quartier").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"""setAttribute\(\s*["']style["']|\.cssText\b|\.style\s*=[^=]""", text), (
            script.name
        )
        assert not re.search(r"\beval\(|new Function\(", text), script.name


@pytest.mark.parametrize(
    "url",
    ["/de/", "/en/finden/?q=", "/ar/finden/?q=zzzzzzzzzz", "/de/vorschlaege/neu/", "/de/gibt-es-nicht/"],
)
def test_rendered_pages_have_no_inline_code(client, essen, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404)
    assert inline_code(response.content.decode()) == []
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
