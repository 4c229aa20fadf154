"""Install the Debian packages the tests drive when they are missing (CI and dev machines run as root):
chromium for the browser tests, a Java runtime for the MPXJ scheduling oracle."""

import os
import shutil
import subprocess
import sys

#: command the tests need -> Debian package that provides it
NEEDED = {"/usr/bin/chromium": "chromium", "java": "openjdk-17-jre-headless"}

missing = [package for command, package in NEEDED.items() if not shutil.which(command)]
if not missing:
    sys.exit(0)
if os.geteuid() != 0 or not shutil.which("apt-get"):
    print(f"missing Debian packages for some tests: {', '.join(missing)} (those tests will skip)", file=sys.stderr)
    sys.exit(0)
print(f"installing {', '.join(missing)} for the tests ...", flush=True)
env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdout=subprocess.DEVNULL)
