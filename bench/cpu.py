"""Who used the CPUs during a benchmark: the web server, PostgreSQL, Redis, the load generator.

The launch benchmark shares one machine between all of them, so orders per second alone does
not say where a millisecond went. A thread reads /proc twice a second; afterwards the CPU
seconds of each part between two moments of the run can be divided by what was done in them
(accepted orders, refusals). Linux only: elsewhere nothing is measured and None is reported.
"""

import os
import re
import threading
import time
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PARTS = ("web", "postgres", "redis", "load_generator")
# A PostgreSQL backend names its user, database and client ("postgres: 15/main: postgres mint_bench
# 127.0.0.1(5) idle"); the server's own processes (WAL writer, checkpointer...) do not, and count for
# every database.
BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\[local\]|\S+\(\d+\))")


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid: (parent pid, command name, CPU seconds used so far); a PostgreSQL backend's name
    is "postgres <database>"."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name == "postgres":
            backend = BACKEND.match((entry / "cmdline").read_bytes().decode(errors="replace"))
            name = f"postgres {backend.group(1)}" if backend else name
        found[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds one process has used (a PostgreSQL backend, say); 0.0 where /proc is missing."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _machine_busy_seconds() -> float:
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS  # all but idle and iowait


class CpuMeter:
    """Samples the CPU seconds of each part, with time.perf_counter() as the clock."""

    def __init__(self, web_pid: int, database: str, interval: float = 0.5) -> None:
        """`database`: the one whose backends are counted (others on the server are not the run's)."""
        self.web_pid = web_pid
        self.postgres_names = {"postgres", f"postgres {database}"}
        self.interval = interval
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        # Processes that ended keep their last reading: a gunicorn worker replaced mid-run
        # must not make the web part's seconds go backwards.
        self._last_seen: dict[int, tuple[str, float]] = {}

    @property
    def available(self) -> bool:
        return (PROC / "stat").exists()

    def start(self) -> "CpuMeter":
        if self.available:
            self.sample()
            self._thread.start()
        return self

    def stop(self) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        processes = _processes()
        web = {self.web_pid}
        for pid, (parent, _, _) in sorted(processes.items()):
            if parent in web:
                web.add(pid)
        for pid, (_, name, seconds) in processes.items():
            if pid in web:
                part = "web"
            elif name in self.postgres_names:
                part = "postgres"
            else:
                part = "redis" if name == "redis-server" else None
            if part:
                self._last_seen[pid] = (part, seconds)
        parts = dict.fromkeys(PARTS, 0.0)
        for part, seconds in self._last_seen.values():
            parts[part] += seconds
        parts["load_generator"] = time.process_time()
        parts["machine"] = _machine_busy_seconds()
        self.samples.append((time.perf_counter(), parts))

    def _at(self, moment: float) -> dict[str, float]:
        """The reading taken nearest to a moment of the run."""
        return min(self.samples, key=lambda sample: abs(sample[0] - moment))[1]

    def ms_each(self, start: float, end: float, count: int) -> dict[str, float] | None:
        """CPU milliseconds per item done between two moments, by part (and the whole machine's)."""
        if not self.samples or not count:
            return None
        before, after = self._at(start), self._at(end)
        return {part: round(1000 * (after[part] - before[part]) / count, 2) for part in after}
