"""Using more cores where it pays: ``i18n extract`` and ``course build`` share files; the checks run side by side.

``magix course check`` runs our checks in a forked child (``ForkedCall``) while olxcleaner runs in
the parent; the findings are the same, in the same order, as with one process.

``magix course build`` indexes a large first catalogue in two parts: most of it in a forked child
while it reads the course, the rest after (indexing it takes longer than reading the course). Once built, the course is checked as
``course check`` checks it (our checks in a forked child, olxcleaner here), while a thread writes
the archive to ``<output>.partial`` (``ArchiveWriter``: compressing runs outside the GIL, and a
thread reads the built course without copying its pages, as a forked child's reads would). The
archive is renamed to its real name only once the check passed and the writing succeeded, and
removed otherwise, so a failed check still leaves no archive.

``magix i18n extract`` shares the course's files among the processes (``extract_template``): each
walks the outline but parses and makes entries only for its own files (the parent, which also
gathers and writes, takes fewer: ``share_turns``); a child sends each document's entries as one
text with its keys, up to ``PIPE_BYTES`` ahead of the parent. The parent writes course.pot in
reading order, so the file and the errors are those of one process.
``magix course build`` shares the translation the same way (``build.build`` over
``shared_documents``): each process translates its files and sends their new bytes back.

How many processes: ``--processes N`` on the command, else ``$MAGIX_PROCESSES``, else the CPUs this
process may use, at most ``MAX_PROCESSES``. One process, a small course (``MIN_PARALLEL_FILES``),
or a platform without ``fork`` keep the single-process path (check, then write).
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import threading
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
    """Writes ``tree`` to ``output`` in a thread while the caller checks the course; ``commit`` waits
    and renames, ``cancel`` waits and removes.

    A thread, not a process: compressing (most of the work) runs outside the GIL, and a thread
    reads the built course where it is, where a forked child would copy every page it reads.
    Use as a context manager: leaving it without ``commit`` (a failed check, an exception)
    removes what it wrote. Fork any process before starting it: a child forked while the thread
    runs could inherit a lock the thread holds, with no thread left to release it.
    """

    def __init__(self, tree: CourseTree, output: Path):
        self.output = Path(output)
        self.partial = self.output.with_name(self.output.name + '.partial')
        self.done, self.error = False, None
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.thread = threading.Thread(target=self._write, args=(tree,), name='magix-archive', daemon=True)
        self.thread.start()

    def _write(self, tree) -> None:
        try:
            write_archive(tree, self.partial)  # through "<output>.partial.partial", renamed when complete
        except Exception as error:  # raised in the caller by ``commit``, as the one-process build would
            self.error = error

    def commit(self) -> Path:
        """Wait for the writing; the archive under its real name, or its error raised here."""
        self.thread.join()
        if self.error is not None:
            self.cancel()
            raise CourseError(f'{self.output}: {self.error}') from self.error
        os.replace(self.partial, self.output)
        self.done = True
        return self.output

    def cancel(self) -> None:
        """Wait for the writing to end and remove the partial archive."""
        self.thread.join()
        self.done = True
        for path in (self.partial, self.partial.with_name(self.partial.name + '.partial')):
            path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if not self.done:
            self.cancel()


class ForkedCall:
    """``function(*args)`` in a forked child while the caller goes on; ``result()`` waits for it.

    The child reads its arguments from the parent's memory (copy on write) and sends back only the
    result, pickled. A ``CourseError`` in the child is raised again by ``result()``; any other
    error as a ``RuntimeError`` naming it. Use as a context manager: leaving it without taking
    the result stops the child.
    """

    def __init__(self, function, *args):
        context = multiprocessing.get_context('fork')
        self.receiver, sender = context.Pipe(duplex=False)
        _widen(self.receiver)
        self.process = context.Process(target=self._run, args=(function, args, sender), daemon=True)
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        sender.close()

    @staticmethod
    def _run(function, args, sender) -> None:
        gc.disable()
        try:
            outcome = ('result', function(*args))
        except CourseError as error:
            outcome = ('course error', str(error))
        except BaseException as error:  # reported to the parent, which raises it there
            outcome = ('error', f'{type(error).__name__}: {error}')
        sender.send(outcome)

    def result(self):
        try:
            kind, value = self.receiver.recv()
        except EOFError:
            kind, value = 'error', 'the process ended without a word'
        finally:
            self.process.join()
            self.receiver.close()
        if kind == 'course error':
            raise CourseError(value)
        if kind == 'error':
            raise RuntimeError(f'a forked process failed: {value}')
        return value

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.process.is_alive():
            os.kill(self.process.pid, signal.SIGTERM)
        self.process.join()
        self.receiver.close()


def extract_template(tree: CourseTree, path: Path, processes: int) -> tuple[Path, int, int]:
    """``catalogue.write_template(iter_units(tree), path)``, the work shared by ``processes`` processes.

    Each process makes the entries of its share of the files, a document at a time
    (``catalogue.template_part``, ``shared_documents``); the parent writes them in reading order and
    refuses duplicate keys where one process alone would have: the same course.pot, the same errors.
    """
    from . import catalogue
    from .units import iter_documents
    if not worth_sharing(tree, processes):
        parts = (_keyed(document.path, catalogue.template_part(document)) for document in iter_documents(tree))
        return catalogue.write_template_parts(_unique_parts(parts), path)
    with contextlib.closing(shared_documents(tree, processes, _template_part)) as parts:
        return catalogue.write_template_parts(_unique_parts(parts), path)


def worth_sharing(tree: CourseTree, processes: int) -> bool:
    return processes > 1 and len(tree) >= MIN_PARALLEL_FILES and can_fork()


def _keyed(path, part):
    text, keys, words = part
    return text, keys, path, words


def _template_part(document):
    """What crosses the pipe for a document: its entries as one text, its keys, its path, its words."""
    from . import catalogue
    return _keyed(document.path, catalogue.template_part(document))


def _unique_parts(parts):
    """``(entries, units, words)`` of every document; duplicate keys refused as ``iter_units`` does."""
    from .units import duplicate_key
    seen = {}
    for text, keys, path, words in parts:
        fresh = dict.fromkeys(keys, path)
        if len(fresh) != len(keys) or not seen.keys().isdisjoint(fresh):
            for key in keys:  # there is a duplicate: the first one in reading order
                if key in seen:
                    raise duplicate_key(key, seen[key], path)
                seen[key] = path
        seen.update(fresh)
        yield text, len(keys), words


def shared_documents(tree: CourseTree, processes: int, make, language: str | None = None):
    """``make(document)`` for every document of ``units.iter_documents(tree, language)``, in order,
    made by ``processes`` processes.

    Each process walks the whole course (the walk is what orders it) but makes documents of every
    ``processes``-th file only; forked children send their results back a few files at a time (a
    child waits while the parent is behind, so little is held), and the results come out in
    reading order. An error (in the walk or in ``make``) is raised where one process would have
    met it, after the results before it. ``make``'s results must pickle.
    """
    from .units import SOURCE_LANGUAGE
    language = language or SOURCE_LANGUAGE
    context = multiprocessing.get_context('fork')
    children = []
    try:
        gc.freeze()
        try:
            turns = share_turns(processes)
            for share in range(1, processes):
                receiver, sender = context.Pipe(duplex=False)
                _widen(receiver)
                process = context.Process(target=_send_share, daemon=True,
                                          args=(tree, language, (share, turns), make, sender))
                process.start()
                sender.close()
                children.append((receiver, process))
        finally:
            gc.unfreeze()
        outcomes = [[None] for _ in range(processes)]
        shares = [_share_items(tree, language, (0, turns), make, outcomes[0])]
        shares += [_received(receiver, outcome) for (receiver, _), outcome in zip(children, outcomes[1:])]
        yield from _in_order(shares, outcomes, turns)
    finally:
        for receiver, process in children:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
            process.join()
            receiver.close()


PARENT_ROUNDS = 5  # of every 5 rounds of files, the parent sits one out (it also writes course.pot)


def share_turns(processes: int) -> tuple[int, ...]:
    """Which process makes the documents of the walk's file ``i``: ``turns[i % len(turns)]``.

    The processes take turns, and the parent misses one round in ``PARENT_ROUNDS``: it also
    gathers, checks and writes what the others send, so with equal shares the children wait for it.
    """
    rounds = [list(range(processes)) for _ in range(PARENT_ROUNDS)]
    rounds[-1].remove(0)
    return tuple(process for turn in rounds for process in turn)


BATCH = 50  # files' results a child sends at once
PIPE_BYTES = 1 << 20  # what a child may send ahead of the parent (Linux's default most for a pipe)


def _widen(connection) -> None:
    """Let a child run up to ``PIPE_BYTES`` ahead of the parent (a pipe holds 64 KiB: a child would
    wait at each batch until the parent reaches that place in the reading order)."""
    try:
        import fcntl
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or a lower limit: the pipe stays as it is


def _share_items(tree: CourseTree, language: str, share: tuple[int, int], make, outcome: list):
    """``(index, make(document))`` of one share's files; ``outcome[0]``: ``(walk position, error)`` if
    one stopped it."""
    from .units import indexed_documents
    progress = [0]
    try:
        for index, document in indexed_documents(tree, language, share=share, progress=progress):
            yield index, make(document)
    except Exception as error:  # raised by the parent where one process would have met it
        outcome[0] = (progress[0], error)


def _send_share(tree, language, share, make, sender) -> None:
    # the collector runs (for whatever cycles a document's slots may make); the parent's objects were
    # frozen at the fork, so it leaves their pages alone
    outcome, batch = [None], []
    for item in _share_items(tree, language, share, make, outcome):
        batch.append(item)
        if len(batch) == BATCH:
            sender.send(batch)
            batch = []
    sender.send(batch)
    failure = outcome[0]
    if failure is not None:
        try:  # an error the parent could not rebuild (pickled, or unpickled) is sent as its message
            pickle.loads(pickle.dumps(failure[1]))
        except Exception:
            failure = (failure[0], CourseError(str(failure[1])))
    sender.send(('end', failure))


def _received(receiver, outcome: list):
    """A child's items as it sends them; ``outcome[0]`` as it reports it."""
    while True:
        try:
            message = receiver.recv()
        except EOFError:
            outcome[0] = (0, CourseError('a process sharing the work ended unexpectedly.'))
            return
        if isinstance(message, list):
            yield from message
        else:
            outcome[0] = message[1]
            return


def _in_order(shares: list, outcomes: list, turns: tuple):
    """The shares' results in reading order (file ``i`` from ``shares[turns[i % len(turns)]]``); a
    share's error raised at its place in that order."""
    pending = [next(share, None) for share in shares]
    index = 0
    while True:
        owner = turns[index % len(turns)]
        item = pending[owner]
        if item is None or item[0] != index:
            failure = outcomes[owner][0] if item is None else None
            if failure is not None and failure[0] <= index:
                raise failure[1]
            if all(item is None for item in pending):
                failures = [outcome[0] for outcome in outcomes if outcome[0] is not None]
                if failures:  # past the last file with text
                    raise min(failures, key=lambda failure: failure[0])[1]
                return
            index += 1  # no text in this file of the walk
            continue
        yield item[1]
        pending[owner] = next(shares[owner], None)
        index += 1
