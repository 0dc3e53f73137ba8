"""The gateway adapters the portal knows, by method. See :mod:`payments.gateways.base`."""

from __future__ import annotations

from .base import GatewayAdapter
from .sandbox import SandboxCardAdapter, SandboxFpsAdapter, SandboxPpsAdapter

GATEWAYS: dict[str, GatewayAdapter] = {
    adapter.code: adapter for adapter in (SandboxCardAdapter(), SandboxPpsAdapter(), SandboxFpsAdapter())
}


def adapter_for_method(method: str) -> GatewayAdapter:
    """The adapter that takes payments by ``method`` (card, pps, fps)."""
    for adapter in GATEWAYS.values():
        if adapter.method == method:
            return adapter
    raise LookupError(f"No gateway takes payments by {method!r}.")


def adapter_for_code(code: str) -> GatewayAdapter:
    try:
        return GATEWAYS[code]
    except KeyError:
        raise LookupError(f"No gateway {code!r}.") from None
