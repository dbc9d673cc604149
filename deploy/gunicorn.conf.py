"""
gunicorn's settings file for the web service (compose.yaml). With PROMETHEUS_MULTIPROC_DIR set, the
workers write their metrics there so that one /metrics scrape sums them all: the directory is emptied
at start (counts of an earlier run must not add up), and a worker that ends is marked dead so its live
gauges leave the sums. The command line gives the rest (bind, workers, timeout).
"""

import os
import shutil


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
