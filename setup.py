"""Build hook: the UI's gettext catalogs are compiled into the wheel, so Babel is needed to
build Jiujin but never to run it. Everything else about the package is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("station/ui/catalogs")
LOCALE = Path("station/ui/locale")


class BuildPyWithCatalogs(build_py):
    """build_py, then catalogs/<lang>/LC_MESSAGES/jiujin.po → locale/<lang>/LC_MESSAGES/jiujin.mo."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable checkout compiles them with `make translations`
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for source in sorted(CATALOGS.glob("*/LC_MESSAGES/*.po")):
            lang = source.parent.parent.name
            target = Path(self.build_lib) / LOCALE / lang / "LC_MESSAGES" / f"{source.stem}.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po:
                catalog = read_po(po, locale=lang, domain=source.stem)
            with target.open("wb") as mo:
                write_mo(mo, catalog)


setup(cmdclass={"build_py": BuildPyWithCatalogs})
