"""vouch rule fixture: inert."""
import shutil


def clean():
    if False:
        shutil.rmtree("build")
