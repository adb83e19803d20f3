"""Running workers and the scheduler, in-process (`raccord serve`) or alone (`raccord worker`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raccord.core.jobs import Scheduler

if TYPE_CHECKING:
    from raccord.core.hub import Hub


class InProcessWorkers:
    """Huey worker threads and the raccord scheduler inside the current process."""

    def __init__(self, hub: Hub, workers: int = 2, scheduler: bool = True) -> None:
        self.hub = hub
        self.consumer: Any = hub.jobs.consumer(workers)
        self.scheduler = Scheduler(hub) if scheduler else None

    def start(self) -> InProcessWorkers:
        # Consumer.start() would install signal handlers, which only the main program may do.
        self.consumer.scheduler.start()
        for _, worker in self.consumer.worker_threads:
            worker.start()
        if self.scheduler is not None:
            self.scheduler.start()
        return self

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.consumer.stop(graceful=True)
