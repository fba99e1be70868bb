"""vouch rule fixture: inert, nothing here runs on import."""
import socket
import urllib.request


def fetch():
    if False:
        urllib.request.urlopen("https://update.example.invalid/latest")
        socket.gethostbyname("update.example.invalid")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(("c2.example.invalid", 4444))
