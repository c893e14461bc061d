#!/usr/bin/env python3
"""Render host/models/data/registered_block_types.json from Prefect's source.

Prefect's server registers, at start-up, every Block class the `prefect`
package defines (prefect.blocks.*, prefect.filesystems). Their schemas are
pydantic v2 JSON schemas post-processed by Block.model_json_schema, and
their checksums hash that schema; prefectd ships the result as data. This
script reads the block modules of a Prefect checkout (a git revision; none of
Prefect is imported), rebuilds each Block class as a plain pydantic model from
its field declarations, and renders the type and schema the way
Block._to_block_type / Block._to_block_schema do.

Needs the pydantic Prefect pins (uv.lock of that revision: pydantic 2.13.4 for
Prefect 3.8) and griffe (Prefect parses docstrings with it):

  PYTHONPATH=<griffe>/packages/griffelib/src tools/render_block_registry.py \
      --prefect-git /work/.mirror/PrefectHQ+prefect/repo --revision 3.8.2 \
      > host/models/data/registered_block_types.json
"""

from __future__ import annotations

import abc
import argparse
import ast
import hashlib
import inspect
import json
import re
import subprocess
import sys
import types
import typing
from textwrap import dedent
from typing import Annotated, Any, Dict, Generic, Literal, Optional, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, HttpUrl, JsonValue, SecretBytes, SecretStr, StrictStr

# The modules whose Block classes Prefect's server process has imported when
# it runs the registry registration (prefect.blocks' __init__ imports
# notifications, system and webhook; block_registration imports filesystems).
MODULES = [
    ("prefect.blocks.webhook", "src/prefect/blocks/webhook.py"),
    ("prefect.blocks.system", "src/prefect/blocks/system.py"),
    ("prefect.filesystems", "src/prefect/filesystems.py"),
    ("prefect.blocks.abstract", "src/prefect/blocks/abstract.py"),
    ("prefect.blocks.notifications", "src/prefect/blocks/notifications.py"),
]
PROTECTED = ["webhook", "secret", "local-file-system"]
CLASS_VARIABLES = {
    "_block_type_name",
    "_block_type_slug",
    "_logo_url",
    "_documentation_url",
    "_description",
    "_code_example",
    "_block_schema_capabilities",
    "_block_schema_version",
}


class SecretDict(pydantic.Secret[dict[str, Any]]):
    pass


NESTED_ORIGINS = (list, dict, tuple, Union, types.UnionType)


def slugify(text: str) -> str:
    # python-slugify's default: lower case, runs of other characters become "-".
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_block_class(value: Any) -> bool:
    return inspect.isclass(value) and not get_origin(value) and issubclass(value, Block)


def collect_secret_fields(name: str, annotation: Any, secrets: list[str]) -> None:
    if get_origin(annotation) in NESTED_ORIGINS:
        for argument in get_args(annotation):
            collect_secret_fields(name, argument, secrets)
        return
    if inspect.isclass(annotation) and not get_origin(annotation) and issubclass(annotation, BaseModel):
        for field_name, field in annotation.model_fields.items():
            if field.annotation is not None:
                collect_secret_fields(f"{name}.{field_name}", field.annotation, secrets)
        return
    origin = get_origin(annotation)
    secret = (
        annotation in (SecretStr, SecretBytes)
        or (isinstance(annotation, type) and annotation is pydantic.Secret)
        or (origin is not None and origin is pydantic.Secret)
    )
    if secret:
        secrets.append(name)
    elif annotation == SecretDict:
        secrets.append(f"{name}.*")


