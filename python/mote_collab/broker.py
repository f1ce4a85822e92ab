"""A mosquitto broker on loopback for collaborative runs and their tests.

`Broker()` starts Debian's mosquitto listening on 127.0.0.1 only, on a free
port, with a configuration written to a temporary directory; it stops the
broker when closed. As a program, it runs a command with the broker's port
in MOTE_BROKER_PORT:

    python3 -m mote_collab.broker -- COMMAND ARGS...
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class BrokerError(RuntimeError):
    pass


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _find_mosquitto():
    for candidate in (shutil.which("mosquitto"), "/usr/sbin/mosquitto"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise BrokerError("mosquitto is not installed (scripts/setup.sh installs it)")


class Broker:
    def __init__(self, port=None):
        self.port = port or _free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="mote-broker-")
        config = os.path.join(self._dir.name, "mosquitto.conf")
        with open(config, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\n"
                    "allow_anonymous true\n"
                    "persistence false\n"
                    "max_queued_messages 10000\n"
                    "max_inflight_messages 100\n")
        self._log = open(os.path.join(self._dir.name, "log"), "w")
        self.process = subprocess.Popen([_find_mosquitto(), "-c", config],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrokerError(f"mosquitto exited with {self.process.returncode}: "
                                  + self.log())
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise BrokerError("mosquitto did not start listening within 10 s")

    def log(self):
        self._log.flush()
        with open(self._log.name) as f:
            return f.read()

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        self._dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python3 -m mote_collab.broker -- COMMAND ARGS...", file=sys.stderr)
        return 2
    with Broker() as broker:
        env = dict(os.environ, MOTE_BROKER_PORT=str(broker.port))
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
