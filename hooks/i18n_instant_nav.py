"""MkDocs hook: silence static-i18n's warning about Material's instant navigation.

The plugin warns that its language switcher is not compatible with `navigation.instant`, and under
`strict: true` that warning alone fails the build. The incompatibility is handled by the site
(overrides/main.html carries each page's alternates in the swapped content and assets/site.js
re-points the switcher after every navigation, tested in tests/site/), so this one message is dropped.
Every other warning of the plugin still counts.
"""

import logging


class _DropInstantNavigationWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "navigation.instant" not in record.getMessage()


logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure").addFilter(_DropInstantNavigationWarning())
