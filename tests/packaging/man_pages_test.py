#!/usr/bin/env python3
"""The man pages, the bash completion and the programs say the same things (ctest man_pages).

  - every command that `cloudvip --help` lists has a section in man/cloudvip.8.scd, and every option that
    `cloudvip COMMAND --help` shows is documented there: in the command's own section or, for the options
    several commands share, under GLOBAL OPTIONS / VIP OPTIONS. Backwards too: an option the man page gives
    a command must exist in its --help, and a global one in some --help (only reported, not failed, while the
    binary lacks a command the page documents: the daemon's, documented ahead of their merge);
  - every option of `cloudvip-sim --help` is in man/cloudvip-sim.1.scd's OPTIONS, and the other way round;
  - every config key the binary accepts (it lists them when it meets an unknown key: "the keys of [aws] are
    ...") is documented in man/cloudvip.toml.5.scd under its table, and every key documented there for a
    table the binary knows is accepted. The same for src/vip/config.h's key list;
  - the bash completions offer every command and option of the --help.
Usage: man_pages_test.py SOURCE_DIR CLOUDVIP CLOUDVIP_SIM
"""
import os
import re
import subprocess
import sys
import tempfile

failures = []
notes = []


def fail(message):
    failures.append(message)


def run(argv, env=None):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env)
    return done.returncode, done.stdout + done.stderr


def help_options(text):
    """Options defined by a CLI11 --help page: the option lines before the footer (DESCRIPTION ...)."""
    options = set()
    for line in text.splitlines():
        if re.match(r"^[A-Z][A-Z ]+$", line.strip()) and not line.strip().endswith(":"):
            break  # the hand-written footer starts (DESCRIPTION, EXIT STATUS, ...)
        m = re.match(r"^\s+(?:-\w,\s*)?(--[a-z0-9][a-z0-9-]*)", line)
        if m:
            options.add(m.group(1))
    return options


def help_commands(text):
    """The command names of the Subcommands: list of a CLI11 --help page."""
    commands = []
    in_list = False
    for line in text.splitlines():
        if line.strip().upper() == "SUBCOMMANDS:":
            in_list = True
            continue
        if in_list:
            m = re.match(r"^\s+([a-z][a-z0-9-]*)\s", line)
            if not m:
                break
            commands.append(m.group(1))
    return commands


