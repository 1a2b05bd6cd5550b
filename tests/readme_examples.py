#!/usr/bin/env python3
"""readme_examples.py - run the README's shown pagesim sessions and compare.

Usage: readme_examples.py README PAGESIM

A fenced block of README whose first line starts with "$ " is a session:
each "$ " line is a command, and the lines up to the next one (or the
block's end) are what it prints. A session whose commands all start with
"pagesim" is run, command by command, through bash from README's
directory (through links, so that files they write land in a scratch
directory), with "pagesim" meaning PAGESIM; what it prints (standard
output and error together) must be what the README shows, where a line
"..." stands for any lines the README leaves out, and empty lines at the
end do not count. A fence may be indented, as in a list. Sessions with other commands (a capture with valgrind,
say) are listed as skipped: they need tools or files a test run lacks.

Prints one "ok - ..." or "FAIL - ..." line per session (a diff follows a
failure) and, last, "N sessions, F failed, S skipped". Exit status 1 if
any failed or none ran, 2 on bad usage.
"""
import difflib
import os
import subprocess
import sys
import tempfile


def sessions(lines):
    """Yield (line number, [(command, [expected lines])]) per session; a
    fence may be indented (in a list), its lines by as much."""
    inside, block, start, indent = False, [], 0, 0
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            if inside and block and block[0].startswith("$ "):
                yield start, parse(block)
            inside, block, start = not inside, [], number + 1
            indent = len(line) - len(line.lstrip())
        elif inside:
            block.append(line[indent:] if line[:indent].strip() == "" else line)


def parse(block):
    """Split a session's lines into commands and their expected output."""
    steps = []
    for line in block:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def matches(expected, got):
    """Whether got fits expected, where a line "..." stands for any lines
    (none included)."""
    if not expected:
        return not got
    if expected[0] == "...":
        return any(matches(expected[1:], got[k:]) for k in range(len(got) + 1))
    return bool(got) and got[0] == expected[0] and matches(expected[1:], got[1:])


def trimmed(lines):
    """lines without the empty lines at their end."""
    while lines and lines[-1] == "":
        lines = lines[:-1]
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit(2)
    readme, pagesim = sys.argv[1], os.path.abspath(sys.argv[2])
    with open(readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    top = os.path.dirname(os.path.abspath(readme))
    scratch = tempfile.TemporaryDirectory(prefix="readme-")
    bindir, cwd = os.path.join(scratch.name, "bin"), os.path.join(scratch.name, "cwd")
    os.mkdir(bindir)
    os.mkdir(cwd)
    os.symlink(pagesim, os.path.join(bindir, "pagesim"))
    # The sessions' paths are relative to the repository; files they
    # write land in the scratch directory, not in the (maybe read-only)
    # source tree.
    for name in os.listdir(top):
        if not name.startswith("."):
            os.symlink(os.path.join(top, name), os.path.join(cwd, name))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], LC_ALL="C")
    total = failed = skipped = 0
    for start, steps in sessions(lines):
        total += 1
        name = f"{os.path.basename(readme)}:{start}: $ {steps[0][0]}"
        if not all(command.startswith("pagesim ") for command, _ in steps):
            skipped += 1
            print(f"skip - {name} (not only pagesim commands)")
            continue
        for command, expected in steps:
            done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
            got, expected = trimmed(done.stdout.split("\n")), trimmed(expected)
            if not matches(expected, got) or done.returncode != 0:
                failed += 1
                print(f"FAIL - {name}")
                if done.returncode != 0:
                    print(f"  exit status {done.returncode}")
                for diff in difflib.unified_diff(expected, got, "README", "actual", lineterm="", n=1):
                    print("  " + diff)
                break
        else:
            print(f"ok - {name}")
    print(f"{total} sessions, {failed} failed, {skipped} skipped")
    scratch.cleanup()
    return 1 if failed or total == skipped else 0


if __name__ == "__main__":
    sys.exit(main())