def remove_key_everywhere(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: remove_key_everywhere(key, v) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [remove_key_everywhere(key, item) for item in value]
    return value


def schema_extra(schema: dict[str, Any], model: type["Block"]) -> None:
    schema["block_type_slug"] = model.get_block_type_slug()
    description = model.get_description()
    if description:
        schema["description"] = description
    else:
        schema.pop("description", None)
    secrets: list[str] = []
    for name, field in model.model_fields.items():
        if field.annotation is not None:
            collect_secret_fields(name, field.annotation, secrets)
    schema["secret_fields"] = secrets
    # None of the package's own blocks nests another block.
    schema["block_schema_references"] = {}


class Block(BaseModel, abc.ABC):
    model_config = ConfigDict(extra="allow", json_schema_extra=schema_extra)

    _prefect_module: typing.ClassVar[str] = ""
    _block_type_name: typing.ClassVar[Optional[str]] = None
    _block_type_slug: typing.ClassVar[Optional[str]] = None
    _logo_url: typing.ClassVar[Optional[str]] = None
    _documentation_url: typing.ClassVar[Optional[str]] = None
    _description: typing.ClassVar[Optional[str]] = None
    _code_example: typing.ClassVar[Optional[str]] = None
    _block_schema_capabilities: typing.ClassVar[Optional[list[str]]] = None

    @classmethod
    def get_block_type_name(cls) -> str:
        return cls._block_type_name or cls.__name__

    @classmethod
    def get_block_type_slug(cls) -> str:
        return slugify(cls._block_type_slug or cls.get_block_type_name())

    @classmethod
    def docstring_sections(cls):
        from griffe import Docstring, Parser, parse

        return parse(Docstring(cls.__doc__), Parser.google) if cls.__doc__ else []

    @classmethod
    def get_description(cls) -> Optional[str]:
        from griffe import DocstringSectionKind

        if cls._description is not None or cls.__doc__ is None:
            return cls._description
        for section in cls.docstring_sections():
            if section.kind == DocstringSectionKind.text:
                value = section.as_dict().get("value")
                return value.strip() if isinstance(value, str) else None
        return None

    @classmethod
    def get_code_example(cls) -> str:
        from griffe import DocstringSectionKind

        if cls._code_example is not None:
            return dedent(cls._code_example)
        for section in cls.docstring_sections():
            if section.kind == DocstringSectionKind.examples:
                return "\n".join(part[1] for part in section.as_dict().get("value", []))
            if section.kind == DocstringSectionKind.admonition:
                value = section.as_dict().get("value", {})
                if value.get("annotation") == "example":
                    return value.get("description")
        variable = cls.get_block_type_slug().replace("-", "_") + "_block"
        return (
            f"```python\nfrom {cls._prefect_module} import {cls.__name__}\n\n"
            f'{variable} = {cls.__name__}.load("BLOCK_NAME")\n```'
        )

    @classmethod
    def get_block_capabilities(cls) -> list[str]:
        found = {c for base in cls.__mro__ for c in getattr(base, "_block_schema_capabilities", None) or []}
        return sorted(found)

    @classmethod
    def block_json_schema(cls) -> dict[str, Any]:
        schema = cls.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
        if "$defs" in schema:
            schema["definitions"] = schema.pop("$defs")
        schema = remove_key_everywhere("additionalProperties", schema)
        for position, name in enumerate(cls.model_fields):
            key = cls.model_fields[name].alias or name
            if key in schema.get("properties", {}):
                schema["properties"][key]["position"] = position
        return schema


def references_in(value: Any) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        if ref := value.get("$ref"):
            found.append(ref)
        for item in value.values():
            found.extend(references_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(references_in(item))
    return found


def non_block_definitions(value: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    # Definitions reached from `value` that are not blocks; an empty
    # definition (pydantic's JsonValue) counts as absent, as in Prefect.
    kept: dict[str, Any] = {}
    for reference in references_in(value):
        key = reference.replace("#/definitions/", "")
        definition = definitions.get(key)
        if definition and definition.get("block_type_slug") is None:
            kept = {**kept, key: definition, **non_block_definitions(definition, definitions)}
    return kept


def checksum(fields: dict[str, Any]) -> str:
    hashed = remove_key_everywhere("secret_fields", fields)
    if hashed.get("definitions"):
        kept = non_block_definitions(hashed, hashed["definitions"])
        if kept:
            hashed["definitions"] = kept
        else:
            hashed.pop("definitions")
    text = json.dumps([[hashed], {}], sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def literal_value(node: ast.AST, namespace: dict[str, Any]) -> Any:
    return eval(compile(ast.Expression(node), "<prefect>", "eval"), namespace)


def build_classes(git_dir: str, revision: str) -> list[type[Block]]:
    namespace: dict[str, Any] = {
        "Annotated": Annotated, "Any": Any, "Dict": Dict, "Generic": Generic, "Literal": Literal,
        "Optional": Optional, "TypeVar": TypeVar, "Union": Union, "Field": Field, "HttpUrl": str,
        "AnyHttpUrl": AnyHttpUrl, "JsonValue": JsonValue, "SecretStr": SecretStr, "StrictStr": StrictStr,
        "PydanticSecret": pydantic.Secret, "SecretDict": SecretDict, "Block": Block, "ABC": abc.ABC,
        "abc": abc, "BaseModel": BaseModel,
    }
    registered: list[type[Block]] = []
    for module, path in MODULES:
        source = subprocess.run(
            ["git", "-C", git_dir, "show", f"{revision}:{path}"], check=True, capture_output=True, text=True
        ).stdout
        tree = ast.parse(source)
        for node in tree.body:
            if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
                try:
                    value = literal_value(node.value, namespace)
                except Exception:
                    continue
                for target in node.targets:
                    namespace[target.id] = value
            if not isinstance(node, ast.ClassDef):
                continue
            try:
                bases = tuple(literal_value(base, namespace) for base in node.bases)
            except NameError:
                continue
            if not any(inspect.isclass(b) and issubclass(b, Block) for b in bases if get_origin(b) is None):
                continue
            body: dict[str, Any] = {"__module__": module, "__qualname__": node.name, "__annotations__": {}}
            docstring = ast.get_docstring(node, clean=False)
            if docstring is not None:
                body["__doc__"] = docstring
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                    name = statement.targets[0].id
                    if name in CLASS_VARIABLES:
                        body[name] = literal_value(statement.value, namespace)
                elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    name = statement.target.id
                    if name.startswith("_"):
                        continue
                    body["__annotations__"][name] = literal_value(statement.annotation, namespace)
                    if statement.value is not None:
                        body[name] = literal_value(statement.value, namespace)
            cls = types.new_class(node.name, bases, {}, lambda ns: ns.update(body))
            cls._prefect_module = module
            namespace[node.name] = cls
            if abc.ABC not in bases:
                registered.append(cls)
    return registered


def render(cls: type[Block]) -> dict[str, Any]:
    fields = cls.block_json_schema()
    return {
        "block_type": {
            "name": cls.get_block_type_name(),
            "slug": cls.get_block_type_slug(),
            "logo_url": cls._logo_url,
            "documentation_url": cls._documentation_url,
            "description": cls.get_description(),
            "code_example": cls.get_code_example(),
        },
        "protected": cls.get_block_type_slug() in PROTECTED,
        "block_schema": {
            "checksum": checksum(fields),
            "fields": fields,
            "capabilities": cls.get_block_capabilities(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefect-git", required=True)
    parser.add_argument("--revision", required=True)
    arguments = parser.parse_args()
    classes = build_classes(arguments.prefect_git, arguments.revision)
    protected = sorted((c for c in classes if c.get_block_type_slug() in PROTECTED),
                       key=lambda c: PROTECTED.index(c.get_block_type_slug()))
    rest = [c for c in classes if c.get_block_type_slug() not in PROTECTED]
    json.dump([render(c) for c in protected + rest], sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
