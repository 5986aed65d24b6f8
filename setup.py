"""Only what pyproject.toml cannot say: the top-level resources/ folder installs as the package
ecgcrt_gui.resources (mapped in pyproject's package-dir), which find_packages cannot discover."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["ecgcrt_gui*", "training*"]) + ["ecgcrt_gui.resources"])
