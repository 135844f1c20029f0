"""Microsoft's limits on a connector's metadata, shared by the generator's input schema and the validator.

The constants are the values rules compare with; `LIMITS` is the table of every limit Microsoft
documents or its validators print, with where it is stated and which rule checks it (docs/rules.md
renders it as its "Limits" section).
"""

from __future__ import annotations

from dataclasses import dataclass

# Microsoft's validator: "goes over the character limit '30'" on info.title.
TITLE_MAX_LENGTH = 30
# Microsoft's validator: info.description "must be between '30' and '500'" characters.
DESCRIPTION_LENGTH = (30, 500)
# Swagger validator rules page: an operation summary should be fewer than 120 characters.
SUMMARY_MAX_LENGTH = 120
# Certification guidance: operation and parameter summaries are phrases of 80 characters or fewer.
CERTIFICATION_SUMMARY_MAX_LENGTH = 80
# "The OpenAPI definition must be less than 1 MB" (and the certification page's "shouldn't be greater").
SWAGGER_MAX_BYTES = 1024 * 1024
# Custom code FAQ: "the size of your script file can't be more than 1 MB".
SCRIPT_MAX_BYTES = 1024 * 1024
# FAQ limits table: maximum operations, schemas per body and per operation in one definition.
MAX_OPERATIONS = 256
MAX_SCHEMAS_PER_BODY = 512
MAX_SCHEMAS_PER_OPERATION = 16384
# Certification: "a maximum of two" categories in x-ms-connector-metadata.
MAX_CATEGORIES = 2

# Where the limits are stated (Microsoft Learn pages; the CI logs are quoted in PR threads of
# microsoft/PowerPlatformConnectors).
_DEFINE_OPENAPI = ("Learn: Create a custom connector from an OpenAPI definition "
                   "(connectors/custom-connectors/define-openapi-definition)")
_CERTIFICATION = ("Learn: Verified publisher certification process "
                  "(connectors/custom-connectors/certification-submission)")
_VALIDATOR = "Learn: Fix Swagger Validator errors (connectors/custom-connectors/certification-swagger-validator-rules)"
_FAQ = "Learn: Custom connector FAQ, limits table (connectors/custom-connectors/faq)"
_WRITE_CODE = "Learn: Write code in a custom connector, custom code FAQ (connectors/custom-connectors/write-code)"
_CI = "Microsoft's swagger validator output in PowerPlatformConnectors CI logs (PRs #550, #3407)"


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: what it bounds, its value, the rule codes that check it ('' when none) and its source."""

    subject: str
    value: str
    codes: tuple[str, ...]
    source: str
    note: str = ""


LIMITS: tuple[Limit, ...] = (
    Limit("apiDefinition.swagger.json size", "less than 1 MB (1,048,576 bytes)", ("SwaggerFileTooLarge",),
          f"{_DEFINE_OPENAPI}; {_CERTIFICATION}"),
    Limit("OpenAPI version", "Swagger 2.0 only", ("OpenApi3NotSupported", "SpecificationVersionIncorrect"),
          _DEFINE_OPENAPI),
    Limit("script.csx size", "at most 1 MB (1,048,576 bytes)", ("ScriptTooLarge",), _WRITE_CODE),
    Limit("script.csx run time", "5 seconds", (), _WRITE_CODE, "a run-time limit; not decidable from the files"),
    Limit("operations in one definition", f"{MAX_OPERATIONS}", ("TotalOperationsCountExceedsMaxAllowed",), _FAQ),
    Limit("schemas per request body", f"{MAX_SCHEMAS_PER_BODY}", (), _FAQ,
          "BodySchemaCountExceedsMaxAllowed is not implemented: how the service counts schemas is not published"),
    Limit("schemas per operation", f"{MAX_SCHEMAS_PER_OPERATION:,}", (), _FAQ,
          "OperationSchemaCountExceedsMaxAllowed is not implemented: how the service counts schemas is not published"),
    Limit("schemas in one definition", f"{MAX_OPERATIONS} x {MAX_SCHEMAS_PER_OPERATION:,}", (), _FAQ,
          "TotalSchemaCountExceedsMaxAllowed is not implemented: how the service counts schemas is not published"),
    Limit("info.title", f"at most {TITLE_MAX_LENGTH} characters", ("FieldLengthExceeded",), f"{_CERTIFICATION}; {_CI}"),
    Limit("info.description", f"{DESCRIPTION_LENGTH[0]} to {DESCRIPTION_LENGTH[1]} characters",
          ("FieldLengthNotInRange",), f"{_CERTIFICATION}; {_CI}"),
    Limit("operation summary", f"fewer than {SUMMARY_MAX_LENGTH} characters", ("OperationSummaryTooLong",), _VALIDATOR),
    Limit("operation summary (certification)", f"at most {CERTIFICATION_SUMMARY_MAX_LENGTH} characters",
          ("OperationSummaryTooLongForCertification",), _CERTIFICATION),
    Limit("parameter x-ms-summary (certification)", f"at most {CERTIFICATION_SUMMARY_MAX_LENGTH} characters",
          ("ParameterSummaryTooLong",), _CERTIFICATION),
    Limit("body and response property x-ms-summary (certification)",
          f"at most {CERTIFICATION_SUMMARY_MAX_LENGTH} characters", ("PropertySummaryTooLong",), _CERTIFICATION,
          "the designer labels body properties (input fields) and response properties (dynamic content) with "
          "their x-ms-summary, as it labels parameters with theirs"),
    Limit("connection parameter uiDefinition.displayName (certification)",
          f"at most {CERTIFICATION_SUMMARY_MAX_LENGTH} characters", ("ConnectionParameterTextTooLong",), _CERTIFICATION,
          "pbxconn's reading: Microsoft publishes no limit for connection-dialog texts; the displayName is the "
          "field's label, so the parameter-summary limit is applied"),
    Limit("connection parameter uiDefinition.description and tooltip", "none published", (),
          "Microsoft publishes no limit (apiProperties schema and Learn pages checked)", "not checked"),
    Limit("categories in x-ms-connector-metadata", f"at most {MAX_CATEGORIES}", ("TooManyConnectorCategories",),
          _CERTIFICATION),
    Limit("icon.png", "PNG, about 230 x 230 pixels, square", ("IconImageInvalid",), _CERTIFICATION,
          "checked as square and 100 to 1024 pixels a side: certified icons of 400 and 471 pixels are deployed"),
    Limit("operationId length", "not published", (), _VALIDATOR,
          "OperationIdTooLong is not implemented: the page shows the limit as a placeholder"),
    Limit("schema depth", "not published", (), _VALIDATOR,
          "SchemaTooDeep is not implemented: the page shows the limit as a placeholder"),
    Limit("request content sent to a gateway", "3,182,218 bytes", (), _FAQ,
          "a run-time limit; not decidable from the files"),
    Limit("requests per minute per connection", "500 (Logic Apps custom connectors)", (), _FAQ,
          "a run-time limit; not decidable from the files"),
)
