"""The course tools on the generated 10,111-block course, against olxcleaner ``validate(steps=7)``.

Each tool runs as a fresh process, and the rounds interleave olxcleaner and our three commands, so
load on the machine hits all alike; after a warm-up round, each round times every command with
nothing watching it, and the first ``MEMORY_ROUNDS`` also run each once more for its peak memory
(the sampler's thread takes CPU time from a command that uses both CPUs, not from one that uses a
single CPU, so times are not taken while it samples). Peak memory is that of the whole
process tree, each page counted once: a command may fork processes of its own (``course build``
checks in two processes), and a forked child shares its parent's pages until one of
them writes to a page (copy on write), so summing the members' resident memory counts the shared
pages twice. The tree's memory is its anonymous memory, each page split among the members that
map it (``Pss_Anon`` of ``/proc/PID/smaps_rollup``, summed: anonymous pages are shared only by
fork, so only within the tree) plus the largest member's file-backed resident memory (libraries,
mapped files: the members map the same ones). Plain ``Pss`` would also split library pages with
unrelated processes on the machine (another Python running lxml), so a figure would move with
what else runs; a tree of one process gets its resident memory, as ``ru_maxrss`` counts it.
Reading ``smaps_rollup`` walks the process's page tables (several ms for 100 MB), so the members'
resident memory is read every 10 ms (``/proc/PID/statm``, cheap: an upper bound of the tree's
memory) and ``smaps_rollup`` only when that bound passes the peak so far, at most about a tenth
of the time (the sampler shares the CPUs with the command). ``ru_maxrss`` (the largest single
member's peak, which no figure of the tree's can be below) catches what falls between samples.
The same measure applies to every command, olxcleaner included (one process: its resident memory).
Linux counts in a child's peak the memory of the process it was started from, so this module
stays light (no lxml, polib or Django): the course is prepared in a child of its own.
``check`` reads the course's ``.tar.gz``; olxcleaner reads the same course as a folder;
``extract`` and ``build`` read the folder. The French catalogue translates every unit (the
heaviest build). Run: ``python -m bench.course_tools [--rounds 5] [--sections 10]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import large_course
from .timing import Row, print_table

OLXCLEANER = ('import olxcleaner, sys; olxcleaner.validate(sys.argv[1], steps=7, '
              'allowed_xblocks={"magix_scenario", "magix_credential_progress"})')


PAGE_MB = os.sysconf('SC_PAGE_SIZE') / 2 ** 20


def descendants(root: int) -> set[int]:
    """``root`` and the processes started from it, found through ``/proc``."""
    parents = {}
    for entry in os.scandir('/proc'):
        if entry.name.isdigit():
            try:
                with open(f'/proc/{entry.name}/stat', 'rb') as handle:
                    parents[int(entry.name)] = int(handle.read().rsplit(b')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found = {root}
    for pid in parents:
        ancestor = pid
        while ancestor > 1 and ancestor not in found:
            ancestor = parents.get(ancestor, 0)
        if ancestor in found:
            found.add(pid)
    return found


def resident_pages(pid: int) -> int | None:
    """Resident pages of a process (``/proc/PID/statm``: cheap); ``None`` if it ended."""
    try:
        with open(f'/proc/{pid}/statm', 'rb') as handle:
            return int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def rollup_kb(pid: int) -> dict[str, int] | None:
    """``/proc/PID/smaps_rollup`` in kB (``Pss_Anon``, ``Rss``, ``Anonymous``...); ``None`` if it ended."""
    try:
        with open(f'/proc/{pid}/smaps_rollup', 'rb') as handle:
            lines = handle.read().split(b'\n')[1:]
    except OSError:
        return None
    values = {}
    for line in lines:
        name, _, rest = line.partition(b':')
        if rest:
            values[name.decode()] = int(rest.split()[0])
    return values


def tree_mb(pids) -> float:
    """The memory of a process tree, each page counted once (see the module docstring)."""
    anonymous = file_backed = 0
    for pid in pids:
        values = rollup_kb(pid)
        if values:
            anonymous += values['Pss_Anon']
            file_backed = max(file_backed, values['Rss'] - values['Anonymous'])
    return (anonymous + file_backed) / 1024


def watch_tree(root: int, peak: list[float], stop: threading.Event, interval: float = 0.01) -> None:
    """Keep in ``peak`` the largest MB of the tree (``tree_mb``): the members' resident memory is
    read every ``interval`` (it bounds the tree's from above), the tree's own figure only when that
    bound passes the peak, and not more than a tenth of the time; the members are looked up again
    every 20 intervals (a full pass over ``/proc`` costs ms)."""
    tick, pids, resume = 0, {root}, 0.0
    while not stop.wait(interval):
        if tick % 20 == 0:
            pids = descendants(root)
        tick += 1
        resident = [pages for pages in map(resident_pages, pids) if pages is not None]
        bound = sum(resident) * PAGE_MB
        if bound <= peak[0]:
            continue
        if len(resident) == 1:  # nothing shared: resident memory is the figure
            peak[0] = bound
            continue
        started = time.perf_counter()
        if started < resume:
            continue
        peak[0] = max(peak[0], tree_mb(pids))
        resume = started + 10 * (time.perf_counter() - started)


def run(command: list[str], watch: bool = True) -> tuple[float, float]:
    """Seconds and peak MB (of the command's whole process tree) of one command in a child process.

    ``watch=False``: seconds only, with nothing sampling the tree. The sampler's thread takes CPU
    time while the command runs: a command using both CPUs (ours, with two processes) loses it,
    one using a single CPU (olxcleaner) does not, so times are taken in runs of their own.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, stop = [0.0], threading.Event()
    watcher = threading.Thread(target=watch_tree, args=(process.pid, peak, stop), daemon=True) if watch else None
    if watcher:
        watcher.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if watcher:
        stop.set()
        watcher.join()
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise RuntimeError(f'{" ".join(command)} failed: {process.stderr.read().decode()[-2000:]}')
    process.stderr.close()
    return elapsed, max(usage.ru_maxrss / 1024, peak[0])


def paths_in(folder: Path) -> dict[str, Path]:
    return {'course': folder / 'course', 'archive': folder / 'course.tar.gz', 'catalogues': folder / 'catalogues',
            'output': folder / 'built'}


def prepare(folder: Path, shape: large_course.Shape) -> None:
    """The course folder, its archive and a French catalogue translating every unit."""
    import polib

    from course_export import catalogue
    from course_export.olx import read_folder, write_archive
    from course_export.units import iter_units
    paths = paths_in(folder)
    course = large_course.write(paths['course'], shape)
    write_archive(read_folder(course), paths['archive'])
    catalogues = paths['catalogues']
    catalogue.write_template(iter_units(read_folder(course)), catalogues / catalogue.TEMPLATE_NAME)
    po = catalogue.new_catalogue('fr')
    for unit in iter_units(read_folder(course)):
        po.append(polib.POEntry(msgctxt=unit.key, msgid=unit.source, msgstr=f'[fr] {unit.source}'))
    catalogue.save(po, catalogues / 'fr.po')
    # Both sides start from compiled modules, as an installed package does (pip compiles olxcleaner's;
    # ours run from the checkout, compiled on first import unless PYTHONDONTWRITEBYTECODE is set).
    import compileall
    root = Path(__file__).resolve().parents[1]
    compileall.compile_file(root / 'magix.py', quiet=1)
    for package in ('course_export', 'xblocks'):
        compileall.compile_dir(root / package, quiet=1)


MEMORY_ROUNDS = 2  # of the rounds, those that also measure each command's peak memory


def measure(rounds: int, shape: large_course.Shape = large_course.Shape()) -> list[Row]:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix='magix-bench-course-') as temporary:
        subprocess.run([python, '-m', 'bench.course_tools', '--prepare', temporary, '--sections',
                        str(shape.sections)], check=True)
        paths = paths_in(Path(temporary))
        source = ['--source', str(paths['course'])]
        commands = {
            'olxcleaner': [python, '-c', OLXCLEANER, str(paths['course'])],
            'check': [python, '-m', 'magix', 'course', 'check', str(paths['archive'])],
            'extract': [python, '-m', 'magix', 'i18n', 'extract', *source,
                        '--catalogues', str(Path(temporary) / 'extracted')],
            'build': [python, '-m', 'magix', 'course', 'build', '--lang', 'fr', *source,
                      '--catalogues', str(paths['catalogues']), '--output', str(paths['output'] / 'fr.tar.gz')],
        }
        for command in commands.values():  # a warm-up round, not counted
            run(command, watch=False)
        timed, measured = {name: [] for name in commands}, {name: [] for name in commands}
        for round_number in range(rounds):
            for name, command in commands.items():
                timed[name].append(run(command, watch=False)[0])
            if round_number < MEMORY_ROUNDS:  # peak memory moves by well under 1% from run to run
                for name, command in commands.items():
                    measured[name].append(run(command)[1])
    seconds = {name: statistics.median(values) for name, values in timed.items()}
    memory = {name: statistics.median(values) for name, values in measured.items()}
    peer = f'olxcleaner validate(steps=7), {shape.blocks:,} blocks'
    return [
        Row(f'magix course check, {shape.blocks:,} blocks', seconds['check'], seconds['olxcleaner'], 's', peer,
            '<= 1.5'),
        Row('magix i18n extract, same course', seconds['extract'], seconds['olxcleaner'], 's', peer, '<= 1.0'),
        Row('  its peak memory', memory['extract'], memory['olxcleaner'], 'MB', peer, '<= 1.5'),
        Row('magix course build --lang fr, same course', seconds['build'], seconds['olxcleaner'], 's', peer,
            '<= 2.0'),
        Row('  its peak memory', memory['build'], memory['olxcleaner'], 'MB', peer, '<= 1.5'),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m bench.course_tools', description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--sections', type=int, default=large_course.Shape.sections)
    parser.add_argument('--prepare', type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare, large_course.Shape(sections=args.sections))
        return 0
    print_table(measure(args.rounds, large_course.Shape(sections=args.sections)))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
