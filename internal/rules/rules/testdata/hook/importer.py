"""vouch rule fixture: inert."""
import sys


class Finder:
    def find_spec(self, name, path, target=None):
        return None


if False:
    sys.meta_path.insert(0, Finder())
