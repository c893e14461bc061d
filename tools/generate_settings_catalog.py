#!/usr/bin/env python3
"""Writes host/settings/prefect_settings_catalog.json from Prefect's OpenAPI
document: every leaf of the `Settings` schema with its dotted path, the
environment variables that set it (canonical first), its default and whether
it is a secret. prefectd embeds the result, so alias resolution and
/api/admin/settings follow Prefect's own settings model.

Usage: tools/generate_settings_catalog.py [openapi.json] [output.json]
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "prefect-openapi-v3.json")
target = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "host", "settings", "prefect_settings_catalog.json")

schemas = json.load(open(source))["components"]["schemas"]


def value_kind(prop):
    """The one type a setting's value is parsed as (besides null)."""
    options = prop.get("anyOf", [prop])
    for option in options:
        if option.get("format") == "duration":
            return "duration"
    for option in options:
        if option.get("type") not in (None, "null"):
            return option["type"]
    return "string"


def is_secret(prop):
    return any(o.get("format") == "password" for o in prop.get("anyOf", [prop]))


def walk(schema_name, path, out):
    for key, prop in schemas[schema_name]["properties"].items():
        ref = prop.get("$ref")
        if ref:
            walk(ref.rsplit("/", 1)[1], path + [key], out)
            continue
        entry = {
            "path": ".".join(path + [key]),
            "env": prop.get("supported_environment_variables", []),
            "kind": value_kind(prop),
            "nullable": any(o.get("type") == "null" for o in prop.get("anyOf", [])),
        }
        if "default" in prop:
            entry["default"] = prop["default"]
        if is_secret(prop):
            entry["secret"] = True
        out.append(entry)


catalog = []
walk("Settings", [], catalog)
with open(target, "w") as handle:
    json.dump({"generated_from": "prefect-openapi-v3.json components.schemas.Settings", "settings": catalog}, handle, indent=1)
    handle.write("\n")
print(f"{len(catalog)} settings -> {os.path.relpath(target)}")
