"""Which Debian package version is installed: the configurations the tests
write for real daemons (cupsd, nginx, Wine) name the version they were last
checked with, and a refusal names the one found."""
import subprocess


def installed_version(package):
    """The installed version of a Debian package, or "not installed"."""
    result = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                            capture_output=True, text=True, timeout=30)
    return f"{package} {result.stdout.strip()}" if result.returncode == 0 else \
        f"{package} not installed"
