"""Microsoft's published Swagger Validator rules: one good and one bad fixture per implemented
code, run through the package loader and the engine, plus the completeness check against the
reference list of 174 codes."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from pbxconn.core.findings import Severity
from pbxconn.validate.config import Config
from pbxconn.validate.engine import validate_package
from pbxconn.validate.package import Package
from pbxconn.validate.registry import load_rules
from pbxconn.validate.rule import NOT_IMPLEMENTED, RULES


def _summary(name: str) -> dict:
    return {"x-ms-summary": name, "description": f"The {name.lower()}."}


def good() -> dict:
    """A small connector that none of the Microsoft-table rules objects to."""
    return {
        "swagger": "2.0",
        "info": {
            "title": "Sample PBX",
            "description": "Sample PBX lets you place calls and react to call events of your phone system.",
            "version": "1.0",
            "contact": {"name": "Sample", "url": "https://pbx.example.com", "email": "support@example.com"},
        },
        "host": "api.example.com",
        "basePath": "/v1",
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            "/calls/{call_id}": {
                "get": {
                    "operationId": "GetCall", "summary": "Get a call", "description": "Gets one call.",
                    "parameters": [{"name": "call_id", "in": "path", "required": True, "type": "string",
                                    "x-ms-url-encoding": "single", **_summary("Call ID")}],
                    "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Call"}},
                                  "404": {"description": "Not found"}},
                },
            },
            "/calls": {
                "get": {
                    "operationId": "ListCalls", "summary": "List calls", "description": "Lists calls.",
                    "parameters": [
                        {"name": "limit", "in": "query", "type": "integer", "format": "int32", "minimum": 1,
                         "maximum": 100, "default": 10, **_summary("Limit")},
                        {"name": "box", "in": "query", "type": "string", **_summary("Box"),
                         "x-ms-dynamic-values": {"operationId": "ListBoxes", "value-collection": "value",
                                                 "value-path": "id", "value-title": "name",
                                                 "parameters": {"kind": "voice"}}},
                        {"$ref": "#/parameters/Direction"},
                    ],
                    "responses": {"200": {"description": "OK", "schema": {
                        "type": "object", "properties": {"value": {"type": "array",
                                                                   "items": {"$ref": "#/definitions/Call"}}}}}},
                },
                "post": {
                    "operationId": "CreateCall", "summary": "Place a call", "description": "Places a call.",
                    "parameters": [{"name": "body", "in": "body", "required": True, **_summary("Call"),
                                    "schema": {"type": "object", "required": ["to", "mode"], "properties": {
                                        "to": {"type": "string", "pattern": "^[0-9+]+$", "minLength": 3,
                                               "maxLength": 20},
                                        "mode": {"type": "string", "default": "auto", "x-ms-visibility": "internal"},
                                    }}}],
                    "responses": {"201": {"description": "Created", "schema": {"$ref": "#/definitions/Call"}}},
                },
            },
            "/boxes": {
                "get": {
                    "operationId": "ListBoxes", "summary": "List boxes", "description": "Lists voicemail boxes.",
                    "x-ms-visibility": "internal",
                    "parameters": [{"name": "kind", "in": "query", "type": "string", **_summary("Kind")}],
                    "responses": {"200": {"description": "OK", "schema": {
                        "type": "object", "properties": {"value": {"type": "array", "items": {
                            "type": "object", "properties": {"id": {"type": "string"},
                                                             "name": {"type": "string"}}}}}}}},
                },
            },
            "/hooks": {
                "x-ms-notification-content": {"description": "A call event", "schema": {"$ref": "#/definitions/Call"}},
                "post": {
                    "operationId": "OnCallEvent", "summary": "When a call event happens",
                    "description": "Triggers on call events.", "x-ms-trigger": "single",
                    "parameters": [{"name": "body", "in": "body", "required": True, **_summary("Hook"),
                                    "schema": {"type": "object", "required": ["url"], "properties": {
                                        "url": {"type": "string", "x-ms-notification-url": True,
                                                "x-ms-visibility": "internal"}}}}],
                    "responses": {"201": {"description": "Created"}},
                },
            },
            "/hooks/{hook_id}": {
                "delete": {
                    "operationId": "DeleteHook", "summary": "Delete a hook", "description": "Deletes a hook.",
                    "x-ms-visibility": "internal",
                    "parameters": [{"name": "hook_id", "in": "path", "required": True, "type": "string",
                                    "x-ms-url-encoding": "single", **_summary("Hook ID")}],
                    "responses": {"200": {"description": "OK"}},
                },
            },
        },
        "definitions": {
            "Call": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": ["in", "out"],
                         "x-ms-enum-values": [{"value": "in", "displayName": "Incoming"},
                                              {"value": "out", "displayName": "Outgoing"}]},
                "duration": {"type": "integer", "format": "int32", "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 0, "maxItems": 10},
            }},
        },
        "parameters": {"Direction": {"name": "direction", "in": "query", "type": "string", "enum": ["in", "out"],
                                     **_summary("Direction")}},
        "responses": {},
        "securityDefinitions": {"API Key": {"type": "apiKey", "in": "header", "name": "Authorization"}},
        "security": [{"API Key": []}],
        "tags": [],
        "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://pbx.example.com"},
            {"propertyName": "Privacy policy", "propertyValue": "https://pbx.example.com/privacy"},
            {"propertyName": "Categories", "propertyValue": "Communication;Productivity"},
        ],
    }


def op(d: dict, path: str, method: str) -> dict:
    return d["paths"][path][method]


def param(d: dict, path: str, method: str, i: int = 0) -> dict:
    return op(d, path, method)["parameters"][i]


def body_schema(d: dict) -> dict:
    return param(d, "/calls", "post")["schema"]


def call(d: dict) -> dict:
    return d["definitions"]["Call"]


def _family(d: dict, *revisions: Any, status: str | None = None, deprecated: tuple = ()) -> None:
    for i, rev in enumerate(revisions):
        name = f"GetThing_V{rev}" if rev and rev != 1 else "GetThing"
        ann: dict = {"family": "GetThing"}
        if rev is not None:
            ann["revision"] = rev
        if status:
            ann["status"] = status
        d["paths"][f"/things{i}"] = {"get": {"operationId": name + ("" if i < 1 or rev else str(i)),
                                            "summary": "Get a thing", "description": "Gets a thing.",
                                            "x-ms-api-annotation": ann, "deprecated": i in deprecated,
                                            "responses": {"200": {"description": "OK"}}}}


# code -> mutation of the good document that must make the rule fire
BAD: dict[str, Callable[[dict], Any]] = {
    # Operations
    "ApiAnnotationExtensionReplacementInfoForNonDeprecatedOperations": lambda d: op(d, "/calls", "get").update(
        {"x-ms-api-annotation": {"replacement": {"api": "x", "operationId": "ListCalls2"}}}),
    "ApiAnnotationExtensionReplacementInfoMissingApiProperty": lambda d: op(d, "/calls", "get").update(
        {"deprecated": True, "x-ms-api-annotation": {"replacement": {"operationId": "ListCalls2"}}}),
    "ApiAnnotationExtensionReplacementInfoMissingOperationIdProperty": lambda d: op(d, "/calls", "get").update(
        {"deprecated": True, "x-ms-api-annotation": {"replacement": {"api": "x"}}}),
    "ArrayDuplicateValue": lambda d: call(d)["properties"]["kind"].update({"enum": ["in", "out", "in"]}),
    "BodyOrFormDataParameterInFetchOperationNotAllowed": lambda d: op(d, "/boxes", "get")["parameters"].append(
        {"name": "filter", "in": "body", "schema": {"type": "object"}}),
    "ConnectionIdParameterNotAllowed": lambda d: param(d, "/calls", "get").update({"name": "connectionId"}),
    "ConsumesMissing": lambda d: d.pop("consumes"),
    "DuplicateEnumValuesInExtension": lambda d: call(d)["properties"]["kind"]["x-ms-enum-values"].append(
        {"value": "in", "displayName": "In again"}),
    "DuplicateOperationPath": lambda d: d["paths"].update({"/calls/{id}": {"put": {
        "operationId": "PutCall", "summary": "Put", "description": "Puts.",
        "parameters": [{"name": "id", "in": "path", "required": True, "type": "string",
                        "x-ms-url-encoding": "single"}], "responses": {"200": {"description": "OK"}}}}}),
    "DynamicExtensionDefinitionNotAllowedInParameter": lambda d: param(d, "/calls", "post").update(
        {"x-ms-dynamic-schema": {"operationId": "ListBoxes"}}),
    "DynamicListExtensionRequiredForNonParameterReferences": lambda d: param(d, "/calls", "get", 1)[
        "x-ms-dynamic-values"].update({"parameters": {"kind": {"parameter": "body/kind"}}}),
    "DynamicPropertiesExtensionRequiredForNonParameterReferences": lambda d: body_schema(d).update(
        {"x-ms-dynamic-schema": {"operationId": "ListBoxes", "parameters": {"kind": {"parameter": "body/kind"}},
                                 "value-path": "value"}}),
    "DynamicPropertiesExtensionRequiredForPropertiesValuePath": lambda d: body_schema(d).update(
        {"x-ms-dynamic-schema": {"operationId": "ListBoxes", "value-path": "value/properties"}}),
    "DynamicPropertiesItemValuePathMismatch": lambda d: body_schema(d).update(
        {"x-ms-dynamic-schema": {"operationId": "ListBoxes", "value-path": "value/properties"},
         "x-ms-dynamic-properties": {"operationId": "ListBoxes", "itemValuePath": "other"}}),
    "DynamicTreeExtensionMissing": lambda d: param(d, "/calls", "get", 1).update(
        {"x-ms-dynamic-values": {"capability": "file-picker"}}),
    "InvalidEnumValue": lambda d: call(d)["properties"]["kind"].update({"enum": ["in", 2]}),
    "InvalidEnumValuesExtensionValue": lambda d: call(d)["properties"]["kind"]["x-ms-enum-values"].append(
        {"value": "missed", "displayName": "Missed"}),
    "InvalidFormDataParameterName": lambda d: op(d, "/calls", "post").update({"parameters": [
        {"name": "tėvas", "in": "formData", "type": "string", **_summary("Name")}],
        "consumes": ["multipart/form-data"]}),
    "InvalidNextLinkNameValue": lambda d: op(d, "/calls", "get").update({"x-ms-pageable": {"nextLinkName": "next"}}),
    "InvokedOperationShouldProduceArray": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"value-collection": "value/0"}) or op(d, "/boxes", "get")["responses"]["200"]["schema"][
        "properties"].update({"value": {"type": "object", "properties": {"0": {"type": "string"}}}}),
    "InvokedOperationShouldProduceProperty": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"value-title": "title"}),
    "NotificationExtensionNotSupportedInWebhookOperation": lambda d: op(d, "/hooks", "post").update(
        {"x-ms-notification": {"operationId": "OnCallEvent"}}),
    "NotificationExtensionSupportedForTriggerOnly": lambda d: op(d, "/calls", "get").update(
        {"x-ms-notification": {"operationId": "OnCallEvent"}}),
    "NotificationOperationMustBeWebhook": lambda d: op(d, "/calls", "get").update(
        {"x-ms-trigger": "batch", "x-ms-notification": {"operationId": "ListBoxes"}}),
    "OperationFamilyHasDuplicateRevisions": lambda d: _family(d, 2, 2),
    "OperationFamilyHasManyActiveOperations": lambda d: _family(d, 1, 2, 3),
    "OperationFamilyHasManyActiveProductionOperations": lambda d: _family(d, 1, 2, status="Production"),
    "OperationFamilyHasManyEmptyRevisions": lambda d: _family(d, None, None),
    "OperationHasManyResponsesWithSchema": lambda d: op(d, "/calls/{call_id}", "get")["responses"]["404"].update(
        {"schema": {"type": "object"}}),
    "OperationIdNotFound": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"operationId": "ListBoxez"}),
    "OperationIdNotUnique": lambda d: op(d, "/boxes", "get").update({"operationId": "ListCalls"}),
    "OperationIdRequired": lambda d: op(d, "/boxes", "get").pop("operationId"),
    "OperationIdSanitized": lambda d: op(d, "/boxes", "get").update({"operationId": "List-Boxes"}),
    "OperationIdShouldEndWithRevision": lambda d: op(d, "/boxes", "get").update(
        {"x-ms-api-annotation": {"family": "ListBoxes", "revision": 2}}),
    "OperationMissingPathParameter": lambda d: op(d, "/calls/{call_id}", "get").update({"parameters": []}),
    "OperationMissingRequiredProperty": lambda d: param(d, "/boxes", "get").update({"required": True}) or param(
        d, "/calls", "get", 1)["x-ms-dynamic-values"].update({"parameters": {}}),
    "OperationMustHaveNotificationContentExtension": lambda d: d["paths"]["/hooks"].pop("x-ms-notification-content"),
    "OperationMustHaveResponse": lambda d: op(d, "/boxes", "get").update({"responses": {}}),
    "OperationParameterNameNotFound": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"parameters": {"sort": "name"}}),
    "OperationParameterRequiredMismatch": lambda d: param(d, "/boxes", "get").update({"required": True}) or param(
        d, "/calls", "get", 1)["x-ms-dynamic-values"].update({"parameters": {"kind": {"parameter": "direction"}}}),
    "OperationParameterStaticTypeMismatch": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"parameters": {"kind": 5}}),
    "OperationParameterTypeMismatch": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].update(
        {"parameters": {"kind": {"parameter": "limit"}}}),
    "OperationParametersAreNotUnique": lambda d: op(d, "/calls", "get")["parameters"].append(
        {"$ref": "#/parameters/Direction"}),
    "OperationParametersContainDuplicateParameter": lambda d: op(d, "/calls", "get")["parameters"].append(
        {"name": "limit", "in": "query", "type": "string"}),
    "OperationParametersContainMultipleBodyParameters": lambda d: op(d, "/calls", "post")["parameters"].append(
        {"name": "other", "in": "body", "schema": {"type": "object"}}),
    "OperationPathContainsUnsupportedCharacters": lambda d: d["paths"].update({"/files/*": {}}),
    "OperationPathMayNotContainQueryOrFragment": lambda d: d["paths"].update({"/files?all=1": {}}),
    "OperationPathMustStartWithSlash": lambda d: d["paths"].update({"files": {}}),
    "OperationPathTemplateNotValid": lambda d: d["paths"].update({"/files/{id": {}}),
    "OperationPathVariablesContainDefaults": lambda d: d["paths"].update({"/files/{id=1}": {}}),
    "OperationRevisionEmpty": lambda d: op(d, "/boxes", "get").update({"x-ms-api-annotation": {"family": "Boxes"}}),
    "OperationShouldHaveSuccessfulResponse": lambda d: op(d, "/boxes", "get").update(
        {"responses": {"default": {"description": "Error"}}}),
    "OperationStatusAheadOfConnector": lambda d: d["info"].update(
        {"x-ms-api-annotation": {"status": "Preview"}}) or op(d, "/boxes", "get").update(
        {"x-ms-api-annotation": {"status": "Production"}}),
    "OperationSummaryTooLong": lambda d: op(d, "/boxes", "get").update({"summary": "List boxes " * 13}),
    "PartialDuplicateOperationPath": lambda d: d["paths"].update({"/calls/recent": {"get": {
        "operationId": "RecentCalls", "summary": "Recent calls", "description": "Lists recent calls.",
        "responses": {"200": {"description": "OK", "schema": {"type": "object"}}}}}}),
    "PathParameterMustBeRequired": lambda d: param(d, "/calls/{call_id}", "get").pop("required"),
    "PathParameterNotDefinedInTemplate": lambda d: op(d, "/calls/{call_id}", "get")["parameters"].append(
        {"name": "box_id", "in": "path", "required": True, "type": "string", "x-ms-url-encoding": "single"}),
    "PathParametersContainDuplicateParameter": lambda d: d["paths"]["/calls"].update({"parameters": [
        {"name": "x", "in": "header", "type": "string"}, {"name": "x", "in": "header", "type": "integer"}]}),
    "PathParametersContainMultipleBodyParameters": lambda d: d["paths"]["/calls"].update({"parameters": [
        {"name": "a", "in": "body", "schema": {}}, {"name": "b", "in": "body", "schema": {}}]}),
    "PathRedefined": lambda d: d["paths"].update({"/Calls": {}}),
    "RestrictedCharactersInSummary": lambda d: op(d, "/boxes", "get").update({"summary": "List boxes & folders"}),
    "SelectedItemValuePathNotAllowedInThisPosition": lambda d: param(d, "/calls", "get", 1).update(
        {"x-ms-dynamic-tree": {"open": {"operationId": "ListBoxes", "parameters": {
            "kind": {"selectedItemValuePath": "id"}}}}}),
    "StringBinaryNotSupportedForFormUrlEncoded": lambda d: op(d, "/calls", "post").update({
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [{"name": "file", "in": "formData", "type": "string", "format": "binary"}]}),
    "TotalOperationsCountExceedsMaxAllowed": lambda d: d["paths"].update({
        f"/many{i}": {"get": {"operationId": f"Many{i}", "responses": {"200": {"description": "OK"}}}}
        for i in range(260)}),
    "UnrecognizedTypeFormat": lambda d: param(d, "/calls/{call_id}", "get").update({"format": "guid"}),
    "WebhookOperationsMissingNotificationUrlProperty": lambda d: param(d, "/hooks", "post")["schema"][
        "properties"]["url"].pop("x-ms-notification-url"),
    # Arrays
    "ArrayHasNoItems": lambda d: call(d)["properties"]["tags"].pop("items"),
    "RequiredPropertyArrayEmpty": lambda d: call(d).update({"required": []}),
    "SchemesArrayEmpty": lambda d: d.update({"schemes": []}),
    # Not supported
    "CollectionFormatValueNotSupported": lambda d: param(d, "/calls", "get").update(
        {"type": "array", "items": {"type": "integer"}, "collectionFormat": "json"}),
    "PathItemRefNotSuppored": lambda d: d["paths"].update({"/other": {"$ref": "#/paths/~1calls"}}),
    "SwaggerKeywordNotSupported": lambda d: call(d)["properties"]["tags"].update({"uniqueItems": True}),
    # Parameters
    "FileParameterMustBeInFormData": lambda d: param(d, "/calls", "get").update({"type": "file"}),
    "ParameterListContainsFormDataAndBody": lambda d: op(d, "/calls", "post")["parameters"].append(
        {"name": "f", "in": "formData", "type": "string"}),
    "ParameterReferenceNotFound": lambda d: op(d, "/calls", "get")["parameters"].append(
        {"$ref": "#/parameters/Missing"}),
    "ParameterReferenceNotValid": lambda d: op(d, "/calls", "get")["parameters"].append(
        {"$ref": "#/definitions/Call"}),
    "ParameterRefLoopNotAllowed": lambda d: d["parameters"].update({"Alias": {"$ref": "#/parameters/Direction"}}),
    "ParamtersWithSameNameMustHaveSameTypeAndVisibility": lambda d: op(d, "/calls", "get").update(
        {"x-ms-trigger": "batch", "x-ms-notification": {"operationId": "OnCallEvent"}}) or param(
        d, "/hooks", "post").update({"name": "limit"}),
    "PathParameterMissingEncoding": lambda d: param(d, "/calls/{call_id}", "get").pop("x-ms-url-encoding"),
    "QueryParameterEncodingNotSupported": lambda d: param(d, "/calls", "get").update({"x-ms-url-encoding": "single"}),
    "ResponseRefLoopNotAllowed": lambda d: d["responses"].update(
        {"Ok": {"description": "OK"}, "Alias": {"$ref": "#/responses/Ok"}}),
    "SourcePropertyInternal": lambda d: param(d, "/calls", "get").update({"x-ms-visibility": "internal"}) or param(
        d, "/calls", "get", 1)["x-ms-dynamic-values"].update({"parameters": {"kind": {"parameter": "limit"}}}),
    # Properties
    "AdditionalPropertyNotAllowedAdjacentToRef": lambda d: op(d, "/calls/{call_id}", "get")["responses"]["200"][
        "schema"].update({"description": "ignored"}),
    "BasePathNotValid": lambda d: d.update({"basePath": "v1"}),
    "BodyParameterPropertyNotValid": lambda d: param(d, "/calls", "post").update({"type": "object"}),
    "ConnectorMetadataPropertiesMissing": lambda d: d["x-ms-connector-metadata"].pop(1),
    "ContactEmailNotValid": lambda d: d["info"]["contact"].update({"email": "support at example"}),
    "DefaultValueMustMatchType": lambda d: param(d, "/calls", "get").update({"default": "10"}),
    "EnumMustContainAtLeastOneElement": lambda d: call(d)["properties"]["kind"].update(
        {"enum": [], "x-ms-enum-values": []}),
    "ExtensionNameNotValid": lambda d: op(d, "/boxes", "get").update({"visibility": "internal"}),
    "FilterFunctionsPropertyEmpty": lambda d: call(d)["properties"]["id"].update(
        {"x-ms-capabilities": {"filterFunctions": []}}),
    "FilterFunctionsPropertyHasDuplicates": lambda d: call(d)["properties"]["id"].update(
        {"x-ms-capabilities": {"filterFunctions": ["eq", "eq"]}}),
    "FilterFunctionsPropertyInInputSchema": lambda d: body_schema(d)["properties"]["to"].update(
        {"x-ms-capabilities": {"filterFunctions": ["eq"]}}),
    "HostNameNotValid": lambda d: d.update({"host": "https://api.example.com/v1"}),
    "InternalPropertyWithDefaultOptional": lambda d: param(d, "/calls", "get").update({"x-ms-visibility": "internal"}),
    "InvalidConnectorCategory": lambda d: d["x-ms-connector-metadata"][2].update({"propertyValue": "Telephony"}),
    "InvalidStringBinaryProperty": lambda d: body_schema(d)["properties"].update(
        {"file": {"type": "string", "format": "binary"}}),
    "MimeTypeNotValid": lambda d: d.update({"produces": ["json"]}),
    "MissingEnumValuesDisplayName": lambda d: call(d)["properties"]["kind"]["x-ms-enum-values"][0].pop(
        "displayName"),
    "MultipleOfMustBeGreaterThanZero": lambda d: call(d)["properties"]["duration"].update({"multipleOf": 0}),
    "OneOfPropertiesRequired": lambda d: param(d, "/calls", "get", 1)["x-ms-dynamic-values"].pop("operationId"),
    "PropertyMustBeRequired": lambda d: body_schema(d)["properties"]["to"].update({"default": "1"}) or body_schema(
        d).update({"required": ["to"]}) or body_schema(d)["properties"].update(
        {"route": {"type": "string", "default": "a", "x-ms-visibility": "internal"}}),
    "RequiredPropertyDefinitionMissing": lambda d: call(d)["required"].append("caller"),
    "RequiredPropertyMissing": lambda d: d["info"].pop("contact"),
    "RequiredPropertyNotOnObject": lambda d: call(d)["properties"]["id"].update({"required": ["x"]}),
    "RequiredReadOnlyPropertyNotAllowedAsInput": lambda d: body_schema(d)["properties"]["to"].update(
        {"readOnly": True}),
    "SchemeNotValid": lambda d: d.update({"schemes": ["ftp"]}),
    "SecuritySchemePropertyNotValid": lambda d: d["securityDefinitions"]["API Key"].update({"flow": "implicit"}),
    "SecuritySchemePropertyRequired": lambda d: d["securityDefinitions"]["API Key"].pop("name"),
    "SpecificationVersionIncorrect": lambda d: d.update({"swagger": "3.0"}),
    "TagRedefined": lambda d: d.update({"tags": [{"name": "Calls"}, {"name": "Calls"}]}),
    "TooManyConnectorCategories": lambda d: d["x-ms-connector-metadata"][2].update(
        {"propertyValue": "Communication;Productivity;Data"}),
    "UrlNotValid": lambda d: d["info"]["contact"].update({"url": "pbx.example.com"}),
    # Response
    "BodyParameterSchemaRequired": lambda d: param(d, "/calls", "post").pop("schema"),
    "DefaultResponseHasSchema": lambda d: op(d, "/boxes", "get")["responses"].update(
        {"default": {"description": "Error", "schema": {"type": "object"}}}),
    "InvalidCustomEditorExtensionDictionaryValue": lambda d: call(d)["properties"]["id"].update(
        {"x-ms-editor": "dictionary"}),
    "JsonPointerNotValid": lambda d: call(d)["properties"].update({"x": {"$ref": "Call.json"}}),
    "NonBodyParameterSchemaNotValid": lambda d: param(d, "/calls", "get").update({"schema": {"type": "integer"}}),
    "RequiredLoopInSchemaNotAllowed": lambda d: d["definitions"].update({
        "A": {"type": "object", "required": ["b"], "properties": {"b": {"$ref": "#/definitions/B"}}},
        "B": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/definitions/A"}}}}),
    "ResponseExampleMustBeProducedByOperation": lambda d: op(d, "/boxes", "get")["responses"]["200"].update(
        {"examples": {"text/csv": "id,name"}}),
    "ResponseHeadersAreNotUnique": lambda d: op(d, "/boxes", "get")["responses"]["200"].update(
        {"headers": {"Location": {"type": "string"}, "location": {"type": "string"}}}),
    "ResponseMustBeDefaultOrHttpStatusCode": lambda d: op(d, "/boxes", "get")["responses"].update(
        {"2XX": {"description": "OK"}}),
    "ResponseReferenceNotFound": lambda d: op(d, "/boxes", "get")["responses"].update(
        {"400": {"$ref": "#/responses/Missing"}}),
    "ResponseReferenceNotValid": lambda d: op(d, "/boxes", "get")["responses"].update(
        {"400": {"$ref": "#/definitions/Call"}}),
    "SchemaDefinitionSetIncorrectly": lambda d: op(d, "/boxes", "get")["responses"]["200"].pop("schema"),
    "SchemaReferenceNotFound": lambda d: call(d)["properties"].update({"x": {"$ref": "#/definitions/Missing"}}),
    "SchemaReferenceNotValid": lambda d: call(d)["properties"].update({"x": {"$ref": "#/parameters/Direction"}}),
    "SchemaRefLoopNotAllowed": lambda d: d["definitions"].update({"Alias": {"$ref": "#/definitions/Call"}}),
    "SchemaTypeFileNotValid": lambda d: call(d)["properties"].update({"content": {"type": "file"}}),
    "SchemeNotSupported": lambda d: d.update({"schemes": ["https", "wss"]}),
    # Security
    "OAuthSecurityRequirementValueMustBeScopeName": lambda d: d["securityDefinitions"].update({"oauth": {
        "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://login.example.com/a",
        "tokenUrl": "https://login.example.com/t", "scopes": {"calls": "Calls"}}}) or d.update(
        {"security": [{"oauth": ["calls", "admin"]}]}),
    "SecurityRequirementMustBeDefined": lambda d: d.update({"security": [{"Key": []}]}),
    "SecurityRequirementMustHaveEmptyValue": lambda d: d.update({"security": [{"API Key": ["read"]}]}),
    "SecurityRequirementMustHaveValue": lambda d: d.update({"security": [{"API Key": None}]}),
    # Webhooks
    "NotificationUrlNotAllowedInThisPosition": lambda d: op(d, "/hooks", "post")["parameters"].append(
        {"name": "callback", "in": "query", "type": "string", "x-ms-notification-url": True}),
    "NotificationUrlNotInternal": lambda d: param(d, "/hooks", "post")["schema"]["properties"]["url"].pop(
        "x-ms-visibility"),
    "NotificationUrlNotRequired": lambda d: param(d, "/hooks", "post")["schema"].pop("required"),
    "NotificationUrlNotString": lambda d: param(d, "/hooks", "post")["schema"]["properties"]["url"].update(
        {"type": "object"}),
    # Metadata
    "AllowEmptyValueOnlyValidForQueryFormData": lambda d: param(d, "/calls/{call_id}", "get").update(
        {"allowEmptyValue": True}),
    "DiscriminatorMustBeARequiredStringProperty": lambda d: call(d).update({"discriminator": "duration"}),
    "ExclusiveMaximumRequiresMaximum": lambda d: call(d)["properties"]["duration"].update({"exclusiveMaximum": True}),
    "ExclusiveMinimumRequiresMinimum": lambda d: param(d, "/calls", "get").update(
        {"exclusiveMinimum": True}) or param(d, "/calls", "get").pop("minimum"),
    "FieldLengthExceeded": lambda d: d["info"].update({"title": "Sample PBX for the whole wide world"}),
    "FieldLengthNotInRange": lambda d: d["info"].update({"description": "Too short."}),
    "MaxItemsMustBeGreaterThanOrEqualToZero": lambda d: call(d)["properties"]["tags"].update({"maxItems": -1}),
    "MaxLengthMustBeGreaterThanOrEqualToZero": lambda d: body_schema(d)["properties"]["to"].update({"maxLength": -1}),
    "MaxPropertiesMustBeGreaterThanOrEqualToZero": lambda d: call(d).update({"maxProperties": -2}),
    "MinItemsMustBeGreaterThanOrEqualToZero": lambda d: call(d)["properties"]["tags"].update({"minItems": -1}),
    "MinLengthMustBeGreaterThanOrEqualToZero": lambda d: body_schema(d)["properties"]["to"].update({"minLength": -1}),
    "MinPropertiesMustBeGreaterThanOrEqualToZero": lambda d: call(d).update({"minProperties": -1}),
    "MinimumShouldBeLessThanOrEqualToMaximum": lambda d: param(d, "/calls", "get").update({"minimum": 500}),
    "MinItemsShouldBeLessThanOrEqualToMaxItems": lambda d: call(d)["properties"]["tags"].update({"minItems": 11}),
    "MinLengthShouldBeLessThanOrEqualToMaxLength": lambda d: body_schema(d)["properties"]["to"].update(
        {"minLength": 30}),
    "PatternShouldBeValidRegularExpression": lambda d: body_schema(d)["properties"]["to"].update({"pattern": "[0-9"}),
    "RequiredValueEmpty": lambda d: d["info"].update({"version": " "}),
    "ValueContainsRestrictedWords": lambda d: d["info"].update({"title": "Sample PBX API"}),
    "ValueMustBeInEnglish": lambda d: op(d, "/boxes", "get").update({"summary": "Rodyti dėžutes"}),
    "ValueMustEndWithAlphanumeric": lambda d: d["info"].update({"title": "Sample PBX."}),
}


def _mine() -> dict[str, type]:
    load_rules()
    return {code: cls for code, cls in RULES.items() if cls.origin == "microsoft"}


def run(doc: dict, code: str | None = None) -> list:
    """Findings of the Microsoft-table rules (or of one code) on a swagger document."""
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(doc, indent=4).encode()}, Path("/pkg"))
    select = (code,) if code else tuple(_mine())
    return validate_package(pkg, Config(select=select))


def test_good_fixture_is_clean() -> None:
    findings = run(good())
    assert [f"{f.code}: {f.message} @{f.pointer}" for f in findings] == []


def test_every_implemented_rule_has_a_bad_fixture() -> None:
    assert sorted(set(_mine()) - set(BAD)) == []
    assert sorted(set(BAD) - set(_mine())) == []


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_fixture_fires(code: str) -> None:
    doc = good()
    BAD[code](doc)
    findings = [f for f in run(doc, code) if f.code == code]
    assert findings, f"{code} did not fire"
    for f in findings:
        assert f.message and "\n" not in f.message
        assert f.line > 0, f"{code} finding has no position: {f.pointer}"


@pytest.mark.parametrize("code", sorted(BAD))
def test_good_fixture_does_not_fire(code: str) -> None:
    assert [f for f in run(good(), code) if f.code == code] == []


def test_rule_metadata() -> None:
    for code, cls in _mine().items():
        assert cls.__name__ == code
        assert cls.origin == "microsoft"
        doc = cls.__doc__ or ""
        for section in ("What it does", "Why it matters", "Fix"):
            assert section in doc, f"{code} docstring lacks {section!r}"
        assert isinstance(cls.severity, Severity)


def test_rules_do_not_crash_on_odd_values() -> None:
    """Wrong JSON types everywhere give findings or nothing, never an InternalRuleError."""
    odd: list[Any] = [None, 1, "x", [], {}, True, [1, "a"], {"$ref": 3}]
    base = good()
    places = [
        lambda d, v: d.update({"paths": {"/a": {"get": v}}}),
        lambda d, v: d.update({"paths": {"/a": v}}),
        lambda d, v: op(d, "/calls", "get").update({"parameters": v}),
        lambda d, v: op(d, "/calls", "get").update({"parameters": [v]}),
        lambda d, v: op(d, "/calls", "get").update({"responses": v}),
        lambda d, v: op(d, "/calls", "get").update({"responses": {"200": v}}),
        lambda d, v: op(d, "/calls", "get").update({"x-ms-api-annotation": v, "x-ms-notification": v,
                                                    "x-ms-pageable": v}),
        lambda d, v: param(d, "/calls", "get", 1).update({"x-ms-dynamic-values": v, "x-ms-dynamic-list": v}),
        lambda d, v: call(d).update({"properties": v, "required": v, "enum": v, "items": v, "default": v}),
        lambda d, v: d.update({"definitions": {"X": v}, "parameters": {"Y": v}, "responses": {"Z": v}}),
        lambda d, v: d.update({"info": v, "security": v, "securityDefinitions": v, "tags": v,
                               "x-ms-connector-metadata": v, "schemes": v, "consumes": v, "host": v}),
        lambda d, v: d["securityDefinitions"].update({"API Key": v}),
        lambda d, v: param(d, "/hooks", "post").update({"schema": v}),
    ]
    for place in places:
        for value in odd:
            doc = copy.deepcopy(base)
            place(doc, value)
            crashed = [f.message for f in run(doc) if f.code == "InternalRuleError"]
            assert crashed == [], (value, crashed)


def _reference_codes(shared: Path) -> list[str]:
    path = shared / "reference" / "powerplatform-rules.md"
    if not path.is_file():
        pytest.skip(f"needs {path}")
    text = path.read_text(encoding="utf-8")
    section = text[text.index("## 1."):text.index("## 2.")]
    return re.findall(r"^\| \d+ \| `([A-Za-z]+)` \|", section, re.M)


def test_all_published_codes_are_covered(shared: Path) -> None:
    codes = _reference_codes(shared)
    assert len(codes) == 174 and len(set(codes)) == 174
    load_rules()
    missing = [c for c in codes if c not in RULES and c not in NOT_IMPLEMENTED]
    assert missing == []
    for code in codes:
        if code not in RULES:
            entry = NOT_IMPLEMENTED[code]
            assert entry.reason and entry.summary
    # nothing registered under a Microsoft-looking code that Microsoft does not publish
    assert sorted(set(_mine()) - set(codes)) == []


def test_upstream_packages_have_no_errors(shared: Path) -> None:
    select = tuple(_mine())
    for carrier in ("tele2", "lmt"):
        pkg = Package.load(shared / "upstream" / carrier)
        errors = [f"{f.code}: {f.message}" for f in validate_package(pkg, Config(select=select))
                  if f.severity is Severity.ERROR]
        assert errors == [], carrier


# --------------------------------------------------------------------------- shadowing paths

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_segment = st.sampled_from(["calls", "users", "recent", "{id}", "{userId}", "v1", "{a}b", "x{y}z"])
_paths = st.lists(st.lists(_segment, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s)),
                  min_size=1, max_size=12, unique=True)


def _shadowing_pairs(paths: list[str]) -> set[tuple[str, str]]:
    """The rule's definition, written pair by pair: same length, no static segment disagrees,
    different shapes once every variable is blanked."""
    var = re.compile(r"\{([^{}]*)\}")
    out = set()
    for i, a in enumerate(paths):
        for b in paths[i + 1:]:
            sa, sb = a.strip("/").split("/"), b.strip("/").split("/")
            if len(sa) != len(sb) or var.sub("{}", a) == var.sub("{}", b):
                continue
            if all(var.fullmatch(x) or var.fullmatch(y) or x == y for x, y in zip(sa, sb)):
                out.add((b, a))
    return out


@settings(max_examples=150, deadline=None)
@given(_paths)
def test_partial_duplicate_paths_match_the_pairwise_definition(paths: list[str]) -> None:
    swagger = good()
    swagger["paths"] = {p: {"get": {"operationId": f"Op{i}", "responses": {"200": {"description": "ok"}}}}
                        for i, p in enumerate(paths)}
    pkg = Package.from_files({"apiDefinition.swagger.json": json.dumps(swagger).encode()}, "/nonexistent/p")
    found = {(f.message.split("'")[1], f.message.split("'")[3])
             for f in validate_package(pkg, Config(select=("PartialDuplicateOperationPath",)))}
    assert found == _shadowing_pairs(paths)
