"""vouch rule fixture: inert."""


def d(s, k=0x5A):
    return "".join(chr(ord(c) ^ k) for c in s)
