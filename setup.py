from setuptools import find_packages, setup

# resources/ is installed as the package reader.resources (package-dir in
# pyproject.toml); find_packages cannot see it because no reader/resources
# folder exists in the source tree.
setup(packages=find_packages(include=["reader", "reader.*"]) + ["reader.resources"])
