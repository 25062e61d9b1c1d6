#!/usr/bin/python3
"""Holds recorded exchanges with the running collector to openapi/collector.yaml.

  conformance.py OPENAPI.yaml EXCHANGES.json

EXCHANGES.json is a list of {"method", "path", "status", "contentType", "body"} the test recorded.
Each must be a documented operation with a documented status; a documented JSON body must validate
against its schema (JSON Schema 2020-12, $refs resolved within the document and to
schemas/report.schema.json); a response documented without content must have an empty body.
Every documented operation must have been exercised. Prints one line per problem; exit 1 if any.
Debian's python3-yaml and python3-jsonschema only.
"""
import json
import pathlib
import re
import sys

import jsonschema
import yaml


def main():
    doc_path = pathlib.Path(sys.argv[1]).resolve()
    doc = yaml.safe_load(doc_path.read_text(encoding="utf-8"))
    exchanges = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    base = doc_path.as_uri()
    store = {base: doc}
    report_path = (doc_path.parent / "../schemas/report.schema.json").resolve()
    report = json.loads(report_path.read_text(encoding="utf-8"))
    store[report_path.as_uri()] = report
    if "$id" in report:
        store[report["$id"]] = report
    resolver = jsonschema.RefResolver(base_uri=base, referrer=doc, store=store)

    def deref(node):
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            node = resolver.resolve(node["$ref"])[1]
        return node

    templates = []
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        templates.append((re.compile(pattern), template, item))

    problems = []
    exercised = set()
    for x in exchanges:
        where = f'{x["method"]} {x["path"]} → {x["status"]}'
        path = x["path"].split("?")[0]
        match = next(((t, item) for rx, t, item in templates if rx.match(path)), None)
        if match is None:
            problems.append(f"{where}: path not in the document")
            continue
        template, item = match
        operation = item.get(x["method"].lower())
        if operation is None:
            problems.append(f"{where}: method not documented for {template}")
            continue
        exercised.add((x["method"].upper(), template))
        response = operation.get("responses", {}).get(str(x["status"]))
        if response is None:
            problems.append(f"{where}: status not documented (documented: {', '.join(operation.get('responses', {}))})")
            continue
        response = deref(response)
        content = response.get("content")
        body = x.get("body") or ""
        media = (x.get("contentType") or "").split(";")[0].strip()
        if not content:
            if body:
                problems.append(f"{where}: documented without a body, got {len(body)} bytes of {media or 'no type'}")
            continue
        if media not in content:
            problems.append(f"{where}: content type {media or 'none'} not documented ({', '.join(content)})")
            continue
        if media != "application/json":
            continue
        schema = content[media].get("schema", {})
        try:
            value = json.loads(body)
        except ValueError as error:
            problems.append(f"{where}: body is not JSON: {error}")
            continue
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
        for error in sorted(validator.iter_errors(value), key=str):
            location = "/".join(map(str, error.absolute_path)) or "(body)"
            problems.append(f"{where}: {location}: {error.message}")

    for template, item in doc["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete") and (method.upper(), template) not in exercised:
                problems.append(f"{method.upper()} {template}: documented but never exercised by the test")

    for problem in problems:
        print(problem)
    print(json.dumps({"exchanges": len(exchanges), "operations": len(exercised), "problems": len(problems)}))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
