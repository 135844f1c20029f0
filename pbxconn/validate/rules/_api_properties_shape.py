"""pbxconn's own description of apiProperties.json: the members Power Platform reads and their types.

Written from Microsoft's paconn apiProperties schema (2020) and widened to what Microsoft documents
or deploys since: `connectionParameterSets` (Learn: multi-auth), `scriptOperations` (Learn: paconn
CLI), `redirectMode: GlobalPerConnector`, boolean `hidden` / `required` (the service's own
validator asks for booleans), `uiDefinition.schema` (Learn: multi-auth), `gatewaySettings` and
`script` (deployed certified connectors). tests/validate/test_api_properties_shape.py checks that
this shape accepts every key and value Microsoft's schema declares, so drift shows up.
"""

from __future__ import annotations

from pbxconn.validate.rules._shape import ANY, Shape

# Connection parameter types (Microsoft's schema; `oauthSetting` and `gatewaySetting` included).
CONNECTION_PARAMETER_TYPES = ("string", "securestring", "int", "bool", "gatewaySetting", "oauthSetting")
# Connector capabilities: the schema's examples (actions, triggers) and paconn's "cloud only,
# on-prem gateway" (cloud, gateway), the values the designer and gateway constraints use.
CAPABILITIES = ("actions", "triggers", "cloud", "gateway")
# OAuth identity providers: the schema's list; the portal offers more (GitHub, Google...) and
# certified connectors deploy others, so only near misses of these are reported.
IDENTITY_PROVIDERS = ("oauth2", "oauth2generic", "aad", "aadcertificate", "facebook")
REDIRECT_MODES = ("Global", "Direct", "GlobalPerConnector")
TRUE_FALSE = ("true", "false")

STRING = Shape(("string",))
TEXT = Shape(("string",), label="a text")
BOOLEAN = Shape(("boolean",))
INTEGER = Shape(("integer",))
STRINGS = Shape(("array",), items=STRING)
OPEN_OBJECT = Shape(("object",), closed=False)
# "true"/"false" as text (the schema) or as booleans (what the service's validator asks for)
FLAG = Shape(("string", "boolean"), enum=TRUE_FALSE, enum_mode="ignore-case", label="a true/false flag")

CONSTRAINTS = Shape(("object",), label="uiDefinition.constraints", keys={
    "clearText": BOOLEAN,
    "required": FLAG,
    "hidden": FLAG,
    "tabIndex": INTEGER,
    "capability": STRINGS,
    "allowedValues": Shape(("array",), items=Shape(("object",), required=("value",), label="an allowed value",
                                                   keys={"value": STRING, "text": TEXT})),
    "dependencies": Shape(("object",), values=Shape(("object",), label="a dependency",
                                                     keys={"values": STRINGS}, required=("values",))),
})

UI_DEFINITION = Shape(("object", "null"), label="a uiDefinition", keys={
    "displayName": TEXT,
    "description": TEXT,
    "tooltip": TEXT,
    "tabIndex": INTEGER,
    "constraints": CONSTRAINTS,
    "schema": OPEN_OBJECT,  # multi-auth: the description of a string parameter shown in its box
})

OAUTH_SETTINGS = Shape(("object",), label="oAuthSettings", required=("identityProvider",), keys={
    "identityProvider": Shape(("string",), enum=IDENTITY_PROVIDERS, enum_mode="near", label="identityProvider"),
    "clientId": Shape(("string", "null")),
    "clientSecret": Shape(("string", "null")),
    "redirectMode": Shape(("string",), enum=REDIRECT_MODES, enum_mode="ignore-case", label="redirectMode"),
    "redirectUrl": STRING,
    "scopes": STRINGS,
    "properties": Shape(("object",), closed=False, label="oAuthSettings.properties", keys={
        "IsFirstParty": Shape(("string", "boolean"), enum=("True", "False"), enum_mode="ignore-case",
                              label="IsFirstParty"),
        "AzureActiveDirectoryResourceId": STRING,
    }),
    "additionalParameters": Shape(("object",), values=Shape(("object",), label="an additional parameter", keys={
        "type": Shape(("string",), enum=("string", "securestring"), label="an additional parameter type"),
        "applicableWhen": Shape(("array",), items=Shape(("object",), keys={"parameter": STRING, "oneOf": ANY})),
    })),
    "customParameters": Shape(("object",), values=Shape(("object",), closed=False, keys={"value": STRING})),
}, patterns=(
    ("[cC]lientI[dD]", Shape(("string", "null"))),
    ("[cC]lientSecret", Shape(("string", "null"))),
))

CONNECTION_PARAMETER = Shape(("object",), label="a connection parameter", keys={
    "type": STRING,  # its values are ConnectionParameterTypeUnknown's
    "uiDefinition": UI_DEFINITION,
    "oAuthSettings": OAUTH_SETTINGS,
    "gatewaySettings": OPEN_OBJECT,
    "allowedValues": Shape(("array",), items=Shape(("object",), required=("value",), label="an allowed value", keys={
        "value": STRING,
        "uiDefinition": Shape(("object",), label="an allowed value's uiDefinition",
                              keys={"displayName": TEXT, "description": TEXT}),
    })),
    "defaultValue": STRING,
    "metadata": OPEN_OBJECT,  # token:TenantId: {"sourceType": "AzureActiveDirectoryTenant"}
})

SET_UI_DEFINITION = Shape(("object",), label="a parameter set's uiDefinition",
                          keys={"displayName": TEXT, "description": TEXT})

CONNECTION_PARAMETER_SETS = Shape(("object",), label="connectionParameterSets", keys={
    "uiDefinition": SET_UI_DEFINITION,
    "values": Shape(("array",), items=Shape(("object",), label="a connection parameter set", keys={
        "name": STRING,
        "uiDefinition": SET_UI_DEFINITION,
        "metadata": OPEN_OBJECT,
        "parameters": Shape(("object",), values=CONNECTION_PARAMETER),
    })),
})

# templateId is not required here: PolicyTemplateUnknown reports an instance without one
POLICY_TEMPLATE_INSTANCE = Shape(("object",), label="a policy template instance", keys={
    "templateId": STRING,
    "title": STRING,
    "type": STRING,  # "PollingTrigger" on pollingtrigger instances
    "parameters": OPEN_OBJECT,  # their names and values are the policy rules'
})

PROPERTIES = Shape(("object",), label="properties", keys={
    "iconBrandColor": STRING,
    "publisher": STRING,
    "stackOwner": STRING,
    "capabilities": STRINGS,  # its values are CapabilityUnknown's
    "connectionParameters": Shape(("object",), values=CONNECTION_PARAMETER),
    "connectionParameterSets": CONNECTION_PARAMETER_SETS,
    "policyTemplateInstances": Shape(("array",), items=POLICY_TEMPLATE_INSTANCE),
    "scriptOperations": STRINGS,
    "script": Shape(("object",), closed=False, keys={"language": STRING, "operationIds": STRINGS}),
})

API_PROPERTIES = Shape(("object",), label="the document", required=("properties",), keys={
    "$schema": STRING,
    "properties": PROPERTIES,
})
