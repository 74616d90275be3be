"""One construct at a time: GitBook Markdown in, the exact Material Markdown out."""

from __future__ import annotations

import textwrap

import pytest

from importer import ImportFailed, import_space
from importer.anchors import match_anchor
from importer.assets import clean_name
from importer.lists import reindent_lists
from tests.importer.conftest import write_space


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize("style", ["info", "success", "warning", "danger"])
def test_hint_becomes_untitled_admonition_of_the_same_type_with_emoji_kept(convert, style):
    page = md(f"""
        {{% hint style="{style}" %}}
        💡 첫 줄은 **그대로** 남습니다.

        * 목록
        {{% endhint %}}
        """)
    assert convert(page).text == md(f"""
        !!! {style} ""

            💡 첫 줄은 **그대로** 남습니다.

            * 목록
        """)


def test_hint_keeps_code_fences_and_blank_lines_inside_them(convert):
    page = md("""
        {% hint style="warning" %}
        ```bash
        echo one

        echo two
        ```
        {% endhint %}
        after
        """)
    assert convert(page).text == md("""
        !!! warning ""

            ```bash
            echo one

            echo two
            ```

        after
        """)


def test_one_line_hint(convert):
    assert convert('{% hint style="info" %}짧은 힌트{% endhint %}\n').text == '!!! info ""\n\n    짧은 힌트\n'


def test_tabs_become_content_tabs_with_fences_tables_and_lists_indented(convert):
    page = md("""
        {% tabs %}
        {% tab title="cURL" %}
        ```bash
        curl http://127.0.0.1:8000/
        ```
        {% endtab %}
        {% tab title="표와 목록" %}
        | a | b |
        |---|---|
        | 1 | 2 |

        1. one
           1. nested
        {% endtab %}
        {% endtabs %}
        """)
    assert convert(page).text == md("""
        === "cURL"

            ```bash
            curl http://127.0.0.1:8000/
            ```

        === "표와 목록"

            | a | b |
            |---|---|
            | 1 | 2 |

            1. one
                1. nested
        """)


def test_a_tab_group_right_after_another_starts_a_new_group(convert):
    page = md("""
        {% tabs %}
        {% tab title="A" %}
        a
        {% endtab %}
        {% endtabs %}

        {% tabs %}
        {% tab title="B" %}
        b
        {% endtab %}
        {% endtabs %}

        text

        {% tabs %}
        {% tab title="C" %}
        c
        {% endtab %}
        {% endtabs %}
        """)
    assert convert(page).text == md("""
        === "A"

            a

        ===! "B"

            b

        text

        === "C"

            c
        """)


def test_tabs_nested_in_a_hint_nested_in_tabs(convert):
    page = md("""
        {% tabs %}
        {% tab title="Outer" %}
        {% hint style="danger" %}
        inside
        {% tabs %}
        {% tab title="Inner" %}
        ```python
        print(1)
        ```
        {% endtab %}
        {% endtabs %}
        {% endhint %}
        {% endtab %}
        {% endtabs %}
        """)
    assert convert(page).text == md("""
        === "Outer"

            !!! danger ""

                inside

                === "Inner"

                    ```python
                    print(1)
                    ```
        """)


def test_details_become_collapsible_admonitions(convert):
    page = md("""
        <details>

        <summary>More</summary>

        hidden text

        </details>

        <details open><summary>Open one</summary>

        shown

        </details>
        """)
    assert convert(page).text == md("""
        ??? note "More"

            hidden text

        ???+ note "Open one"

            shown
        """)


def test_code_tag_adds_title_and_line_numbers_to_its_fence(convert):
    page = md("""
        {% code title="app.js" overflow="wrap" lineNumbers="true" %}
        ```javascript
        console.log(1);
        ```
        {% endcode %}
        """)
    assert convert(page).text == '```javascript title="app.js" linenums="1"\nconsole.log(1);\n```\n'


