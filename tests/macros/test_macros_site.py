"""The macros inside a real strict build: a ko page and its en twin (tests/macros/site/docs) make
the same calls; the HTML must carry the page's language, the four linked tab labels, working
links to the documenting page and shared heading ids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.macros.scratch import ScratchSite

TAB_LABELS = ["cURL", "JavaScript", "bkendFetch", "Python"]


class Page(HTMLParser):
    """Tables (header texts and row cell texts), tab groups (label texts), ids and links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[dict[str, list]] = []
        self.tab_groups: list[list[str]] = []
        self.ids: set[str] = set()
        self.id_list: list[str] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._label: list[str] | None = None
        self._depth_in_tabs: list[int] = []
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
            self.id_list.append(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        self._depth += 1
        if tag == "div" and "tabbed-set" in (a.get("class") or "").split():
            self.tab_groups.append([])
            self._depth_in_tabs.append(self._depth)
        elif tag == "label" and self._depth_in_tabs and a.get("for"):
            self._label = []
        elif tag == "table":
            self.tables.append({"headers": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = "".join(self._cell).strip()
            self._row.append(text)
            if tag == "th":
                self.tables[-1]["headers"].append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and not self.tables[-1]["headers"] == self._row:
                self.tables[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "label" and self._label is not None:
            self.tab_groups[-1].append("".join(self._label).strip())
            self._label = None
        if self._depth_in_tabs and self._depth == self._depth_in_tabs[-1] and tag == "div":
            self._depth_in_tabs.pop()
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._label is not None:
            self._label.append(data)


def page(site: ScratchSite, path: str) -> Page:
    return Page(site.html(path))


@pytest.mark.parametrize(
    ("lang_prefix", "headers"),
    [("", ["메서드", "경로", "인증", "설명"]), ("en/", ["Method", "Path", "Auth", "Summary"])],
)
def test_tables_speak_the_page_language(mini_site: ScratchSite, lang_prefix: str, headers: list[str]) -> None:
    home = page(mini_site, lang_prefix)
    assert home.tables[0]["headers"] == headers
    signup = page(mini_site, f"{lang_prefix}guide/signup")
    # the header-parameter table has no constraints, and hooks/table_cards.py drops empty columns;
    # the body table of the password variant keeps every column
    body = next(t for t in signup.tables if any(r[0] == "password" for r in t["rows"]))["headers"]
    assert body == (
        ["필드", "타입", "필수", "제약", "설명"] if not lang_prefix else
        ["Field", "Type", "Required", "Constraints", "Description"]
    )
    assert signup.tables[0]["headers"] == (
        ["이름", "위치", "타입", "필수", "설명"] if not lang_prefix else ["Name", "In", "Type", "Required", "Description"]
    )
    # the password table of the sign-up body says "required" in the page's language
    password_row = next(r for t in signup.tables for r in t["rows"] if r[0] == "password")
    assert password_row[2] == ("예" if not lang_prefix else "Yes")


def test_lifetimes_in_words(mini_site: ScratchSite) -> None:
    assert "액세스 토큰은 1시간 동안, 리프레시 토큰은 30일 동안" in mini_site.html("")
    assert "An access token lasts 1 hour, a refresh token 30 days" in mini_site.html("en")


@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_code_samples_are_separate_linked_tab_groups(mini_site: ScratchSite, lang_prefix: str) -> None:
    home = page(mini_site, lang_prefix)
    # getMe and listSessions are separated by a blank line only, revokeSession sits in a note:
    # three groups, each with exactly the four labels (`===!` keeps them from merging)
    assert home.tab_groups == [TAB_LABELS] * 3
    # the third group is inside the note (`| indent(4)`), the note is the page's last block
    html = mini_site.html(lang_prefix)
    note = html[html.index('<div class="admonition note">') : html.index("</article>")]
    assert note.count('<div class="tabbed-set') == 1


def test_samples_comment_in_the_page_language(mini_site: ScratchSite) -> None:
    assert "# 로그인한 User 조회" in mini_site.html("")
    assert "# Get the signed-in user" in mini_site.html("en")


@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_endpoint_table_links_to_the_documenting_page(mini_site: ScratchSite, lang_prefix: str) -> None:
    home = page(mini_site, lang_prefix)
    links = [href for href in home.links if "#" in href and "signup" in href]
    assert "guide/signup/#getme" in links
    assert "guide/signup/#emailsignup" in links
    signup = page(mini_site, f"{lang_prefix}guide/signup")
    assert {"getme", "emailsignup", "listsessions", "revokesession", "refreshtokens"} <= signup.ids
    # listOutbox is documented nowhere: its summary is plain text, not a dead link
    assert not [href for href in home.links if "listoutbox" in href]


@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_error_table_points_to_the_catalog(mini_site: ScratchSite, lang_prefix: str) -> None:
    signup = page(mini_site, f"{lang_prefix}guide/signup")
    assert "../../errors/" in signup.links
    # each code of the operation links to its row of the catalog
    assert "../../errors/#auth-invalid-email" in signup.links
    assert "../../errors/#auth-email-already-exists" in signup.links
    errors = page(mini_site, f"{lang_prefix}errors")
    codes = [r[0] for r in errors.tables[0]["rows"]]
    assert "auth/invalid-email" in codes and "user/forbidden" in codes
    assert {"auth-invalid-email", "auth-email-already-exists", "user-forbidden"} <= errors.ids
    assert [r[0] for r in errors.tables[1]["rows"]] == ["user/invalid-nickname", "user/forbidden"]


@pytest.mark.parametrize("path", ["", "guide/signup", "reference", "errors"])
@pytest.mark.parametrize("lang_prefix", ["", "en/"])
def test_ids_are_unique(mini_site: ScratchSite, lang_prefix: str, path: str) -> None:
    # the catalog lists user/ codes twice, the reference page documents two operations
    ids = page(mini_site, lang_prefix + path).id_list
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_operation_headings_share_ids_across_languages(mini_site: ScratchSite) -> None:
    ko, en = page(mini_site, "reference"), page(mini_site, "en/reference")
    expected = {
        f"{op}{suffix}"
        for op in ("updateuserprofile", "listusers")
        for suffix in ("", "-request", "-response", "-errors", "-samples", "-console")
    }
    assert expected <= ko.ids
    assert expected <= en.ids
    html = mini_site.html("reference")
    assert re.search(r'<h3 id="updateuserprofile">프로필 수정', html)
    assert re.search(r'<h2 id="listusers">User 목록', html)
    assert re.search(r'<h4 id="updateuserprofile-request">요청', html)
    assert re.search(r'<h4 id="updateuserprofile-request">Request', mini_site.html("en/reference"))


def test_pipes_and_newlines_stay_inside_their_cell(mini_site: ScratchSite) -> None:
    ref = page(mini_site, "en/reference")
    search = next(r for t in ref.tables for r in t["rows"] if r[0] == "search")
    assert len(search) == 6
    assert search[5] == "Text to look for | in names or e-mails."
    bio = next(r for t in page(mini_site, "en").tables for r in t["rows"] if r[0] == "bio")
    assert len(bio) == 5
    assert bio[4] == "A short introduction.Shown on the public profile."  # <br><br> between them


def test_console_is_mounted_by_operation(mini_site: ScratchSite) -> None:
    html = mini_site.html("reference")
    assert 'data-operation="updateUserProfile"' in html
    assert 'data-operation="listUsers"' in html
