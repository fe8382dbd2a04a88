"""The Ray engine: per-document stages as Ray Data ``map_batches`` over the inputs, clustering blocks as Ray tasks.

Each input (a file to read, or a document read from a JSONL file) is one row of a Ray dataset,
pickled with the number of its batch. An actor pool (``concurrency`` = the workers; each actor loads
the models once) reads the files and runs every per-document stage on batches of rows; the dataset
keeps the input order (``preserve_order``), so the driver regroups the rows into the run's batches
and decides duplicates, copies and what to store exactly as the local engine does.

Fault tolerance is Ray's: an actor that dies (a killed worker process) is restarted and its batch
retried (Ray Data's actors have ``max_restarts=-1``, ``max_task_retries=-1``); a clustering task is
retried up to ``_TASK_RETRIES`` times. What a killed driver had done is kept by the run's checkpoint
(``eventlens run --resume``).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..model import Document, Failure
from ..pipeline import Pipeline, StepCallback, _read_pending

__all__ = ["RayEngine"]

logger = logging.getLogger(__name__)

_TASK_RETRIES = 3
# Test hook: a worker that finds this variable set to a path that does not exist yet creates it and
# kills its own process (SIGKILL) once, mid-run, to show that Ray retries the batch.
KILL_WORKER_ONCE = "EVENTLENS_TEST_KILL_WORKER_ONCE"


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("the ray engine needs Ray: pip install 'eventlens[ray]'") from None
    return ray


class _DocWorker:
    """One Ray Data actor: the pipeline built once, then batches of pickled inputs in, pickled outputs out."""

    def __init__(self, settings_json: str) -> None:
        from ..settings import Settings

        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        self.pipeline = Pipeline(Settings.model_validate_json(settings_json))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        marker = os.environ.get(KILL_WORKER_ONCE)
        if marker and not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()), encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        items = [pickle.loads(blob) for blob in batch["item"]]
        # Read each input first (a file may hold several documents), then stage them all as one batch.
        read = [_read_pending([item], self.pipeline.settings) for item in items]
        flat = self.pipeline.process_batch([doc for docs in read for doc in docs])
        outputs, start = [], 0
        for docs in read:
            outputs.append(pickle.dumps(flat[start : start + len(docs)]))
            start += len(docs)
        return {"batch": batch["batch"], "out": np.array(outputs, dtype=object)}


def _run_task(func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    return func(*args)


class RayEngine:
    """Runs a run's work on Ray: ``address`` of a cluster, or a local one of ``num_cpus`` CPUs."""

    name = "ray"

    def __init__(self, *, address: str | None = None, num_cpus: int | None = None, workers: int | None = None) -> None:
        ray = _ray()
        if not ray.is_initialized():
            env = {name: value for name, value in os.environ.items() if name.startswith("EVENTLENS_TEST_")}
            ray.init(
                address=address,
                num_cpus=num_cpus if address is None else None,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                runtime_env={"env_vars": env} if env else None,
            )
        self.workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._task = ray.remote(max_retries=_TASK_RETRIES)(_run_task)

    def process(
        self, pipeline: Pipeline, batches: Iterable[list[Any]], on_step: StepCallback | None = None
    ) -> Iterator[list[Document | Failure]]:
        ray = _ray()
        numbered = list(enumerate(batches))
        rows = [{"batch": number, "item": pickle.dumps(item)} for number, batch in numbered for item in batch]
        if not rows:
            for _ in numbered:
                yield []
            return
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        size = pipeline.settings.pipeline.batch_size
        dataset = ray.data.from_items(rows, override_num_blocks=max(1, -(-len(rows) // size))).map_batches(
            _DocWorker,
            fn_constructor_args=(pipeline.settings.model_dump_json(),),
            batch_size=size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=1,
        )
        numbers = iter(number for number, _ in numbered)
        number, current = next(numbers), []
        for row in dataset.iter_rows():  # in input order (preserve_order)
            while int(row["batch"]) != number:
                yield current
                number, current = next(numbers), []
            current.extend(pickle.loads(row["out"]))
            if on_step is not None:
                on_step("ray", 1)
        yield current
        for _ in numbers:
            yield []

    def map_calls(self, func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        if len(calls) <= 1:
            return [func(*args) for args in calls]
        ray = _ray()
        # At most ``workers`` tasks at once (the benchmark compares 1 and 2); results in call order.
        refs: list[Any] = []
        pending: list[Any] = []
        for args in calls:
            if len(pending) >= self.workers:
                _, pending = ray.wait(pending, num_returns=1)
            refs.append(self._task.remote(func, args))
            pending.append(refs[-1])
        return list(ray.get(refs))

    def close(self) -> None:
        """Leaves Ray running: a cluster is shared, and a local one ends with the process."""
