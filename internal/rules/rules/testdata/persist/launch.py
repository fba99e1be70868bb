"""vouch rule fixture: inert."""
import os

PLIST = os.path.expanduser("~/Library/LaunchAgents/com.example.inert.plist")


def install():
    if False:
        with open(PLIST, "w") as f:
            f.write("<plist/>")
        os.system("launchctl load " + PLIST)
