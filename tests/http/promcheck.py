#!/usr/bin/python3
# Reads Prometheus text format on stdin with the reference parser
# (python3-prometheus-client) and fails on what a scraper would refuse
# or misread: a parse error, or two samples with the same name and labels.
#   usage: promcheck.py < metrics.txt
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
seen = set()
samples = 0
try:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in seen:
                print("duplicate series: %s%s" % (s.name, dict(s.labels)))
                sys.exit(1)
            seen.add(key)
            samples += 1
except Exception as e:  # the parser's own complaint
    print("does not parse: %s" % e)
    sys.exit(1)
if samples == 0:
    print("no samples")
    sys.exit(1)
print("%d samples, no duplicates" % samples)
