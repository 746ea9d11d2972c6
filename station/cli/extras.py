"""The optional parts of the install: `pip install 'jiujin[hub]'` adds the city hub."""

from __future__ import annotations

import importlib.util

#: extra name -> the top-level modules it brings (pyproject.toml's optional dependencies).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "hub": ("starlette", "uvicorn", "psycopg", "psycopg_pool", "prometheus_client", "shamir_mnemonic",
            "orjson"),
}


def missing_modules(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here; empty when it is installed."""
    return [name for name in EXTRA_MODULES[extra] if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # in sys.modules as None: deliberately unavailable
        return False


def missing_message(extra: str) -> str:
    """One line, Chinese then English, naming the extra to install."""
    return (f"jiujin: 市级中心命令需要安装 {extra} 组件：pip install 'jiujin[{extra}]'"
            f" / the {extra} commands need the {extra} extra: pip install 'jiujin[{extra}]'")
