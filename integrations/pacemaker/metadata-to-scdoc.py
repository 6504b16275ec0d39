#!/usr/bin/env python3
"""Writes the section-7 man page of an OCF agent, in scdoc, from the agent's meta-data.

    integrations/pacemaker/aws-vpc-move-ip meta-data | metadata-to-scdoc.py > ocf_cloudvip_aws-vpc-move-ip.7.scd
    scdoc < ocf_cloudvip_aws-vpc-move-ip.7.scd > ocf_cloudvip_aws-vpc-move-ip.7

The page is the meta-data and nothing else (names, descriptions, defaults, actions), plus a fixed example
and see-also section, so it cannot drift from what the agent says about itself: tests/integrations/
pacemaker_metadata_test.sh regenerates it and fails when the committed .scd differs."""

import argparse
import re
import sys
import textwrap
import xml.etree.ElementTree as ET

PROVIDER = "cloudvip"


def escape(text):
    """scdoc markup characters as literals: * and _ start bold and underline, \\ escapes."""
    return re.sub(r"([\\*_`])", r"\\\1", text)


def paragraphs(text):
    """The longdesc's paragraphs (blank-line separated), each joined into one line."""
    text = textwrap.dedent(text or "").strip()
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--provider", default=PROVIDER)
    args = p.parse_args(argv)
    root = ET.fromstring(sys.stdin.read())
    agent = root.get("name")
    page = f"ocf_{args.provider}_{agent}"
    short = root.findtext("shortdesc", "").strip()
    out = [f"{page}(7)", "", "# NAME", "", f"{page} - {escape(short)}", "", "# SYNOPSIS", ""]
    actions = [a.get("name") for a in root.iter("action")]
    out += [f"*{escape(agent)}* {' | '.join(escape(a) for a in actions)}", ""]
    out += [
        f"Installed as _/usr/lib/ocf/resource.d/{args.provider}/{escape(agent)}_ and used by Pacemaker as "
        f"*ocf:{args.provider}:{escape(agent)}*. Parameters arrive as OCF\\_RESKEY\\_<name> environment "
        "variables.",
        "",
        "# DESCRIPTION",
        "",
    ]
    for para in paragraphs(root.findtext("longdesc")):
        out += [escape(para), ""]

    out += ["# PARAMETERS", ""]
    for param in root.iter("parameter"):
        content = param.find("content")
        kind = content.get("type", "string") if content is not None else "string"
        default = content.get("default") if content is not None else None
        facts = ["required" if param.get("required") == "1" else "optional", kind]
        facts.append(f'default "{escape(default)}"' if default is not None else "no default")
        out += [f"*{escape(param.get('name'))}* ({', '.join(facts)})"]
        text = [escape(param.findtext("shortdesc", "").strip()) + "."]
        text += [escape(para) for para in paragraphs(param.findtext("longdesc"))]
        out += ["\t" + line for line in text]
        out += [""]

    out += ["# ACTIONS", ""]
    for action in root.iter("action"):
        attrs = [f"{k} {action.get(k)}" for k in ("timeout", "interval", "depth") if action.get(k)]
        out += [f"*{escape(action.get('name'))}*", f"\t{', '.join(attrs)}", ""]

    out += [
        "# EXIT STATUS",
        "",
        "OCF 1.1: 0 success; 1 generic error (also an AWS error or throttling during a monitor); "
        "2 invalid argument; 3 unimplemented action; 4 not root; 5 not installed (cloudvip missing); "
        "6 not configured (a wrong parameter, named in the exit reason); 7 not running (monitor only). "
        "Failures print an _ocf-exit-reason:_ line on stderr.",
        "",
        "# EXAMPLES",
        "",
        "Migrating from the resource-agents agent changes the provider only:",
        "",
        "```",
        f"pcs resource create vip ocf:{args.provider}:{agent} ip=192.168.100.10 \\",
        "    routing_table=rtb-0a1b2c3d4e5f6aaa0,rtb-0a1b2c3d4e5f6aaa1 interface=eth0 \\",
        "    op monitor interval=60s",
        "```",
        "",
        "# SEE ALSO",
        "",
        "*cloudvip*(8), *ocf-tester*(8), *crm\\_resource*(8), the resource-agents agent "
        f"*ocf:heartbeat:{escape(agent)}*, and docs/pacemaker.md in cloudvip's sources.",
        "",
    ]
    sys.stdout.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
