#!/usr/bin/env python3
"""Checks of the brand/model catalogue from the outside.

1. Every file in brands/ validates against its JSON Schema (brands/schema/), read with
   PyYAML and checked with the `jsonschema` package (Debian: python3-yaml,
   python3-jsonschema), so the schema and the C++ loader describe the same format.
2. `ocppfleet validate` accepts every shipped file (exit 0) and rejects each bad fixture
   (exit 1) naming the file, line and field path.
3. `ocppfleet catalog --json` lists at least 12 models from 8 brands, the six named ones
   among them; the table form lists them too.
4. templates/: every CPO template and location preset validates against its JSON Schema
   (templates/schema/); `ocppfleet validate --templates templates` accepts them all, and
   each broken template fixture is rejected naming the file, line and field path.
Every subprocess is bounded by a timeout.
Usage: catalog_cli_test.py <path-to-ocppfleet> <source-dir>
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(args, timeout=60):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def schema_check(source):
    brands = os.path.join(source, "brands")
    with open(os.path.join(brands, "schema", "profile.schema.json")) as f:
        profile_schema = json.load(f)
    with open(os.path.join(brands, "schema", "ev-profiles.schema.json")) as f:
        ev_schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(profile_schema)
    jsonschema.Draft7Validator.check_schema(ev_schema)
    files = sorted(glob.glob(os.path.join(brands, "**", "*.yaml"), recursive=True))
    check(len(files) >= 12, f"brands/ has profile files ({len(files)})")
    for path in files:
        with open(path) as f:
            doc = yaml.safe_load(f)
        is_evs = os.path.basename(path) == "evs.yaml" and os.path.dirname(path) == brands
        validator = jsonschema.Draft7Validator(ev_schema if is_evs else profile_schema)
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
        check(not errors, f"schema: {os.path.relpath(path, source)}" + (f" {errors}" if errors else ""))
    # The schema rejects the bad fixtures the loader rejects (the ones that are YAML).
    fixtures = os.path.join(source, "tests", "unit", "catalog", "fixtures", "acme")
    for name in ["unknown-key.yaml", "wrong-type.yaml", "negative-power.yaml"]:
        with open(os.path.join(fixtures, name)) as f:
            doc = yaml.safe_load(f)
        errors = list(jsonschema.Draft7Validator(profile_schema).iter_errors(doc))
        check(errors, f"schema rejects fixture {name}")


def validate_check(binary, source):
    brands = os.path.join(source, "brands")
    r = run([binary, "validate", brands])
    check(r.returncode == 0, f"validate brands/ exits 0 (got {r.returncode}: {r.stderr.strip()[:500]})")
    check("0 invalid" in r.stdout, "validate prints the summary")

    fixtures = os.path.join(source, "tests", "unit", "catalog", "fixtures", "acme")
    r = run([binary, "validate", os.path.join(fixtures, "good.yaml"), os.path.join(fixtures, "_base.yaml")])
    check(r.returncode == 0, f"validate good fixture and its base exits 0 (got {r.returncode}: {r.stderr.strip()})")

    expected = {  # file: (file named in the error, line, field path, words in the message)
        "unknown-key.yaml": ("unknown-key.yaml", 5, "identity.colour", "unknown key"),
        "wrong-type.yaml": ("wrong-type.yaml", 7, "hardware.ocpp_versions[0]", "expected a string"),
        # A cycle is reported at the `extends:` that closes it.
        "cycle-a.yaml": ("cycle-b.yaml", 2, "extends", "extends cycle: cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml"),
        "missing-extends.yaml": ("missing-extends.yaml", 3, "extends", "no such file"),
        "negative-power.yaml": ("negative-power.yaml", 8, "hardware.evses[0].connectors[0].max_power_kw", "must be > 0"),
        "malformed.yaml": ("malformed.yaml", None, None, "malformed YAML"),
    }
    for name, (named, line, path, words) in expected.items():
        r = run([binary, "validate", os.path.join(fixtures, name)])
        check(r.returncode == 1, f"validate {name} exits 1 (got {r.returncode})")
        located = f"{named}:{line}:" if line else f"{named}:"
        check(located in r.stderr, f"validate {name} names the line ({located!r} in {r.stderr.strip()!r})")
        if path:
            check(f": {path}: " in r.stderr, f"validate {name} names the field {path}")
        check(words in r.stderr, f"validate {name} says {words!r}")

    r = run([binary, "validate", os.path.join(fixtures, "good.yaml"), os.path.join(fixtures, "negative-power.yaml")])
    check(r.returncode == 1 and "1 invalid" in r.stdout, "one bad file among good ones fails the run")
    r = run([binary, "validate"])
    check(r.returncode == 2, f"validate without files is a usage error (exit 2, got {r.returncode})")


def catalog_check(binary, source):
    brands = os.path.join(source, "brands")
    r = run([binary, "catalog", "--brands-dir", brands, "--json"])
    check(r.returncode == 0, f"catalog --json exits 0 (got {r.returncode}: {r.stderr.strip()[:500]})")
    try:
        out = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        check(False, f"catalog --json prints JSON ({e})")
        return
    slugs = {m["slug"] for m in out["models"]}
    brand_slugs = {b["slug"] for b in out["brands"]}
    check(len(slugs) >= 12, f"at least 12 models ({len(slugs)})")
    check(len(brand_slugs) >= 8, f"at least 8 brands ({len(brand_slugs)})")
    named = ["abb/terra-184", "abb/terra-ac-w22", "wallbox/pulsar-plus", "schneider/evlink-pro-ac",
             "alfen/eve-single-pro-line", "keba/kecontact-p30"]
    for slug in named:
        check(slug in slugs, f"catalog lists {slug}")
    for m in out["models"]:
        ok = (len(m["charge_point_vendor"]) <= 20 and len(m["charge_point_model"]) <= 20 and m["evses"] >= 1
              and m["max_power_kw"] > 0 and m["connector_types"] and m["ocpp_versions"])
        check(ok, f"catalog entry {m['slug']} is complete")
    check(out["errors"] == [], "catalog reports no load errors")
    check(len(out["evs"]) >= 8, f"catalog lists the EV profiles ({len(out['evs'])})")

    r = run([binary, "catalog", "--brands-dir", brands])
    check(r.returncode == 0 and all(s in r.stdout for s in named), "catalog table lists the named models")

    env = dict(os.environ, OCPPFLEET_BRANDS_DIR=brands)
    r = subprocess.run([binary, "catalog", "--json"], capture_output=True, text=True, timeout=60, env=env)
    check(r.returncode == 0 and json.loads(r.stdout)["brands_dir"] == brands, "OCPPFLEET_BRANDS_DIR is the default")

    fixtures = os.path.join(source, "tests", "unit", "catalog", "fixtures")
    r = run([binary, "catalog", "--brands-dir", fixtures, "--json"])
    check(r.returncode == 1, f"catalog with bad profiles exits 1 (got {r.returncode})")
    check("acme/good" in {m["slug"] for m in json.loads(r.stdout)["models"]}, "good profiles are still listed")
    check("max_power_kw" in r.stderr, "the bad profiles' errors are printed")


def templates_check(binary, source):
    templates = os.path.join(source, "templates")
    with open(os.path.join(templates, "schema", "cpo-template.schema.json")) as f:
        template_schema = json.load(f)
    with open(os.path.join(templates, "schema", "location-preset.schema.json")) as f:
        preset_schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(template_schema)
    jsonschema.Draft7Validator.check_schema(preset_schema)
    files = sorted(glob.glob(os.path.join(templates, "**", "*.yaml"), recursive=True))
    check(len(files) >= 10, f"templates/ has template and preset files ({len(files)})")
    for path in files:
        with open(path) as f:
            doc = yaml.safe_load(f)
        is_preset = os.path.basename(os.path.dirname(path)) == "locations"
        validator = jsonschema.Draft7Validator(preset_schema if is_preset else template_schema)
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
        check(not errors, f"schema: {os.path.relpath(path, source)}" + (f" {errors}" if errors else ""))

    r = run([binary, "validate", "--templates", templates, "--brands-dir", os.path.join(source, "brands")])
    check(r.returncode == 0, f"validate --templates exits 0 (got {r.returncode}: {r.stderr.strip()[:500]})")
    for slug in ["small-urban-ac", "highway-dc", "mixed-depot", "city-network", "national-network"]:
        check(f"{slug}.yaml (CPO template)" in r.stdout, f"validate --templates checks {slug}")
    check("(location preset)" in r.stdout, "validate --templates checks the location presets")

    fixtures = os.path.join(source, "tests", "unit", "catalog", "template_fixtures")
    expected = {  # file: (line, field path, words in the message)
        "unknown-model.yaml": (21, "charger_groups[0].model", "no model 'abb/terra-ac-w99'"),
        "bad-country.yaml": (9, "pools.countries.FRANCE", "not an ISO 3166-1 alpha-2 code"),
        "locations/wrong-type.yaml": (4, "type", "connectors are AC, not DC"),
    }
    for name, (line, path, words) in expected.items():
        r = run([binary, "validate", os.path.join(fixtures, name)])
        check(r.returncode == 1, f"validate {name} exits 1 (got {r.returncode})")
        located = f"{os.path.basename(name)}:{line}:"
        check(located in r.stderr, f"validate {name} names the line ({located!r} in {r.stderr.strip()!r})")
        check(f": {path}: " in r.stderr, f"validate {name} names the field {path}")
        check(words in r.stderr, f"validate {name} says {words!r}")
    # A template and the schema agree on the broken fixtures that are schema-visible.
    with open(os.path.join(fixtures, "bad-country.yaml")) as f:
        doc = yaml.safe_load(f)
    check(list(jsonschema.Draft7Validator(template_schema).iter_errors(doc)), "schema rejects bad-country.yaml")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, source = sys.argv[1], sys.argv[2]
    schema_check(source)
    validate_check(binary, source)
    catalog_check(binary, source)
    templates_check(binary, source)
    print(f"\n{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
