"""vouch rule fixture: inert."""
from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)


setup(name="inert", version="1.0", cmdclass={"install": PostInstall})
