"""The Jinja guard: whatever Jinja would read as a tag, an expression or a comment comes out of a
Jinja render exactly as written. (The build test renders the guarded pages with mkdocs-macros too.)"""

from __future__ import annotations

import jinja2
import pytest

from importer.jinja_guard import protect

TRICKY = {
    "expression in prose": "Hello {{ user.email }}, welcome.\n",
    "bash array length": "```bash\necho \"${#arr[@]}\"\n```\n",
    "raw and endraw as text": "Use `{% raw %}` and `{% endraw %}` to escape.\n",
    "endraw with dashes": "{%- endraw -%} and {%+endraw%}\n",
    "comment": "{# not a comment #}\n",
    "fence in an admonition": '!!! info ""\n\n    ```jinja\n    {% if x %}{{ x }}{% endif %}\n    ```\n',
    "table row": "| a | `{{token}}` |\n|---|---|\n",
    "brace before the closing tag": "ends with {{ x }} {\n",
    "triple braces": "{{{ odd }}}\n",
    "unclosed opener": "a lone {{ opener\nand a line after }}\n",
    "fence with endraw inside": "~~~\n{% raw %}\n{{ a }}\n{% endraw %}\n~~~\n",
    "GitBook tag as text": '{% hint style="info" %} in a sentence\n',
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_jinja_renders_guarded_text_unchanged(text):
    guarded = protect(text)
    assert guarded != text
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    rendered = env.from_string(guarded).render()
    if "```" in text or "~~~" in text:
        # The raw tags around a fence sit on lines of their own, which render as blank lines.
        assert _without_blank_lines(rendered) == _without_blank_lines(text)
    else:
        assert rendered == text


def _without_blank_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def test_text_without_openers_is_untouched():
    text = "# Title\n\n`{single}` braces, ${HOME}, %} and }} alone, { # spaced\n"
    assert protect(text) == text


def test_fences_get_raw_tags_on_their_own_lines_at_the_fence_indentation():
    text = '!!! info ""\n\n    ```bash\n    echo "${#arr[@]}"\n    ```\n'
    assert protect(text) == (
        '!!! info ""\n\n    {% raw %}\n    ```bash\n    echo "${#arr[@]}"\n    ```\n    {% endraw %}\n'
    )


def test_prose_lines_are_wrapped_inline_after_their_indentation():
    assert protect("    * item {{ x }}\n") == "    {% raw %}* item {{ x }}{% endraw %}\n"
