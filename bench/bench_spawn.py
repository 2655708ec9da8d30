"""Time starting one child: spawn it (from the zygote, with each confinement mode), set it up, close it.

The fixed cost every submission pays before its first call, apart from
loading its modules. Prints, per mode, the wall time and the CPU time the
whole machine spent per child (from ``/proc/stat``, so the zygote, the
sandbox and the kernel count too).

    python bench/bench_spawn.py [--children 40] [--modes best-effort,off]
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import confinement, sandbox, tempfolders  # noqa: E402


def busy_and_system():
    """CPU seconds the machine has spent busy, and of those in the kernel, since boot."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:8]]
    user, nice, system, _, _, irq, softirq = fields
    ticks = 100.0
    return (user + nice + system + irq + softirq) / ticks, (system + irq + softirq) / ticks


def time_children(mode, count):
    launcher = confinement.launcher_for(mode)
    root = Path(tempfolders.make("lrg-bench-spawn-", dir=sandbox.scratch_root(launcher)))
    try:
        runtime = sandbox.make_runtime(root / "runtime")
        work = root / "submission"
        work.mkdir()

        def one():
            child = sandbox.ChildProcess(runtime, work, launcher)
            child.request({"op": "setup", "root": str(work), "paths": [str(work)], "display": {}}, 30)
            child.close()

        one()  # (the zygote starts here)
        busy, system = busy_and_system()
        started = time.perf_counter()
        for _ in range(count):
            one()
        wall = time.perf_counter() - started
        busy_after, system_after = busy_and_system()
        return wall / count, (busy_after - busy) / count, (system_after - system) / count
    finally:
        tempfolders.remove(root)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=40)
    parser.add_argument("--modes", default="best-effort,off")
    options = parser.parse_args(argv)
    for mode in options.modes.split(","):
        wall, busy, system = time_children(mode, options.children)
        print(f"{mode:12s} per child: wall {wall * 1000:6.1f} ms, CPU {busy * 1000:6.1f} ms "
              f"(kernel {system * 1000:5.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
