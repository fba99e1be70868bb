"""Helpers for reading configuration.

Examples in this docstring are not code:

    subprocess.run(["ls"]); os.system("id"); exec(base64.b64decode(x))
    requests.post(url, data=json.dumps(dict(os.environ)))
    shutil.rmtree(os.path.expanduser("~"))
"""

import json


def load(path):
    """Read a JSON file (unlike the old version, which used eval())."""
    # Formerly: urllib.request.urlopen(path)
    with open(path) as f:
        return json.load(f)


def version():
    return "1.2.3"
