"""A real Celery worker for the benchmark and the worker tests: started, pinged, stopped or killed.

`celery -A nlk_portal worker` runs as a subprocess in a session of its own, so
kill() can SIGKILL the worker and its pool processes together, as a crashed
machine would. It takes its environment from this process's, plus `env`
(e.g. a short CELERY_VISIBILITY_TIMEOUT, so that Redis hands a task a kill
stopped part-way to the restarted worker within seconds). Given a `maildir`,
it writes its emails there (Django's file backend) and sent_emails() reads
them back.
"""

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import BASE_DIR


class Worker:
    def __init__(self, queue, log_path, *, name=None, maildir=None, env=None, concurrency=1, loglevel="INFO"):
        """`name` tells apart workers on one queue; it is the queue's name by default."""
        self.queue, self.log_path, self.maildir = queue, log_path, maildir
        self.env, self.concurrency, self.loglevel = dict(env or {}), concurrency, loglevel
        self.node_name = f"{name or queue}@{socket.gethostname()}"
        self.process = self.log = None

    def environment(self):
        """This process's environment, on the worker's queue, with `env` added."""
        env = dict(os.environ, CELERY_TASK_DEFAULT_QUEUE=self.queue)
        if self.maildir is not None:
            # bench.settings keeps the benchmark's mail by BENCH_EMAIL_URL: its production settings refuse a folder.
            bench = env.get("DJANGO_SETTINGS_MODULE") == "bench.settings"
            env["BENCH_EMAIL_URL" if bench else "EMAIL_URL"] = f"filemail:///{self.maildir}"
        env.update(self.env)
        return env

    def start(self):
        """Start the worker; returns once it answers a ping."""
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nlk_portal", "worker", "--loglevel", self.loglevel,
             "--concurrency", str(self.concurrency), "--without-gossip", "--without-mingle",
             "-n", self.node_name],
            cwd=BASE_DIR, env=self.environment(), stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_ready()

    def wait_until_ready(self, timeout=60):
        from nlk_portal.celery import app

        deadline, error = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited: see {self.log_path}")
            try:
                if app.control.ping(destination=[self.node_name], timeout=0.5):
                    return
            except Exception as exc:  # the broker is still coming back
                error = exc
                time.sleep(0.5)
        raise RuntimeError(
            f"the Celery worker did not answer within {timeout}s ({error!r}): see {self.log_path}"
        )

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stop the worker with `sig` (a warm shutdown by default); SIGKILL it if it has not gone in time."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def kill(self):
        """SIGKILL the worker and its pool processes at once: nothing is acknowledged or cleaned up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def _close_log(self):
        if self.log is not None:
            self.log.close()

    def pool_pids(self):
        """The pool processes that run the tasks (children of the worker's main process)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def sent_emails(self):
        """Every email the worker sent, parsed, oldest first."""
        messages = []
        for path in sorted(Path(self.maildir).glob("*.log"), key=lambda p: p.stat().st_mtime):
            raw = path.read_bytes()
            # The file backend writes one message after another, separated by a line of dashes.
            for chunk in raw.split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
        return messages

    def wait_for_emails(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.sent_emails()
            if len(messages) >= count:
                return messages
            time.sleep(0.2)
        return self.sent_emails()
