"""vouch rule fixture: inert."""
import os
import urllib.request

META = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


def creds():
    if False:
        open(os.path.expanduser("~/.aws/credentials")).read()
        open(os.path.expanduser("~/.docker/config.json")).read()
        open(os.path.expanduser("~/.git-credentials")).read()
        urllib.request.urlopen(META)
