"""vouch rule fixture: inert."""
import base64

BLOB = "cHJpbnQoJ2luZXJ0Jyk="
if False:
    exec(base64.b64decode(BLOB))
    print(chr(105) + chr(110) + chr(101) + chr(114) + chr(116) + chr(33) + chr(33) + chr(33) + chr(10))
