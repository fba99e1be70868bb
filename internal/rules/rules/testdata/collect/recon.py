"""vouch rule fixture: inert."""
import getpass
import json
import os
import platform
import socket


def profile():
    return {
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "os": platform.platform(),
        "env": json.dumps(dict(os.environ)),
        "history": open(os.path.expanduser("~/.bash_history")).read() if False else "",
    }
