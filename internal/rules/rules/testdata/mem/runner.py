"""vouch rule fixture: inert, the buffer below is empty and nothing runs."""
import ctypes


def run(buf=b""):
    if False:
        k32 = ctypes.windll.kernel32
        p = k32.VirtualAlloc(0, len(buf), 0x3000, 0x40)
        ctypes.memmove(p, buf, len(buf))
        k32.CreateThread(0, 0, p, 0, 0, 0)
