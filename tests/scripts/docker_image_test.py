#!/usr/bin/env python3
"""ctest scripts.docker_image: docker/Dockerfile and docker/compose.yaml stay buildable and
runnable, checked without a container engine (none runs here, and hadolint is not packaged):
the commands the image runs are checked against this machine, which is the image's own base
(Debian 12).

- every package either stage installs exists in Debian 12 (apt's cache or dpkg);
- the build stage installs every package scripts/lib/common.sh builds with, less test tooling;
- every shared library the daemon links (DT_NEEDED of the binary given as argv[1]) comes from
  a package the runtime stage installs, or one the base image has (Priority: required, and
  what those depend on);
- COPY sources exist; the HEALTHCHECK and compose's healthcheck run `meridiand health` from
  the install prefix the build stage uses, and that subcommand exists;
- the image's environment (MERIDIAN_HOST=0.0.0.0) with auth off makes the daemon refuse to
  start, so the image can only listen on every interface with auth on;
- compose: PostgreSQL with a volume and a healthcheck, the daemon started once it is healthy.

Skipped (77) when this is not a Debian machine with dpkg; a failure exits 1 naming the check.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCKERFILE = os.path.join(ROOT, "docker", "Dockerfile")
COMPOSE = os.path.join(ROOT, "docker", "compose.yaml")
COMMON = os.path.join(ROOT, "scripts", "lib", "common.sh")
# What scripts/lib/common.sh installs for tests, tooling and the private PostgreSQL, which the
# image's build stage does not need.
NOT_FOR_THE_IMAGE = {"ccache", "git", "procps", "googletest", "libgtest-dev", "libgmock-dev", "libbenchmark-dev",
                     "postgresql", "postgresql-client"}
# Linked into the ASan test build only.
SANITIZER_RUNTIMES = ("libasan.so", "libubsan.so", "libtsan.so")

failures = []


def fail(what):
    failures.append(what)
    print("FAIL: " + what)


def ok(what):
    print("ok: " + what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def stages(text):
    """[(name, [instructions])]: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            parts = line.split()
            name = parts[3] if len(parts) >= 4 and parts[2].upper() == "AS" else parts[1]
            result.append((name, []))
        elif result:
            result[-1][1].append(line)
    return result


def apt_packages(instructions):
    pkgs = []
    for ins in instructions:
        if not ins.upper().startswith("RUN "):
            continue
        for cmd in re.split(r"&&|;", ins[4:]):
            words = shlex.split(cmd)
            if len(words) >= 2 and words[0] == "apt-get" and "install" in words:
                pkgs += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return pkgs


def known_package(pkg):
    if run(["dpkg-query", "-W", pkg]).returncode == 0:
        return True
    return run(["apt-cache", "show", "--no-all-versions", pkg]).returncode == 0 and bool(
        run(["apt-cache", "show", "--no-all-versions", pkg]).stdout.strip())


def dependency_closure(pkgs):
    out = run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
               "--no-breaks", "--no-replaces", "--no-enhances", "--no-pre-depends"] + sorted(pkgs)).stdout
    closure = set(pkgs)
    for line in out.splitlines():
        line = line.strip()
        m = re.match(r"^(?:\|)?Depends: <?([^>\s]+)>?", line)
        if m:
            closure.add(m.group(1).split(":")[0])
        elif line and not line.startswith(("Depends", "|", "<")) and " " not in line:
            closure.add(line.split(":")[0])
    return closure


def required_packages():
    out = run(["dpkg-query", "-W", "-f=${Package} ${Priority}\n"]).stdout
    return {p for p, prio in (l.split() for l in out.splitlines() if len(l.split()) == 2) if prio == "required"}


def needed_libraries(binary):
    """(soname, resolved path) of the binary's direct dependencies."""
    dynamic = run(["readelf", "-d", binary]).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    paths = {}
    for line in run(["ldd", binary]).stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if m:
            paths[m.group(1)] = m.group(2)
    return [(n, paths.get(n)) for n in needed]


def owner(path):
    for candidate in (path, os.path.realpath(path)):
        out = run(["dpkg", "-S", candidate])
        if out.returncode == 0:
            return out.stdout.split(":")[0].strip()
        # /lib is /usr/lib on a merged-/usr system; dpkg knows one of the two.
        alt = candidate.replace("/usr/lib/", "/lib/", 1) if candidate.startswith("/usr/lib/") else \
            candidate.replace("/lib/", "/usr/lib/", 1)
        out = run(["dpkg", "-S", alt])
        if out.returncode == 0:
            return out.stdout.split(":")[0].strip()
    return None


