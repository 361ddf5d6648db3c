"""The pull's progress bar: one step per exported chunk, on stderr (tqdm; silent when not a terminal)."""

from __future__ import annotations

from types import TracebackType

from tqdm import tqdm

from newsclaims.annotation.export_chunks import ChunkEvent


class ChunkProgress:
    """A context manager whose `update` is the `on_chunk` callback of an export."""

    def __init__(self, enabled: bool = True) -> None:
        # disable=None: tqdm shows the bar on a terminal only, so logs and pipes stay clean.
        self._bar = tqdm(total=0, unit="task", desc="export", disable=None if enabled else True, leave=False)
        self.reused = 0
        self.chunks = 0

    def update(self, event: ChunkEvent) -> None:
        self.chunks += 1
        self.reused += event.reused
        if self._bar.total != event.total:
            self._bar.reset(total=event.total)
            self._bar.unit = "chunk"
            self._bar.update(event.index)
        self._bar.set_postfix_str(f"{event.tasks} tasks{' (reused)' if event.reused else ''}")
        self._bar.update(1)

    def __enter__(self) -> ChunkProgress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.close()
