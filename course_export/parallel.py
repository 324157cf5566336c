"""Using a second core where it pays: the built course's archive is compressed while it is checked.

``magix course build`` spends about as long compressing the archive (gzip level 9, kept for
identical bytes) as half its check. With a second process, a forked child writes the archive to
``<output>.partial`` while the parent runs the check; the archive is renamed to its real name only
once the check passed and the child succeeded, and removed otherwise, so a failed check still
leaves no archive. The child is forked, not spawned: it reads the built tree from the parent's
memory (copy on write) and sends nothing back but an error message, so it adds little memory.

How many processes: ``--processes N`` on the command, else ``$MAGIX_PROCESSES``, else the CPUs this
process may use, at most ``MAX_PROCESSES``. One process, a small course (``MIN_PARALLEL_FILES``),
or a platform without ``fork`` keep the single-process path (check, then write).
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from pathlib import Path

from .olx import CourseError, CourseTree, write_archive

PROCESSES_VARIABLE = 'MAGIX_PROCESSES'
MAX_PROCESSES = 4
MIN_PARALLEL_FILES = 1000  # below this, starting a process costs more than it saves


def available_cpus() -> int:
    """The CPUs this process may run on (``os.process_cpu_count`` where Python has it)."""
    count = getattr(os, 'process_cpu_count', None)
    if count is not None:
        return count() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def process_count(requested: int | None = None, environ=None) -> int:
    """``requested``, else ``$MAGIX_PROCESSES``, else the available CPUs capped at ``MAX_PROCESSES``."""
    if requested is None:
        value = (os.environ if environ is None else environ).get(PROCESSES_VARIABLE, '').strip()
        if value:
            try:
                requested = int(value)
            except ValueError:
                raise CourseError(f'${PROCESSES_VARIABLE} must be a whole number of processes, not {value!r}.')
    if requested is None:
        return min(available_cpus(), MAX_PROCESSES)
    if requested < 1:
        raise CourseError(f'The number of processes must be at least 1, not {requested}.')
    return requested


def can_fork() -> bool:
    return 'fork' in multiprocessing.get_all_start_methods()


class ArchiveWriter:
    """Writes ``tree`` to ``output`` in a forked child; ``commit`` waits and renames, ``cancel`` removes.

    Use as a context manager: leaving it without ``commit`` (a failed check, an exception) stops
    the child and removes what it wrote.
    """

    def __init__(self, tree: CourseTree, output: Path):
        self.output = Path(output)
        self.partial = self.output.with_name(self.output.name + '.partial')
        self.done = False
        self.output.parent.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context('fork')
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=self._write, args=(tree, sender), daemon=True)
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        sender.close()

    def _write(self, tree, sender) -> None:
        gc.disable()
        try:
            write_archive(tree, self.partial)  # through "<output>.partial.partial", renamed when complete
        except BaseException as error:  # reported to the parent, which raises it there
            sender.send(f'{self.output}: {error}')
            raise SystemExit(1)
        sender.send('')

    def commit(self) -> Path:
        """Wait for the child; the archive under its real name, or the child's error raised here."""
        try:
            message = self.receiver.recv() if self.receiver.poll(None) else 'the archive process ended unexpectedly'
        except EOFError:
            message = 'the archive process ended without a word'
        self.process.join()
        if message or self.process.exitcode != 0:
            self.cancel()
            raise CourseError(message or f'the archive process failed (exit code {self.process.exitcode}).')
        os.replace(self.partial, self.output)
        self.receiver.close()
        self.done = True
        return self.output

    def cancel(self) -> None:
        """Stop the child if it still runs and remove its partial archive."""
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)
        self.process.join()
        self.receiver.close()
        self.done = True
        for path in (self.partial, self.partial.with_name(self.partial.name + '.partial')):
            path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if not self.done:
            self.cancel()
