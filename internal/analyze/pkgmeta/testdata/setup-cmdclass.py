"""Setup for hooky.

Docstring mentioning cmdclass={'egg_info': NotAHook} must not count.
"""
import os
from setuptools import setup, Extension
from setuptools.command.install import install
from setuptools.command.develop import develop as _develop

# setup(cmdclass={'build_ext': CommentedOut})


class PostInstall(install):
    def run(self):
        install.run(self)
        print("post install: inert fixture")


class PostDevelop(_develop):
    pass


setup(
    name="hooky",
    version='1.0',
    install_requires=[
        "requests>=2.31",
        'Typing_Extensions ; python_version < "3.11"',
    ],
    setup_requires=["setuptools_scm>=8"],
    ext_modules=[Extension(name="hooky._native", sources=[])],
    cmdclass={
        'install': PostInstall,
        "develop": PostDevelop,
    },
)
