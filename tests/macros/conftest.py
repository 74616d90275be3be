"""Fixtures of the macro tests: the mini-site (tests/macros/site/docs, fixture spec) built once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import free_port, serve_directory
from tests.macros.scratch import MINI_SITE_DOCS, MINI_SITE_NAV, ScratchSite, make_site


@pytest.fixture(scope="session")
def mini_site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory, mini_site_port: int) -> ScratchSite:
    site = make_site(
        tmp_path_factory.mktemp("mini"),
        MINI_SITE_DOCS,
        MINI_SITE_NAV,
        site_url=f"http://127.0.0.1:{mini_site_port}/",
    )
    result = site.build()
    if result.returncode != 0:
        pytest.fail(f"the macro mini-site does not build ({result.returncode}):\n{result.stderr}")
    return site


@pytest.fixture(scope="session")
def mini_site_url(mini_site: ScratchSite, mini_site_port: int) -> Iterator[str]:
    with serve_directory(mini_site.site_dir, mini_site_port) as url:
        yield url
