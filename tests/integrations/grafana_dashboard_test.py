#!/usr/bin/env python3
"""Checks integrations/grafana/cloudvip.json against src/daemon/metrics.h (no Grafana needed):
 - the file is valid JSON with a Prometheus datasource variable that every panel and target uses;
 - panel ids are unique and every panel has a grid position;
 - every metric family named in metrics.h appears in some panel expression (histograms as _bucket with
   histogram_quantile), and no expression names a cloudvip_ metric that metrics.h does not declare.
The checker first proves it can fail, on a dashboard with a panel removed.
Usage: grafana_dashboard_test.py SOURCE_DIR"""
import copy
import json
import re
import sys


def families(header_text):
    # The interface list at the top of metrics.h: "//   cloudvip_name{labels}   type ..."
    found = {}
    for m in re.finditer(r"^//\s+(cloudvip_[a-z0-9_]+)(?:\{[^}]*\})?\s+(counter|gauge|histogram)", header_text, re.M):
        found[m.group(1)] = m.group(2)
    return found


def all_panels(panels):
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def problems(dashboard, declared):
    out = []
    variables = dashboard.get("templating", {}).get("list", [])
    ds_vars = [v for v in variables if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    if not ds_vars:
        out.append("no datasource variable of type prometheus in templating")
    ds_ref = "${%s}" % ds_vars[0]["name"] if ds_vars else None
    ids = set()
    exprs = []
    for panel in all_panels(dashboard.get("panels", [])):
        if panel.get("id") in ids:
            out.append(f"panel id {panel.get('id')} is used twice")
        ids.add(panel.get("id"))
        if not {"x", "y", "w", "h"} <= set(panel.get("gridPos", {})):
            out.append(f"panel {panel.get('title')!r} has no full gridPos")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource", {}).get("uid") != ds_ref:
            out.append(f"panel {panel.get('title')!r} does not use the datasource variable {ds_ref}")
        if not panel.get("targets"):
            out.append(f"panel {panel.get('title')!r} has no query")
        for target in panel.get("targets", []):
            if target.get("datasource", {}).get("uid") != ds_ref:
                out.append(f"a query of {panel.get('title')!r} does not use {ds_ref}")
            exprs.append(target.get("expr", ""))
    text = "\n".join(exprs)
    for name, kind in sorted(declared.items()):
        if kind == "histogram":
            if not re.search(r"histogram_quantile\([^,]+,.*\b%s_bucket\b" % name, text):
                out.append(f"histogram {name} has no histogram_quantile over {name}_bucket in any panel")
        elif not re.search(r"\b%s\b" % name, text):
            out.append(f"metric {name} appears in no panel expression")
    for used in sorted(set(re.findall(r"\bcloudvip_[a-z0-9_]+", text))):
        base = re.sub(r"_(bucket|sum|count)$", "", used)
        if used not in declared and base not in declared:
            out.append(f"an expression uses {used}, which metrics.h does not declare")
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    declared = families(open(f"{root}/src/daemon/metrics.h").read())
    if len(declared) < 11:
        print(f"FAIL: found only {len(declared)} metric families in metrics.h: {sorted(declared)}")
        return 1
    with open(f"{root}/integrations/grafana/cloudvip.json") as f:
        dashboard = json.load(f)

    # The checker must be able to fail: drop the panels that show drift repairs and the failover histogram.
    broken = copy.deepcopy(dashboard)
    broken["panels"] = [p for p in broken["panels"]
                        if not any("drift_repairs" in t.get("expr", "") or "failover_seconds_bucket" in t.get("expr", "")
                                   for t in p.get("targets", []))]
    broken_found = problems(broken, declared)
    if not any("cloudvip_drift_repairs_total" in p for p in broken_found) or \
            not any("cloudvip_failover_seconds" in p for p in broken_found):
        print("FAIL: the checker did not notice missing panels:", broken_found)
        return 1

    found = problems(dashboard, declared)
    for p in found:
        print("FAIL:", p)
    if not found:
        print(f"ok: {len(declared)} metric families, "
              f"{sum(1 for p in all_panels(dashboard['panels']) if p.get('type') != 'row')} panels")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
