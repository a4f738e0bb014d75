"""Background jobs: results come back on the GUI thread; a job outliving its window ends quietly."""

from __future__ import annotations

import threading

import shiboken6

from precinct_console.ui.background import BackgroundRunner


def test_result_and_error_arrive_on_the_gui_thread(qtbot):
    runner = BackgroundRunner()
    got: list[object] = []
    runner.run(lambda: threading.current_thread().name, on_done=got.append)
    runner.run(lambda: 1 / 0, on_error=got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    names = [g for g in got if isinstance(g, str)]
    assert names and names[0] != threading.current_thread().name  # it ran elsewhere...
    assert any(isinstance(g, ZeroDivisionError) for g in got)  # ...and both came back


def test_a_job_finishing_after_its_window_closed_raises_nothing(qtbot):
    runner = BackgroundRunner()
    release = threading.Event()
    runner.run(release.wait, on_done=lambda _r: None)
    (job,) = runner._live
    shiboken6.delete(job.signals)  # what closing the window does to the receiver
    release.set()
    assert runner.wait(5000)  # pytest-qt fails the test on an exception raised in the job


def test_a_detached_job_that_hangs_holds_no_pool_thread_and_nobody_waits_for_it(qtbot):
    runner = BackgroundRunner(max_threads=1)
    release = threading.Event()
    got: list[object] = []
    runner.run_detached(lambda: (release.wait(5), "late")[1], on_done=got.append)
    runner.run(lambda: "pool", on_done=got.append)
    qtbot.waitUntil(lambda: got == ["pool"], timeout=2000)  # the pool's one thread was free
    assert not runner.busy and runner.wait(100)  # closing the window would not wait for it
    release.set()
    qtbot.waitUntil(lambda: got == ["pool", "late"], timeout=5000)  # it still reports, on the GUI thread


def test_finished_jobs_are_freed_not_kept_for_the_whole_shift(qtbot):
    """Every refresh of every panel is a job: a night shift runs tens of thousands of them."""
    import gc

    from precinct_console.ui.background import RETIRED, _Job, _Signals

    def alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, (_Job, _Signals)))

    runner = BackgroundRunner()
    before = alive()
    got: list[object] = []
    for i in range(100):
        runner.run(lambda i=i: i, on_done=got.append)
        runner.run(lambda: 1 / 0, on_error=lambda e: got.append(type(e)))
        runner.run_detached(lambda i=i: i, on_done=got.append)
    qtbot.waitUntil(lambda: len(got) == 300, timeout=10000)
    assert runner.wait(5000)
    qtbot.wait(50)  # the last deliveries return
    # The last few delivered wait to be freed on this thread (a job and its signals each): not 300.
    assert alive() - before <= 2 * RETIRED
