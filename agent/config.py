"""The one config loader.

The device has one TOML file. Each component declares its own section as a
dataclass (``@section("mqtt")``) in its own package; this module loads the
file, checks every value against those dataclasses and reports the first
problems with the file, the dotted key and what to do about it. Unknown keys
are errors (a typo must not silently fall back to a default).

Field docs for docs/config.md come from ``field(metadata={"help": ...})``.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import tomllib
import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

T = TypeVar("T")

# Packages that declare sections; imported when the config is loaded.
SECTION_MODULES = [
    "agent.device",
    "agent.llm.settings",
    "agent.sensors.settings",
    "agent.sync.settings",
    "agent.kiosk.settings",
    "agent.daemon.settings",
    "firmware_bridge.settings",
]

_SECTIONS: dict[str, type] = {}


class ConfigError(ValueError):
    """A config problem a technician can fix: where it is and what to do."""

    def __init__(self, file: str | Path | None, key: str, problem: str, fix: str = "") -> None:
        self.file = str(file) if file else "<config>"
        self.key = key
        self.problem = problem
        self.fix = fix
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {problem}" + (f" Fix: {fix}" if fix else ""))


def section(name: str):
    """Register a dataclass as the schema of ``[name]`` in the device config."""

    def deco(cls):
        if not is_dataclass(cls):
            raise TypeError(f"{cls!r} must be a dataclass")
        _SECTIONS[name] = cls
        cls.__config_section__ = name
        return cls

    return deco


def sections() -> dict[str, type]:
    for mod in SECTION_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
    return dict(sorted(_SECTIONS.items()))


class Config:
    """All sections, as attributes: ``cfg.mqtt.host``."""

    def __init__(self, values: dict[str, Any], path: Path | None) -> None:
        self._values = values
        self.path = path

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict[str, Any]:
        return {k: dataclasses.asdict(v) for k, v in self._values.items()}


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Load and validate the device config; ``None`` gives the embedded defaults."""
    raw: dict[str, Any] = {}
    p = Path(path) if path else None
    if p is not None:
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(p, "", "file not found.", "check the path, or run without --config for the demo defaults.") from None
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(p, "", f"cannot read the file ({e}).", "make it a readable UTF-8 text file.") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(p, "", f"not valid TOML: {e}.", "fix the syntax at that line (strings need quotes, tables [name]).") from None
    if overrides:
        raw = _merge(raw, overrides)
    return build_config(raw, p)


def build_config(raw: dict[str, Any], path: Path | None = None) -> Config:
    schema = sections()
    for key in raw:
        if key not in schema:
            raise ConfigError(path, key, f"unknown section [{key}].", _suggest(key, schema))
    values = {name: parse_value(raw.get(name, {}), cls, path, name) for name, cls in schema.items()}
    return Config(values, path)


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _suggest(key: str, choices) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "remove it; valid names are: " + ", ".join(sorted(choices)) + "."


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if tp is bool:
        return "true or false"
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is str or tp is Path:
        return "a string in quotes"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin is list:
        return "a list [..]"
    if origin is dict:
        return "a table"
    if is_dataclass(tp):
        return "a table"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp) if a is not type(None))
    return str(tp)


def parse_value(value: Any, tp: Any, path: Path | None, key: str) -> Any:
    """Check ``value`` against the annotation ``tp``; return the typed value."""
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = get_args(tp)
        if value is None and type(None) in args:
            return None
        errors = []
        for a in args:
            if a is type(None):
                continue
            try:
                return parse_value(value, a, path, key)
            except ConfigError as e:
                errors.append(e)
        raise errors[-1] if len(errors) == 1 else ConfigError(path, key, f"expected {_type_name(tp)}, got {value!r}.", f"set {key} to {_type_name(tp)}.")
    if is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(path, key, f"expected a table, got {value!r}.", f"write it as [{key}] with key = value lines.")
        names = {f.name: f for f in fields(tp) if f.init}
        for k in value:
            if k not in names:
                raise ConfigError(path, f"{key}.{k}", "unknown key.", _suggest(k, names))
        kwargs = {}
        hints = typing.get_type_hints(tp)
        for name, f in names.items():
            if name in value:
                kwargs[name] = parse_value(value[name], hints[name], path, f"{key}.{name}")
            elif f.default is MISSING and f.default_factory is MISSING:
                raise ConfigError(path, f"{key}.{name}", "required key is missing.", f"add {name} = <{_type_name(hints[name])}> under [{key}].")
        try:
            obj = tp(**kwargs)
        except (ValueError, TypeError) as e:
            raise ConfigError(path, key, str(e), "see docs/config.md for the allowed values.") from None
        check = getattr(obj, "validate", None)
        if callable(check):
            try:
                check()
            except ValueError as e:
                raise ConfigError(path, key, str(e), "see docs/config.md for the allowed values.") from None
        return obj
    if origin is Literal:
        if value not in get_args(tp):
            raise ConfigError(path, key, f"{value!r} is not allowed.", f"use {_type_name(tp)}.")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(path, key, f"expected a list, got {value!r}.", f"write {key} = [ ... ].")
        (item,) = get_args(tp) or (Any,)
        return [parse_value(v, item, path, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(path, key, f"expected a table, got {value!r}.", f"write it as [{key}].")
        _, vt = get_args(tp) or (str, Any)
        return {str(k): parse_value(v, vt, path, f"{key}.{k}") for k, v in value.items()}
    if tp is Any:
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, key, f"expected true or false, got {value!r}.", f"write {key} = true or {key} = false (no quotes).")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, key, f"expected a whole number, got {value!r}.", f"write {key} = 10 (no quotes, no decimal point).")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(path, key, f"expected a number, got {value!r}.", f"write {key} = 1.5 (no quotes).")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(path, key, f"expected a string, got {value!r}.", f'write {key} = "..." (in quotes).')
        return value
    if tp is Path:
        if not isinstance(value, str):
            raise ConfigError(path, key, f"expected a path string, got {value!r}.", f'write {key} = "/path" (in quotes).')
        return Path(value)
    raise TypeError(f"unsupported config type {tp!r} at {key}")


def section_fields(cls: type) -> list[tuple[str, str, Any, str]]:
    """(name, type, default, help) for docs/config.md."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            default = "(required)"
        out.append((f.name, _type_name(hints[f.name]), default, f.metadata.get("help", "")))
    return out