def test_embeds_become_links(convert):
    page = md("""
        {% embed url="https://www.youtube.com/watch?v=abc" %}
        Intro video
        {% endembed %}

        {% embed url="https://github.com/bkend-ai" %}
        """)
    assert convert(page).text == md("""
        [Intro video](https://www.youtube.com/watch?v=abc)

        <https://github.com/bkend-ai>
        """)


def test_figures_and_images_copy_assets_and_rewrite_paths(convert):
    png = b"\x89PNG\r\n\x1a\nnot-really"
    page = md("""
        <figure><img src=".gitbook/assets/image (1).png" alt="Flow" width="300"><figcaption><p>The flow</p></figcaption></figure>

        Inline ![Alt](<.gitbook/assets/image (1).png>) and <img src=".gitbook/assets/a%20b.png" alt="">
        """)
    conv = convert(page, {".gitbook/assets/image (1).png": png, ".gitbook/assets/a b.png": png + b"2"})
    assert conv.text == md("""
        <figure markdown="span">
          ![Flow](media/image-1.png){ width="300" }
          <figcaption>The flow</figcaption>
        </figure>

        Inline ![Alt](media/image-1.png) and ![](media/a-b.png)
        """)
    assert (conv.out / "docs" / "ko" / "media" / "image-1.png").read_bytes() == png
    assert (conv.out / "docs" / "ko" / "media" / "a-b.png").read_bytes() == png + b"2"
    assert conv.result.assets == 2


def test_remote_images_become_links_with_a_warning(convert):
    conv = convert("![logo](https://cdn.example.com/logo.png)\n")
    assert conv.text == "[logo](https://cdn.example.com/logo.png)\n"
    [warning] = conv.result.warnings
    assert (warning.kind, warning.line) == ("remote-image", 1)


def test_file_blocks_and_links_to_files_copy_the_file(convert):
    page = md("""
        {% file src=".gitbook/assets/guide.pdf" %}
        The guide
        {% endfile %}

        [download](.gitbook/assets/guide.pdf)
        """)
    conv = convert(page, {".gitbook/assets/guide.pdf": b"%PDF-1.4"})
    assert conv.text == "[The guide](media/guide.pdf)\n\n[download](media/guide.pdf)\n"
    assert conv.result.assets == 1


def test_links_follow_the_new_layout(convert):
    page = md("""
        [home](README.md) [sub](docs/README.md) [spaced](<docs/시작 하기.md#준비>) [enc](docs/시작%20하기.md)
        [self](#second-part) [gitbook anchor](docs/시작%20하기.md#id-2.-다음) `[code](README.md)`

        ## Second part

        [ref][r]

        [r]: docs/README.md
        """)
    conv = convert(
        page,
        {
            "README.md": "# Home\n",
            "docs/README.md": "# Docs\n",
            "docs/시작 하기.md": "# 시작\n\n## 준비\n\n## 2. 다음\n",
        },
    )
    assert conv.text == md("""
        [home](index.md) [sub](docs/index.md) [spaced](docs/시작-하기.md#준비) [enc](docs/시작-하기.md)
        [self](#second-part) [gitbook anchor](docs/시작-하기.md#2-다음) `[code](README.md)`

        ## Second part

        [ref][r]

        [r]: docs/index.md
        """)
    assert conv.result.warnings == []
    assert (conv.out / "docs" / "ko" / "docs" / "시작-하기.md").is_file()


def test_links_that_cannot_be_followed_keep_their_text_and_are_reported_with_their_line(convert):
    page = md("""
        # Title

        [missing](other.md)
        [outside](../../elsewhere.md)
        [listed nowhere](unlisted.md)
        [bad anchor](#nowhere)
        [gitbook broken](broken-reference)
        [new broken](/broken/pages/AbCdEf)
        [by reference][gone]

        [gone]: gone.md
        """)
    conv = convert(page, {"SUMMARY.md": "* [Page](page.md)\n", "unlisted.md": "# Unlisted\n"})
    assert conv.text == md("""
        # Title

        missing
        outside
        listed nowhere
        bad anchor
        gitbook broken
        new broken
        [by reference][gone]

        [gone]: #
        """)
    found = [(d.line, d.kind, d.target) for d in conv.result.warnings]
    assert found == [
        (3, "broken-link", "other.md"),
        (4, "broken-link", "../../elsewhere.md"),
        (5, "link-outside", "unlisted.md"),
        (6, "anchor", "#nowhere"),
        (7, "broken-link", "broken-reference"),
        (8, "broken-link", "/broken/pages/AbCdEf"),
        (11, "broken-link", "gone.md"),
    ]
    assert "'unlisted.md' is not part of this import" in conv.result.warnings[2].message
    assert all(str(d).startswith(f"{conv.src / 'page.md'}:{d.line}: warning: ") for d in conv.result.warnings)


