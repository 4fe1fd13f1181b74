"""pip's configuration read as pip reads it, and handed to uv (which reads none of it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nb2prod.deps.pipconfig import (
    effective,
    env_sections,
    parse_config_list,
    read_pip_config,
    uv_install_options,
)

CONFIG_LIST = """\
global.cert='/etc/ssl/certs/ca-certificates.crt'
global.constraint='/etc/xdg/pip/constraints.txt'
global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'
global.find-links='/opt/wheels'
install.find_links='/opt/install-wheels'
:env:.find-links='/opt/env-wheels'
:env:.default-timeout='180'
download.find-links='/not/for/install'
a line of another shape
global.index-url=not-a-python-literal
"""


def test_the_section_pip_install_uses_wins() -> None:
    sections = parse_config_list(CONFIG_LIST)
    assert sections[("install", "find-links")] == "/opt/install-wheels"  # find_links -> find-links
    assert ("global", "index-url") not in sections
    config = effective(sections)
    assert config == {
        "cert": "/etc/ssl/certs/ca-certificates.crt",
        "constraint": "/etc/xdg/pip/constraints.txt",
        "extra-index-url": "file:///opt/pypi/simple file:///opt/pypi-more/simple",
        "find-links": "/opt/env-wheels",  # the variable over [install] over [global]
        "default-timeout": "180",
    }


def test_uv_gets_pips_indexes_folders_constraints_and_certificate() -> None:
    config = effective(parse_config_list(CONFIG_LIST))
    options = uv_install_options(config, {})
    assert options.args == (
        "--index-strategy", "unsafe-best-match",
        "--extra-index-url", "file:///opt/pypi/simple",
        "--extra-index-url", "file:///opt/pypi-more/simple",
        "--find-links", "/opt/env-wheels",
    )  # fmt: skip
    assert options.constraints == ("-c", "/etc/xdg/pip/constraints.txt")
    assert options.env == {"SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
    assert uv_install_options(config, {"SSL_CERT_FILE": "/mine.pem"}).env == {}


def test_index_url_no_index_trusted_hosts_and_pre_releases() -> None:
    config = {
        "index-url": " https://mirror.example/simple ",
        "no-index": "true",
        "trusted-host": "mirror.example other.example",
        "pre": "1",
    }
    assert uv_install_options(config, {}).args == (
        "--index-strategy", "unsafe-best-match",
        "--index-url", "https://mirror.example/simple",
        "--allow-insecure-host", "mirror.example",
        "--allow-insecure-host", "other.example",
        "--no-index",
        "--prerelease", "allow",
    )  # fmt: skip
    assert "--no-index" not in uv_install_options({"no-index": "0"}, {}).args


def test_without_pip_the_variables_are_read_as_pip_reads_them() -> None:
    env = {"PIP_FIND_LINKS": "/w", "PIP_NO_INDEX": "1", "PIPX": "no", "PIP_": "no"}
    assert env_sections(env) == {(":env:", "find-links"): "/w", (":env:", "no-index"): "1"}
    no_pip = read_pip_config("/no/such/python", env)
    assert no_pip == {"find-links": "/w", "no-index": "1"}


def test_pip_itself_is_asked(tmp_path: Path) -> None:
    """A real pip reading a configuration file and a variable."""
    config = tmp_path / "pip.conf"
    config.write_text("[global]\nextra-index-url = file:///a\n[install]\nfind-links = /b\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env |= {"PIP_CONFIG_FILE": str(config), "PIP_NO_INDEX": "yes"}
    found = read_pip_config(sys.executable, env)
    assert found["find-links"] == "/b"
    assert found["no-index"] == "yes"
    assert "file:///a" in found["extra-index-url"].split()
