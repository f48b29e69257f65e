"""The published JSON Schemas, generated from the pydantic models in model/.

spec/questionnaire.schema.json lets an editor check a question-set YAML file as HR types it;
spec/config.schema.json checks an employer's sluttsamtale.toml;
spec/payload.schema.json describes the plaintext inside a sealed response for other
implementations. Both are generated, never hand-edited, so they cannot drift from the models;
a test compares the committed files with freshly generated ones.

The JSON Schemas check shape only. Cross-field rules (a choice needs options, a condition
must point at an earlier question, answers must match their question) live in the models'
validators and in check_payload, which remain the authority.
"""

from __future__ import annotations

import json
from typing import Any

from .installation import Installation
from .payload import Payload
from .questionset import QuestionSet

DRAFT = "https://json-schema.org/draft/2020-12/schema"
QUESTIONNAIRE_FILE = "questionnaire.schema.json"
PAYLOAD_FILE = "payload.schema.json"
CONFIG_FILE = "config.schema.json"

# URNs rather than web addresses: the project has no canonical web home, and an $id only
# has to be a unique, stable URI. The number follows the format version.
QUESTIONNAIRE_ID = "urn:sluttsamtale:questionnaire:1"
PAYLOAD_ID = "urn:sluttsamtale:payload:1"
CONFIG_ID = "urn:sluttsamtale:config:1"


def _published(model_schema: dict[str, Any], schema_id: str, title: str) -> dict[str, Any]:
    return {"$schema": DRAFT, "$id": schema_id, **model_schema, "title": title}


def questionnaire_schema() -> dict[str, Any]:
    """JSON Schema for a question-set file (the YAML HR writes), draft 2020-12."""
    schema = _published(
        QuestionSet.model_json_schema(),
        QUESTIONNAIRE_ID,
        "Sluttsamtale question set",
    )
    # Set files start with "$schema" so editors find this schema; the loader drops the key
    # before validation, so it must be allowed here even though the model forbids extras.
    schema["properties"] = {
        "$schema": {
            "description": "Where editors find this schema; ignored by the loader.",
            "type": "string",
        },
        **schema["properties"],
    }
    return schema


def payload_schema() -> dict[str, Any]:
    """JSON Schema for the plaintext payload (format sluttsamtale-payload/1), draft 2020-12."""
    return _published(Payload.model_json_schema(), PAYLOAD_ID, "Sluttsamtale payload")


def config_schema() -> dict[str, Any]:
    """JSON Schema for an employer's sluttsamtale.toml (TOML editors such as Taplo read it)."""
    return _published(Installation.model_json_schema(), CONFIG_ID, "Sluttsamtale configuration")


def render(schema: dict[str, Any]) -> str:
    """The exact text of a published schema file: sorted keys, indent 2, final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