def main():
    if len(sys.argv) < 2:
        print("usage: docker_image_test.py MERIDIAND")
        return 2
    daemon = sys.argv[1]
    if run(["sh", "-c", "command -v dpkg-query && command -v apt-cache"]).returncode != 0:
        print("SKIP: needs a Debian machine (dpkg, apt)")
        return 1 if os.environ.get("CI") == "true" else 77

    text = open(DOCKERFILE).read()
    st = stages(text)
    if len(st) != 2:
        fail("expected a build stage and a runtime stage, found %d" % len(st))
        return 1
    (build_name, build), (_, runtime) = st
    build_pkgs, runtime_pkgs = apt_packages(build), apt_packages(runtime)

    unknown = [p for p in build_pkgs + runtime_pkgs if not known_package(p)]
    if unknown:
        fail("packages Debian 12 does not have: " + " ".join(unknown))
    else:
        ok("%d build and %d runtime packages exist in Debian 12" % (len(build_pkgs), len(runtime_pkgs)))

    common = open(COMMON).read()
    m = re.search(r"BUILD_PACKAGES=\(([^)]*)\)", common)
    wanted = set(m.group(1).split()) - NOT_FOR_THE_IMAGE if m else set()
    missing = sorted(wanted - set(build_pkgs))
    if not m:
        fail("no BUILD_PACKAGES in scripts/lib/common.sh")
    elif missing:
        fail("the build stage lacks what scripts/lib/common.sh builds with: " + " ".join(missing))
    else:
        ok("the build stage installs every build package of scripts/lib/common.sh")

    base = dependency_closure(set(runtime_pkgs) | required_packages())
    unprovided = []
    libs = needed_libraries(daemon)
    for soname, path in libs:
        if soname.startswith(SANITIZER_RUNTIMES):
            continue
        pkg = owner(path) if path else None
        if pkg is None:
            unprovided.append(soname + " (no package owns it)")
        elif pkg not in base:
            unprovided.append("%s (from %s)" % (soname, pkg))
    if unprovided:
        fail("the runtime stage does not install: " + ", ".join(unprovided))
    elif not libs:
        fail("no shared libraries found in " + daemon)
    else:
        ok("every library the daemon links comes with the runtime stage or the base image (%d)" % len(libs))

    for ins in build + runtime:
        if ins.upper().startswith("COPY ") and "--from=" not in ins:
            for src in shlex.split(ins)[1:-1]:
                if not os.path.exists(os.path.join(ROOT, src)):
                    fail("COPY source missing: " + src)
    prefix = re.search(r"cmake --install \S+ --prefix (\S+)", text)
    health = re.search(r"HEALTHCHECK .*CMD \[\"([^\"]+)\", \"health\"", text.replace("\\\n", " "))
    if not prefix or not health:
        fail("no `cmake --install --prefix` in the build stage or no HEALTHCHECK running `meridiand health`")
    elif health.group(1) != prefix.group(1) + "/bin/meridiand":
        fail("HEALTHCHECK runs %s, the build installs to %s" % (health.group(1), prefix.group(1)))
    elif run([daemon, "health", "--help"]).returncode != 0:
        fail("`meridiand health` does not exist")
    else:
        ok("HEALTHCHECK runs the installed `meridiand health`")

    env = dict(re.findall(r"(MERIDIAN_\w+)=(\S+)", " ".join(i for i in runtime if i.upper().startswith("ENV "))))
    if env.get("MERIDIAN_HOST") != "0.0.0.0":
        fail("the image does not listen on every interface (ENV MERIDIAN_HOST=0.0.0.0)")
    with tempfile.TemporaryDirectory() as state:
        child_env = {"PATH": os.environ.get("PATH", ""), "MERIDIAN_HOST": "0.0.0.0", "MERIDIAN_STATE_DIR": state,
                     "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "")}
        try:
            res = run([daemon, "serve", "--auth", "off", "--port", "0"], env=child_env, timeout=60)
            if res.returncode == 0 or "auth" not in (res.stdout + res.stderr).lower():
                fail("with the image's MERIDIAN_HOST=0.0.0.0 and --auth off the daemon did not refuse to start "
                     "(exit %d): %s" % (res.returncode, (res.stdout + res.stderr)[-300:]))
            else:
                ok("MERIDIAN_HOST=0.0.0.0 with auth off is refused: " + (res.stdout + res.stderr).strip()[-160:])
        except subprocess.TimeoutExpired:
            fail("with MERIDIAN_HOST=0.0.0.0 and --auth off the daemon started (still running after 60 s)")

    try:
        import yaml
    except ImportError:
        fail("python3-yaml is needed to read docker/compose.yaml")
        return 1
    compose = yaml.safe_load(open(COMPOSE))
    services = compose.get("services", {})
    pg, daemon_svc = services.get("postgres", {}), services.get("meridian", {})
    problems = []
    if not any(str(v).endswith("/var/lib/postgresql/data") for v in pg.get("volumes", [])):
        problems.append("PostgreSQL keeps no volume")
    if "pg_isready" not in " ".join(pg.get("healthcheck", {}).get("test", [])):
        problems.append("PostgreSQL has no pg_isready healthcheck")
    if daemon_svc.get("depends_on", {}).get("postgres", {}).get("condition") != "service_healthy":
        problems.append("the daemon does not wait for a healthy PostgreSQL")
    test = daemon_svc.get("healthcheck", {}).get("test", [])
    if not prefix or prefix.group(1) + "/bin/meridiand" not in test or "health" not in test:
        problems.append("the daemon's healthcheck does not run the installed `meridiand health`")
    if "DATABASE_URL" not in daemon_svc.get("environment", {}):
        problems.append("the daemon gets no DATABASE_URL (auth would be off and it would refuse to start)")
    for p in problems:
        fail("compose.yaml: " + p)
    if not problems:
        ok("compose.yaml: PostgreSQL with a volume and a healthcheck; the daemon waits for it and is health-checked")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
