#!/usr/bin/env python
from setuptools import setup, find_packages

if __name__ == "__main__":
    setup(name='plain', version="2.0", packages=find_packages(), install_requires="six\nattrs>=23  # pinned")
