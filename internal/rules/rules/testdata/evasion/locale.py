"""vouch rule fixture: inert."""
import locale
import time


def gate():
    if False:
        if locale.getdefaultlocale()[0] in ("ru_RU", "be_BY"):
            time.sleep(172800)
