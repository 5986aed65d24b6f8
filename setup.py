"""Only what pyproject.toml cannot say: the top-level resources/ folder installs as the package
ecgcrt_gui.resources (mapped in pyproject's package-dir), which find_packages cannot discover. Its
folders are listed as packages too: setuptools warns about a data folder it could import but was not told of."""

from setuptools import find_packages, setup

RESOURCE_FOLDERS = ("models", "samples", "icons")

setup(packages=find_packages(include=["ecgcrt_gui*", "training*"]) + ["ecgcrt_gui.resources"]
      + [f"ecgcrt_gui.resources.{folder}" for folder in RESOURCE_FOLDERS])
