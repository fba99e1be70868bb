"""Plain setuptools metadata: no command overrides."""
from setuptools import find_packages, setup

setup(
    name="benign",
    version="1.0.0",
    packages=find_packages(),
    install_requires=["requests>=2"],
)
