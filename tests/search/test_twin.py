"""Markdown twins and the generated-block markers on small inputs (the built pages are in test_llms.py)."""

from __future__ import annotations

from pathlib import Path

from docs_search.markers import mark_generated, strip_markers
from docs_search.sections import split_sections
from docs_search.twin import publish, to_twin

PAGE = """# Sign-up { #signup }

:material-email-outline: **Email** first.

!!! tip "Terms"
    Ask for consent in the form.

    {{ code_samples("emailSignUp") | indent(4) }}

## Request { #request }

{{ endpoint("emailSignUp") }}

<form class="bkc" data-operation="emailSignUp">
<label><span>Send request</span></label>
</form>

```js
--8<-- "snippet.js"
```
"""

RENDERED_SAMPLES = '''===! "cURL"

        ```bash
        curl -X POST "https://api.example/v1/auth/email/signup"
        ```'''


def test_markers_wrap_block_calls_and_strip_back() -> None:
    marked = mark_generated(PAGE)
    assert '    <!--bk-gen:code_samples:emailSignUp-->\n    {{ code_samples("emailSignUp") | indent(4) }}' in marked
    assert "<!--bk-gen:endpoint:emailSignUp-->" in marked
    assert strip_markers(marked) == PAGE


def test_twin_flattens_material_syntax(tmp_path: Path) -> None:
    (tmp_path / "snippet.js").write_text("export const x = 1;\n", encoding="utf-8")
    rendered = (
        mark_generated(PAGE)
        .replace('{{ code_samples("emailSignUp") | indent(4) }}', RENDERED_SAMPLES)
        .replace(
            '{{ endpoint("emailSignUp") }}',
            '<span class="bk-method bk-method--post">POST</span> `/v1/auth/email/signup` · Auth: API key',
        )
    )
    marked = to_twin(rendered, base=tmp_path)
    twin = publish(marked)
    assert twin.startswith("# Sign-up\n")
    assert "## Request\n" in twin and "{ #" not in twin
    assert "**Email** first." in twin and ":material" not in twin
    assert "> **Terms**\n>\n> Ask for consent in the form." in twin
    assert '> **cURL**\n>\n> ```bash\n> curl -X POST "https://api.example/v1/auth/email/signup"\n> ```' in twin
    assert "POST `/v1/auth/email/signup` · Auth: API key" in twin  # the method badge as text
    assert "<form" not in twin and "Send request" not in twin
    assert "```js\nexport const x = 1;\n```" in twin
    assert "bk-gen" not in twin

    page, request = split_sections(marked, "Sign-up")
    assert page.title == "Sign-up" and "Ask for consent in the form." in page.text
    assert "curl" not in page.text  # sample code stays out of the index
    assert request.anchor == "request"
    assert request.keys == ["emailSignUp", "/v1/auth/email/signup"]
    assert "Send request" not in request.text