def scd_blocks(path):
    """{'# SECTION' or '## sub': text} of an scdoc file, each block up to the next heading."""
    blocks = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(#{1,2}) (.+?)\s*$", line)
            if m:
                current = m.group(1) + " " + m.group(2)
                blocks[current] = ""
            elif current:
                blocks[current] += line
    return blocks


def scd_defined_options(text):
    """Options that start a definition-list item: a line beginning with *--name* (or *-h*, *--help*)."""
    options = set()
    for line in text.splitlines():
        if line.startswith("*-"):
            options.update(re.findall(r"\*(--[a-z0-9][a-z0-9-]*)\*", line))
    return options


def scd_defined_keys(text):
    """Config keys that start a definition-list item: *key* = value."""
    return {m.group(1) for m in re.finditer(r"^\*([a-z0-9_]+)\* =", text, re.MULTILINE)}


def check_cloudvip(src, cloudvip):
    blocks = scd_blocks(os.path.join(src, "man/cloudvip.8.scd"))
    shared = scd_defined_options(blocks.get("# GLOBAL OPTIONS", "") + blocks.get("# VIP OPTIONS", ""))
    man_commands = [name[3:].split()[0] for name in blocks if name.startswith("## ")]
    with open(os.path.join(src, "dist/bash-completion/cloudvip"), encoding="utf-8") as f:
        completion = f.read()

    code, top = run([cloudvip, "--help"])
    if code != 0:
        fail(f"cloudvip --help exited {code}")
    commands = help_commands(top)
    if len(commands) < 5:
        fail(f"cloudvip --help lists only {commands}: the SUBCOMMANDS list was not found")
    # Backwards (the page's options exist) is strict once the binary has every command the page documents;
    # before that (a binary older than the daemon's commands, documented ahead of their merge) it is a note.
    strict = all(command in commands for command in man_commands)
    backwards = fail if strict else (lambda message: notes.append(message + " (not failed: commands missing)"))
    top_options = help_options(top)
    every_option = set(top_options)
    for option in sorted(top_options - shared):
        fail(f"cloudvip --help has {option}, which cloudvip(8) GLOBAL/VIP OPTIONS does not document")
    for option in sorted(top_options):
        if not re.search(r"(^|\s|\")" + re.escape(option) + r"(\s|\"|$)", completion):
            fail(f"the bash completion of cloudvip does not offer {option}")

    for command in commands:
        if command not in man_commands:
            fail(f"cloudvip --help lists the command '{command}', which cloudvip(8) has no section (## {command}) for")
            continue
        if not re.search(r"\b" + re.escape(command) + r"\b", completion.split("local global")[0]):
            fail(f"the bash completion of cloudvip does not offer the command '{command}'")
        code, page = run([cloudvip, command, "--help"])
        if code != 0:
            fail(f"cloudvip {command} --help exited {code}")
        options = help_options(page)
        if not options:
            fail(f"no options found in `cloudvip {command} --help`: the help format changed?")
        own = scd_defined_options(blocks["## " + command])
        for option in sorted(options - own - shared):
            fail(f"`cloudvip {command} --help` has {option}; cloudvip(8) documents it neither under "
                 f"'## {command}' nor under GLOBAL/VIP OPTIONS")
        every_option |= options
        for option in sorted(own - options):
            backwards(f"cloudvip(8) gives '{command}' the option {option}, but `cloudvip {command} --help` has none")
        for option in sorted(options - top_options):
            if not re.search(re.escape(option) + r"(\s|\"|$)", completion):
                fail(f"the bash completion of cloudvip does not offer {option} (cloudvip {command})")
    for option in sorted(shared - every_option):
        backwards(f"cloudvip(8) documents {option} as a global or VIP option, but no --help of cloudvip has it")
    for command in man_commands:
        if command not in commands:
            notes.append(f"cloudvip(8) documents '{command}', which this cloudvip binary does not have yet")


def check_sim(src, sim):
    blocks = scd_blocks(os.path.join(src, "man/cloudvip-sim.1.scd"))
    documented = scd_defined_options(blocks.get("# OPTIONS", ""))
    code, page = run([sim, "--help"])
    if code != 0:
        fail(f"cloudvip-sim --help exited {code}")
    options = help_options(page)
    if len(options) < 5:
        fail(f"cloudvip-sim --help: only {sorted(options)} found; the help format changed?")
    for option in sorted(options - documented):
        fail(f"cloudvip-sim --help has {option}, which cloudvip-sim(1) OPTIONS does not document")
    for option in sorted(documented - options):
        fail(f"cloudvip-sim(1) documents {option}, which cloudvip-sim --help does not have")
    with open(os.path.join(src, "dist/bash-completion/cloudvip-sim"), encoding="utf-8") as f:
        completion = f.read()
    for option in sorted(options):
        if not re.search(re.escape(option) + r"(\s|\"|$)", completion):
            fail(f"the bash completion of cloudvip-sim does not offer {option}")


# Each table, and a file that makes the binary list that table's keys (an unknown key, "zz_probe").
VIP = '[[vip]]\naddress = "10.0.0.1"\nroute_tables = "vpc"\n'
PROBES = {
    "aws": "[aws]\nzz_probe = 1\n" + VIP,
    "vip": VIP + "zz_probe = 1\n",
    "daemon": "[daemon]\nzz_probe = 1\n" + VIP,
    "vip.leader": VIP + "[vip.leader]\nzz_probe = 1\n",
}


def accepted_keys(cloudvip, table, text):
    """The keys of `table` the binary accepts, or None when it does not know the table at all."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml") as f:
        f.write(text)
        f.flush()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # never AWS, should the parse ever succeed
        code, out = run([cloudvip, "--config", f.name, "status"], env=env)
    m = re.search(r"the keys of (.+?) are ([^)]*)\)", out)
    if code != 2 or not m:
        fail(f"probing [{table}]: expected exit 2 and 'the keys of ... are ...', got {code}: {out.strip()[:300]}")
        return None
    if "zz_probe" not in out:
        return None  # the error is about the table itself: an older binary without it
    listed_table = m.group(1).strip("[]")
    if listed_table != table:
        return None  # e.g. "daemon is not a known key (the keys of the file are aws and vip)"
    return set(re.findall(r"[a-z0-9_]+", m.group(2).replace(" and ", ", ")))


def config_h_keys(src):
    """{table: keys} from the key list at the top of src/vip/config.h ("//   key   meaning")."""
    tables = {}
    table = None
    with open(os.path.join(src, "src/vip/config.h"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("//"):
                break
            m = re.match(r"^//   \[+([a-z.]+)\]+\s", line)
            if m:
                table = m.group(1)
                tables.setdefault(table, set())
                continue
            m = re.match(r"^//   ([a-z_]+)\s{2,}\S", line)
            if m and table:
                tables[table].add(m.group(1))
    return tables


def check_config(src, cloudvip):
    blocks = scd_blocks(os.path.join(src, "man/cloudvip.toml.5.scd"))
    documented = {name[2:].strip("[]"): scd_defined_keys(text) for name, text in blocks.items()
                  if name.startswith("# [")}
    for table, probe in PROBES.items():
        keys = accepted_keys(cloudvip, table, probe)
        man_keys = documented.get(table)
        if keys is None:
            notes.append(f"this cloudvip binary has no [{table}] table yet; cloudvip.toml(5) documents "
                         f"{sorted(man_keys or [])}")
            continue
        if man_keys is None:
            fail(f"cloudvip.toml(5) has no section '# [{table}]' (the binary accepts {sorted(keys)})")
            continue
        subtables = {key for key in keys if f"{table}.{key}" in documented}  # [[vip]]'s leader: [vip.leader]
        for key in sorted(keys - man_keys - subtables):
            fail(f"cloudvip accepts {table}.{key}, which cloudvip.toml(5) does not document under [{table}]")
        for key in sorted(man_keys - keys):
            fail(f"cloudvip.toml(5) documents {table}.{key}, which cloudvip does not accept")
    for table, keys in config_h_keys(src).items():
        for key in sorted(keys - documented.get(table, set())):
            fail(f"src/vip/config.h lists {table}.{key}, which cloudvip.toml(5) does not document")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    src, cloudvip, sim = sys.argv[1:]
    check_cloudvip(src, cloudvip)
    check_sim(src, sim)
    check_config(src, cloudvip)
    for note in notes:
        print("note: " + note)
    for failure in failures:
        print("FAIL: " + failure)
    if failures:
        print(f"man_pages: {len(failures)} difference(s) between the programs and their man pages/completions")
        return 1
    print("man_pages: the man pages and completions match cloudvip, cloudvip-sim and the config keys")
    return 0


if __name__ == "__main__":
    sys.exit(main())
