"""Variables: the four sources, their order, environments, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsblock.variables.secretnames import secret_header, secret_header_values
from wsblock.variables.sources import (
    VariableError,
    environment_names,
    load_variables,
    parse_dotenv,
    parse_env_vars,
)

PUBLIC = """\
dev:
  variables:
    HOST: dev.example
    LEVEL: dev
  children:
    eu:
      variables:
        LEVEL: dev/eu
      children:
        one:
          variables:
            LEVEL: dev/eu/one
            ONLY_ONE: "1"
prod:
  variables:
    HOST: prod.example
"""
PRIVATE = """\
dev:
  variables:
    TOKEN: s3cr3t-dev
  children:
    eu:
      variables:
        PASSWORD_X: hunter22
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_text(PUBLIC)
    (tmp_path / ".voiden" / "env-private.yaml").write_text(PRIVATE)
    return tmp_path


def test_environment_inheritance_a_then_a_b_then_a_b_c(project: Path) -> None:
    v = load_variables(project, "dev/eu/one", process_env={})
    assert v.values["HOST"] == "dev.example"
    assert v.values["LEVEL"] == "dev/eu/one"
    assert v.values["ONLY_ONE"] == "1"
    assert v.values["TOKEN"] == "s3cr3t-dev"
    assert v.values["PASSWORD_X"] == "hunter22"


def test_private_values_are_secrets(project: Path) -> None:
    v = load_variables(project, "dev/eu", process_env={})
    assert v.secrets == {"s3cr3t-dev", "hunter22"}
    assert "HOST" not in v.secret_names


def test_precedence_process_then_yaml_then_dotenv_then_env_var(project: Path) -> None:
    env_file = project / "vars.env"
    env_file.write_text("LEVEL=from-dotenv\nFROM_DOTENV=yes\n")
    proc = {"LEVEL": "from-process", "HOST": "from-process", "ONLY_PROCESS": "p"}
    v = load_variables(
        project, "dev", env_file=env_file, env_vars={"FROM_DOTENV": "cli"}, process_env=proc
    )
    assert v.values["ONLY_PROCESS"] == "p"  # 1 only
    assert v.values["HOST"] == "dev.example"  # 2 wins over 1
    assert v.values["LEVEL"] == "from-dotenv"  # 3 wins over 2
    assert v.values["FROM_DOTENV"] == "cli"  # 4 wins over 3


def test_a_secret_stays_secret_when_overridden(project: Path) -> None:
    v = load_variables(project, "dev", env_vars={"TOKEN": "given-on-cli"}, process_env={})
    assert "given-on-cli" in v.secrets


def test_profiles(project: Path) -> None:
    (project / ".voiden" / "env-staging-public.yaml").write_text(
        "stage:\n  variables:\n    HOST: st\n"
    )
    v = load_variables(project, "stage", profile="staging", process_env={})
    assert v.values["HOST"] == "st"
    assert environment_names(project, "staging") == ["stage"]
    with pytest.raises(VariableError, match="'stage' is not defined"):
        load_variables(project, "stage", process_env={})


def test_environment_names_for_a_picker(project: Path) -> None:
    assert environment_names(project) == [
        "dev",
        "dev.eu",
        "dev.eu.one",
        "prod",
    ]  # as Voiden names them


def test_project_dotenv_used_when_no_environment_selected(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("A=1\n")
    assert load_variables(tmp_path, process_env={}).values == {"A": "1"}


def test_unknown_variable_names_it_and_the_place() -> None:
    v = load_variables(None, process_env={"A": "x"})
    assert v.substitute("{{A}}-{{ A }}") == "x-x"
    with pytest.raises(VariableError) as e:
        v.substitute("ws://{{HOST}}/", "echo.void:12 socket-request URL")
    assert "{{HOST}}" in str(e.value) and "echo.void:12" in str(e.value)


def test_dotenv_syntax() -> None:
    text = "# c\nexport A=1\nB=\"two words\"\nC='x y'\nD=val # note\n\nE=\n"
    assert parse_dotenv(text) == {"A": "1", "B": "two words", "C": "x y", "D": "val", "E": ""}
    with pytest.raises(VariableError, match=r"f.env:2"):
        parse_dotenv("A=1\nnot a pair\n", "f.env")


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / ".voiden").mkdir()
    (tmp_path / ".voiden" / "env-public.yaml").write_text("dev:\n  variables: [\n")
    with pytest.raises(VariableError, match=r"env-public.yaml:\d+:\d+"):
        load_variables(tmp_path, "dev", process_env={})


def test_env_var_pairs() -> None:
    assert parse_env_vars(["A=1", "B=x=y", "C="]) == {"A": "1", "B": "x=y", "C": ""}
    with pytest.raises(VariableError, match="KEY=VALUE"):
        parse_env_vars(["nope"])


def test_secret_values_inserted_are_tracked(project: Path) -> None:
    v = load_variables(project, "dev", process_env={})
    assert v.secrets_in("Bearer {{TOKEN}} for {{HOST}}") == {"s3cr3t-dev"}


def test_the_rule_for_secret_header_names() -> None:
    """One rule for the headers of a request and of a handshake's answer."""
    for name in (
        "Authorization",
        "Cookie",
        "set-cookie",
        "X-Api-Key",
        "X-Session-Token",
        "X-Session-Id",
        "Proxy-Authorization",
        "X-Client-Secret",
    ):
        assert secret_header(name), name
    for name in ("Content-Type", "X-Resume-Ticket", "Sec-WebSocket-Accept", "Keep-Alive"):
        assert not secret_header(name), name


def test_the_secrets_a_header_holds() -> None:
    assert secret_header_values("Authorization", "Bearer abc.def") == ["Bearer abc.def", "abc.def"]
    assert secret_header_values("Set-Cookie", "sid=s3cr3t; Path=/; HttpOnly") == [
        "sid=s3cr3t; Path=/; HttpOnly",
        "s3cr3t",
    ]
    assert secret_header_values("Cookie", "a=one1; b=two2") == ["a=one1; b=two2", "one1", "two2"]
    assert secret_header_values("X-Resume-Ticket", "t-123") == []
