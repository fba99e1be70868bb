"""vouch rule fixture: inert."""
import subprocess


def run():
    if False:
        subprocess.run(["id"], check=False)
        exec("x = 1")
