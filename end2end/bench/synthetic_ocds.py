#!/usr/bin/env python3
"""A seeded synthetic OCDS corpus shaped like the real Contracts Finder data:
JSON Lines of releases (gzip), with council buyers by their published names,
suppliers from a pool (most with Companies House numbers, some SMEs), real
CPV codes, award values and contract periods; about one release in ten is a
tender (a planned purchase), one in twenty a second, newer release of an
earlier process, and one in twenty a call-off naming a CCS agreement.

    synthetic_ocds.py RELEASES SEED OUT.jsonl.gz

The same RELEASES and SEED always give the same bytes."""
import csv, gzip, json, random, sys, zlib
from pathlib import Path

releases, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
root = Path(__file__).resolve().parents[2] / "app" / "reference-data"
with open(root / "mysociety_lookup_name_to_registry.csv", newline="") as f:
    buyers = sorted({row["la-name"] for row in csv.DictReader(f)})
with open(root / "cpv2008_main_en.csv", newline="") as f:
    cpv = [(row["code8"], row["label_en"]) for row in csv.DictReader(f) if row["level"] in ("3", "4")]
words = ["Services", "Solutions", "Group", "Partners", "Maintenance", "Care", "Digital", "Construction",
         "Fleet", "Consulting", "Facilities", "Engineering", "Print", "Energy", "Transport", "Health"]
suppliers = []
for i in range(5000):
    name = f"{rng.choice(words)} {rng.choice(words)} {i} Ltd"
    number = f"{rng.randrange(10**7):08d}" if rng.random() < 0.8 else None
    suppliers.append((f"S{i}", name, number, rng.random() < 0.4))
frameworks = ["RM6187", "RM6232", "RM1557.13", "RM6102", "RM3830"]

def release(n, ocid, version, date):
    code, label = rng.choice(cpv)
    buyer = rng.choice(buyers)
    title = f"{label} for {buyer}"
    release = {
        "ocid": ocid, "id": f"{ocid}-{version}", "date": date, "tag": ["award"],
        "initiationType": "tender",
        "buyer": {"id": f"GB-CFS-{zlib.crc32(buyer.encode()) % 100000}", "name": buyer},
        "tender": {"id": f"T{n}", "title": title, "description": f"Provision of {label.lower()}.",
                   "classification": {"scheme": "CPV", "id": code, "description": label},
                   "procurementMethod": "open", "procurementMethodDetails": "Open procedure"},
    }
    parties = [{"id": release["buyer"]["id"], "name": buyer, "roles": ["buyer"]}]
    if rng.random() < 0.1:
        release["tag"] = ["tender"]
        release["tender"]["status"] = "active"
        release["tender"]["value"] = {"amount": rng.randrange(10_000, 5_000_000), "currency": "GBP"}
        release["tender"]["tenderPeriod"] = {"endDate": date}
    else:
        chosen = rng.sample(suppliers, rng.choice([1, 1, 1, 2, 3]))
        refs = []
        for sid, name, number, sme in chosen:
            party = {"id": f"GB-COH-{number}" if number else f"GB-CFS-{sid}", "name": name,
                     "details": {"scale": "sme" if sme else "large"}, "roles": ["supplier"]}
            if number:
                party["identifier"] = {"scheme": "GB-COH", "id": number}
            parties.append(party)
            refs.append({"id": party["id"], "name": name})
        start = 2018 + rng.randrange(8)
        release["awards"] = [{
            "id": f"{ocid}-award", "status": "active", "date": date,
            "value": {"amount": rng.randrange(5_000, 20_000_000), "currency": "GBP"},
            "suppliers": refs,
            "contractPeriod": {"startDate": f"{start}-04-01T00:00:00Z",
                               "endDate": f"{start + rng.randrange(1, 6)}-03-31T23:59:59Z"},
        }]
        if rng.random() < 0.05:
            release["tender"]["procurementMethodDetails"] = "Call-off from a framework agreement"
            release["tender"]["title"] += f" (call-off from {rng.choice(frameworks)})"
    release["parties"] = parties
    return release

with gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as f:
    written = 0
    while written < releases:
        ocid = f"ocds-synth-{written:07d}"
        date = f"20{rng.randrange(18, 26)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}T12:00:00Z"
        f.write(json.dumps(release(written, ocid, 1, date)) + "\n")
        written += 1
        if written < releases and rng.random() < 0.05:
            later = date.replace("T12", "T18")
            f.write(json.dumps(release(written, ocid, 2, later)) + "\n")
            written += 1