def test_links_out_of_the_import_go_to_the_repository_web_url(tmp_path):
    src = write_space(tmp_path / "space", {"page.md": "[unlisted](unlisted.md) [tool](tools/run.sh)\n", "tools/run.sh": "x"})
    (src / "SUMMARY.md").write_text("* [Page](page.md)\n", encoding="utf-8")
    (src / "unlisted.md").write_text("# U\n", encoding="utf-8")
    result = import_space(src, tmp_path / "out", repo_url="https://git.example.org/team/docs/blob/main/")
    text = (tmp_path / "out" / "docs" / result.outputs[src / "page.md"]).read_text(encoding="utf-8")
    assert text == "[unlisted](https://git.example.org/team/docs/blob/main/unlisted.md) [tool](media/run.sh)\n"
    assert result.warnings == []


def test_content_ref_becomes_a_link_titled_like_the_nav(convert):
    page = md("""
        {% content-ref url="guide.md" %}
        [guide.md](guide.md)
        {% endcontent-ref %}
        """)
    conv = convert(page, {"SUMMARY.md": "* [Page](page.md)\n* [사용 안내](guide.md)\n", "guide.md": "# G\n"})
    assert conv.text == "[사용 안내](guide.md)\n"


def test_gitbook_tags_inside_code_are_left_alone(convert):
    page = md("""
        ```text
        {% hint style="info" %}
        ```
        Use `{% tabs %}` here.
        """)
    conv = convert(page)
    assert "{% hint style=\"info\" %}" in conv.text and "!!!" not in conv.text and "===" not in conv.text


def test_mermaid_fences_are_kept(convert):
    page = "```mermaid\nflowchart LR\n    A --> B\n```\n"
    assert convert(page).text == page


def test_readme_becomes_index_and_nav_fragment_follows_summary(convert):
    conv = convert(
        "# Page\n",
        {
            "SUMMARY.md": md("""
                # Table of contents

                * [Home](README.md)

                ## Group

                * [Page](page.md)
                  * [Child](sub/README.md)
                * [Site](https://example.com/)
                """),
            "README.md": "# Home\n",
            "sub/README.md": "# Child\n",
        },
    )
    assert (conv.out / "nav.ko.yml").read_text(encoding="utf-8") == md("""
        - Home: index.md
        - Group:
          - Page:
            - Page: page.md
            - Child: sub/index.md
          - Site: https://example.com/
        """)
    assert sorted(str(p.relative_to(conv.out)) for p in conv.out.rglob("*.md")) == [
        "docs/ko/index.md",
        "docs/ko/page.md",
        "docs/ko/sub/index.md",
    ]


def test_reindent_lists_moves_commonmark_nesting_to_four_spaces():
    src = ["* a", "  * b", "    text of b", "", "  para of a", "* c", "1. one", "   ```sh", "   ls", "   ```", "x"]
    assert reindent_lists(src) == [
        "* a",
        "    * b",
        "        text of b",
        "",
        "    para of a",
        "* c",
        "1. one",
        "    ```sh",
        "    ls",
        "    ```",
        "x",
    ]


