"""The services this station offers at its counter.

A short built-in list serves the walking skeleton; the service catalog (`forms`)
replaces it when loaded.
"""

from __future__ import annotations

from station.core.seed import ServiceChoice

BUILTIN_VERSION = "builtin-1"
BUILTIN_SERVICES: list[ServiceChoice] = [
    ServiceChoice("JZZ-SL", "居住证申领", BUILTIN_VERSION),
    ServiceChoice("SBK-BL", "社会保障卡补领", BUILTIN_VERSION),
    ServiceChoice("GJJ-TQ", "住房公积金提取", BUILTIN_VERSION),
    ServiceChoice("GLJT-SQ", "高龄津贴申请", BUILTIN_VERSION),
    ServiceChoice("YBCB-DJ", "城乡居民医疗保险参保登记", BUILTIN_VERSION),
]


def service_choices() -> list[ServiceChoice]:
    """The services offered, in menu order."""
    return list(BUILTIN_SERVICES)
