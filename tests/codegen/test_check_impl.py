"""`specfirst check-impl`: a handler class that lacks an operation, or whose signature drifted from the
generated interface, is named with its file, line, method and operation (mypy names none of these)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specfirst.cli import main

HANDLERS = """\
from __future__ import annotations

from generated import AuthHandlers, SystemHandlers
from generated.models import ItemOut


class System(SystemHandlers):
    def __init__(self) -> None:
        self.ready = True


class Auth(AuthHandlers):
    def create_token(self, body: str) -> ItemOut:
        raise NotImplementedError
"""
DRIFTED_TYPES = """\
from __future__ import annotations

from generated import ItemsHandlers
from generated.models import ItemIn


class Items(ItemsHandlers):
    async def get_item(self, *, item_id: str) -> ItemIn:
        raise NotImplementedError
"""


def check(
    tmp_path: Path, name: str, source: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "handlers.py").write_text(source)
    code = main(["check-impl", "generated", name])
    return code, capsys.readouterr().err.splitlines()


def test_a_missing_method_and_a_drifted_signature_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, lines = check(tmp_path, "drift_app_one", HANDLERS, capsys)

    assert lines == [
        "drift_app_one/handlers.py:7: System lacks get_health (SystemHandlers; operation getHealth, "
        "GET /api/v1/health)",
        "drift_app_one/handlers.py:13: Auth.create_token: the parameters are (body), the contract's are "
        "(*, body) (AuthHandlers; operation createToken, POST /api/v1/auth/token)",
        "drift_app_one/handlers.py:13: Auth.create_token: returns ItemOut, the contract's is CreateTokenOk "
        "(AuthHandlers; operation createToken, POST /api/v1/auth/token)",
        "drift_app_one: 3 difference(s) from generated's interfaces",
    ]
    assert code == 1


def test_a_parameter_or_return_type_that_drifted_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, lines = check(tmp_path, "drift_app_two", DRIFTED_TYPES, capsys)

    about = "(ItemsHandlers; operation getItem, GET /api/v1/items/{itemId})"
    drifted = [line for line in lines if "Items.get_item" in line]
    assert drifted == [
        f"drift_app_two/handlers.py:8: Items.get_item: parameter 'item_id' is str, the contract's is int "
        f"{about}",
        f"drift_app_two/handlers.py:8: Items.get_item: returns ItemIn, the contract's is ItemOut {about}",
    ]
    # every other operation of the tag is missing, each named once
    assert "drift_app_two/handlers.py:7: Items lacks list_items (ItemsHandlers; operation listItems, " in (
        "\n".join(lines)
    )
    assert sum(" lacks " in line for line in lines) == len(lines) - 3
    assert code == 1


def test_the_example_service_matches_its_interfaces(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-impl", "generated", "app"]) == 0
    assert capsys.readouterr().err == "app: 7 implementation(s) match generated's interfaces\n"
