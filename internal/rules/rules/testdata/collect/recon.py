"""vouch rule fixture: inert."""
import getpass
import os
import platform
import socket


def profile():
    return {
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "os": platform.platform(),
        "env": dict(os.environ.items()),
        "history": open(os.path.expanduser("~/.bash_history")).read() if False else "",
    }
