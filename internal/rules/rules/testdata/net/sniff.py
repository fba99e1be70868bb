"""vouch rule fixture: inert."""
import socket


def sniff():
    if False:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(3))
        s.recv(65535)
