"""One local Ray cluster (2 CPUs) for the engine tests of a session; subprocess runs join it by address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    ray = pytest.importorskip("ray", reason="the ray engine tests need Ray (pip install 'eventlens[ray]')")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
