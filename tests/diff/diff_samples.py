"""A small hand-made connector (swagger + apiProperties) that the diff tests mutate."""

from __future__ import annotations

import copy
import json
from typing import Any

from pbxconn.diff.compare import compare
from pbxconn.validate.package import Package

CONTACT = {
    "type": "object",
    "properties": {
        "contactID": {"type": "integer", "format": "int32", "description": "contactID"},
        "firstname": {"type": "string", "description": "firstname"},
        "phones": {"type": "array", "items": {"type": "string"}, "description": "phones"},
    },
}

SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Demo PBX", "description": "A demo PBX.", "version": "1.0"},
    "host": "pbx.example.com",
    "basePath": "/api/v2/",
    "schemes": ["https"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "paths": {
        "/trigger/contacts": {
            "get": {
                "summary": "Get Contacts",
                "description": "Triggers when a contact is created.",
                "operationId": "GetContacts",
                "x-ms-visibility": "important",
                "x-ms-trigger": "batch",
                "x-ms-trigger-metadata": {"mode": "polling", "kind": "query"},
                "x-ms-trigger-hint": "Checks for new contacts.",
                "parameters": [
                    {"name": "limit", "in": "query", "required": False, "type": "integer", "format": "int32",
                     "x-ms-summary": "Limit", "description": "How many."},
                    {"name": "initial_contact_id", "in": "query", "required": False, "type": "integer",
                     "x-ms-visibility": "internal", "default": 0, "description": "Cursor."},
                    {"name": "sort", "in": "query", "required": False, "type": "string",
                     "enum": ["asc", "desc"], "x-ms-summary": "Sort"},
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "schema": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "description": "status"},
                                "data": {"type": "array", "items": CONTACT, "description": "data"},
                            },
                        },
                    },
                    "404": {"description": "Not Found"},
                },
            }
        },
        "/dial": {
            "post": {
                "summary": "Dial",
                "description": "Start a call.",
                "operationId": "Dial",
                "parameters": [
                    {"name": "body", "in": "body", "required": True, "schema": {
                        "type": "object",
                        "required": ["number"],
                        "properties": {
                            "number": {"type": "string", "description": "Number to call."},
                            "caller": {"type": "string", "description": "Caller ID."},
                            "mode": {"type": "string", "enum": ["direct", "queue"]},
                        },
                    }},
                ],
                "responses": {"200": {"description": "OK"}},
            }
        },
        "/webhooks/CallStarted": {
            "x-ms-notification-content": {
                "description": "A call started.",
                "schema": {"type": "object", "properties": {
                    "eventType": {"type": "string"},
                    "data": {"type": "object", "properties": {
                        "callID": {"type": "integer", "format": "int32"},
                        "caller": {"type": "string"},
                    }},
                }},
            },
            "post": {
                "summary": "CallStarted webhook",
                "description": "A call started.",
                "operationId": "CallStarted",
                "x-ms-trigger": "single",
                "x-ms-visibility": "important",
                "parameters": [
                    {"name": "body", "in": "body", "required": True, "x-ms-visibility": "internal", "schema": {
                        "type": "object", "required": ["endpoint"], "x-ms-visibility": "internal",
                        "properties": {"endpoint": {"type": "string", "x-ms-notification-url": True,
                                                    "x-ms-visibility": "internal"}},
                    }},
                ],
                "responses": {"200": {"description": "OK"}},
            },
        },
    },
    "definitions": {},
    "securityDefinitions": {"API Key": {"type": "apiKey", "in": "header", "name": "Authorization"}},
    "security": [{"API Key": []}],
}

PROPERTIES: dict[str, Any] = {
    "properties": {
        "connectionParameters": {
            "api_key": {"type": "securestring", "uiDefinition": {
                "displayName": "API Key", "description": "The API key", "tooltip": "Provide your API key",
                "constraints": {"tabIndex": 2, "clearText": False, "required": "true"}}},
        },
        "iconBrandColor": "#31ab3d",
        "capabilities": [],
        "policyTemplateInstances": [
            {"templateId": "pollingtrigger", "title": "GetContactsPolling", "type": "PollingTrigger",
             "parameters": {
                 "x-ms-apimTemplateParameter.triggerConfig": {"initial_contact_id": "@{triggerBody().data[0].contactID}"},
                 "x-ms-apimTemplateParameter.triggerDataPath": "@triggerBody().data",
                 "x-ms-apimTemplate-operationName": ["GetContacts"],
             }},
        ],
        "publisher": "Demo",
        "stackOwner": "Demo",
    }
}


def fresh() -> tuple[dict, dict]:
    """Deep copies of the hand-made swagger and apiProperties."""
    return copy.deepcopy(SWAGGER), copy.deepcopy(PROPERTIES)


def package(swagger: dict, properties: dict | None = None, root: str = "pkg") -> Package:
    """An in-memory package written the way the generator writes files (4-space JSON)."""
    files = {"apiDefinition.swagger.json": (json.dumps(swagger, indent=4) + "\n").encode()}
    files["apiProperties.json"] = (json.dumps(properties if properties is not None else PROPERTIES, indent=4)
                                   + "\n").encode()
    return Package.from_files(files, root)


def diff(old: dict, new: dict, old_props: dict | None = None, new_props: dict | None = None) -> list:
    """Findings of comparing two hand-made versions."""
    return compare(package(old, old_props, "old"), package(new, new_props, "new"))
