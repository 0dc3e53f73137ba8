"""The gateway adapters the portal knows, by method. See :mod:`payments.gateways.base`.

Only *enabled* gateways take payments, callbacks and refunds. The sandbox takes no money,
so it is enabled only when ``PAYMENT_SANDBOX_ENABLED`` says so explicitly (development,
the demo, tests); ``check --deploy`` refuses it with ``DEBUG`` off (icms.E030). With no
gateway enabled, the pay page offers the deposit account only and says why.
"""

from __future__ import annotations

from django.conf import settings

from .base import GatewayAdapter
from .sandbox import SandboxCardAdapter, SandboxFpsAdapter, SandboxPpsAdapter

_SANDBOX_ADAPTERS: tuple[GatewayAdapter, ...] = (SandboxCardAdapter(), SandboxPpsAdapter(), SandboxFpsAdapter())


def enabled_gateways() -> dict[str, GatewayAdapter]:
    """The gateways in service now, by code; read on each call, so a changed setting counts."""
    adapters = _SANDBOX_ADAPTERS if settings.PAYMENT_SANDBOX_ENABLED else ()
    return {adapter.code: adapter for adapter in adapters}


def offered_methods() -> list[str]:
    """The methods (card, pps, fps) a payer can choose now, in the order the page shows them."""
    return [adapter.method for adapter in enabled_gateways().values()]


def adapter_for_method(method: str) -> GatewayAdapter:
    """The enabled adapter that takes payments by ``method`` (card, pps, fps)."""
    for adapter in enabled_gateways().values():
        if adapter.method == method:
            return adapter
    raise LookupError(f"No gateway takes payments by {method!r}.")


def adapter_for_code(code: str) -> GatewayAdapter:
    """The enabled adapter ``code``: callbacks and refunds of a gateway out of service are refused."""
    try:
        return enabled_gateways()[code]
    except KeyError:
        raise LookupError(f"No gateway {code!r}.") from None
