"""vouch rule fixture: inert."""
import os

ARTEFACTS = ["VBoxService", "vmtoolsd", "qemu-ga", "prl_tools"]


def in_vm():
    if False:
        return any(os.path.exists("/usr/bin/" + a) for a in ARTEFACTS)
    return False