def test_a_hint_indented_in_a_list_item_stays_in_the_item(convert):
    page = md("""
        1. step
           {% hint style="info" %}
           note
           {% endhint %}
        2. next
        """)
    assert convert(page).text == md("""
        1. step

            !!! info ""

                note

        2. next
        """)


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("second-part", "second-part"),  # already the MkDocs id
        ("id-1.-install", "1-install"),  # GitBook's prefix for headings that start with a digit
        ("post-v1-auth-email-signup", "post-v1authemailsignup"),  # GitBook keeps a dash for '/'
        ("response-1", "response_1"),  # the second "Response"
        ("회원가입-흐름", "회원가입-흐름"),
        ("nothing-like-it", None),
    ],
)
def test_match_anchor(anchor, expected):
    headings = [
        ("Second part", "second-part"),
        ("1. Install", "1-install"),
        ("POST /v1/auth/email/signup", "post-v1authemailsignup"),
        ("Response", "response"),
        ("Response", "response_1"),
        ("회원가입 흐름", "회원가입-흐름"),
    ]
    assert match_anchor(anchor, headings) == expected


def test_clean_asset_names():
    assert clean_name("image (3).png") == "image-3.png"
    assert clean_name("로그인 화면.PNG") == "로그인-화면.PNG"
    assert clean_name("(1).png") == "1.png"


def test_front_matter_keeps_description_and_drops_gitbook_layout_keys(convert):
    page = md("""
        ---
        description: 짧은 설명
        icon: rocket
        layout:
          title:
            visible: true
        ---

        # 제목

        [gone](gone.md)
        """)
    conv = convert(page)
    assert conv.text == "---\ndescription: 짧은 설명\n---\n\n# 제목\n\ngone\n"
    assert [d.line for d in conv.result.warnings] == [11]  # line numbers still count the front matter


def test_invalid_front_matter_is_an_error_with_its_line(tmp_path):
    src = write_space(tmp_path / "space", {"page.md": "---\ndescription: [unclosed\n---\n# T\n"})
    with pytest.raises(ImportFailed) as failed:
        import_space(src, tmp_path / "out")
    [error] = failed.value.diagnostics
    assert (error.path.name, error.kind) == ("page.md", "front-matter")
    assert error.line in (2, 3)


def test_gitbook_heading_anchor_becomes_an_attr_list_id_that_links_use(convert):
    page = md("""
        ## 토큰 갱신 <a href="#refresh-token" id="refresh-token"></a>

        [위로](#refresh-token) [다른 페이지에서](other.md#refresh)
        """)
    conv = convert(page, {"other.md": '# O\n\n## Refresh <a href="#refresh" id="refresh"></a>\n'})
    assert conv.text == "## 토큰 갱신 { #refresh-token }\n\n[위로](#refresh-token) [다른 페이지에서](other.md#refresh)\n"
    assert conv.result.warnings == []
    assert conv.page("other.md") == "# O\n\n## Refresh { #refresh }\n"


def test_gitbook_yaml_names_the_content_root_the_readme_and_the_summary(tmp_path):
    src = tmp_path / "repo"
    write_space(
        src,
        {
            ".gitbook.yaml": "root: ./content/\nstructure:\n  readme: intro.md\n  summary: toc.md\n",
            "SUMMARY.md": "* [Not this one](elsewhere.md)\n",
            "content/toc.md": "# Contents\n\n* [Guide](guide.md)\n* [Intro](intro.md)\n",
            "content/intro.md": "# Intro\n\nSee the [guide](guide.md) and the [logo](/assets/logo.png).\n",
            "content/guide.md": "# Guide\n\nBack to the [intro](intro.md).\n",
            "content/assets/logo.png": b"\x89PNG",
        },
    )
    result = import_space(src, tmp_path / "out")
    assert result.outputs == {src / "content" / "guide.md": "ko/guide.md", src / "content" / "intro.md": "ko/index.md"}
    assert (tmp_path / "out" / "docs" / "ko" / "index.md").read_text(encoding="utf-8") == (
        "# Intro\n\nSee the [guide](guide.md) and the [logo](media/logo.png).\n"
    )
    assert (tmp_path / "out" / "docs" / "ko" / "guide.md").read_text(encoding="utf-8").endswith("[intro](index.md).\n")
    assert result.warnings == []
