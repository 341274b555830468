using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Inference;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>A chat completions request translated to a native inference, with what the OpenAI-shaped answer needs.</summary>
/// <param name="ResponseModelPrefix">Prefix of the response's <c>model</c>; the variant name completes it.</param>
/// <param name="IncludeUsage">Whether a stream reports usage (<c>stream_options.include_usage</c>).</param>
public sealed record OpenAIChatRequest(InferenceRequest Inference, string ResponseModelPrefix, bool IncludeUsage);

/// <summary>
/// Validates a <c>POST /openai/v1/chat/completions</c> body and translates it to an <see cref="InferenceRequest"/>:
/// <c>model</c> picks the function or model, OpenAI fields become inference params and tools, and
/// <c>tensorzero::*</c> extension fields carry what OpenAI has no field for. Unknown fields are ignored with a
/// warning unless <c>tensorzero::deny_unknown_fields</c> is set.
/// </summary>
public static class OpenAIChatRequestParser
{
    public const string FunctionNamePrefix = "tensorzero::function_name::";
    public const string ModelNamePrefix = "tensorzero::model_name::";

    private static readonly FieldNameSet Known = new(
    [
        "messages", "model", "frequency_penalty", "max_tokens", "max_completion_tokens", "presence_penalty", "response_format",
        "seed", "stream", "stream_options", "temperature", "tools", "tool_choice", "top_p", "parallel_tool_calls", "stop",
        "reasoning_effort", "service_tier", "verbosity", "n",
        "tensorzero::variant_name", "tensorzero::dryrun", "tensorzero::episode_id", "tensorzero::cache_options",
        "tensorzero::extra_body", "tensorzero::extra_headers", "tensorzero::tags", "tensorzero::deny_unknown_fields",
        "tensorzero::provider_tools",
        "tensorzero::credentials", "tensorzero::params", "tensorzero::include_raw_usage", "tensorzero::include_raw_response",
        "tensorzero::include_original_response",
    ]);

    // Accepted by TensorZero; rejected here with a clear message until this gateway implements them (as on /inference).
    private static readonly HashSet<string> NotYetSupported =
    [
        "tensorzero::namespace", "tensorzero::internal_dynamic_variant_config",
    ];

    /// <param name="protectedHeaders">Headers <c>tensorzero::extra_headers</c> can't set.</param>
    /// <param name="headers">The request's headers, for the 2025 gateway's <c>episode_id</c>, <c>variant_name</c> and <c>dryrun</c>.</param>
    public static OpenAIChatRequest Parse(
        JsonElement root, GatewayConfig config, TimeProvider time, ProtectedHeaders protectedHeaders, ILogger logger, IHeaderDictionary? headers = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the request body must be a JSON object");
        }
        // Required fields first, in TensorZero's order, as its deserializer reports them before any other check.
        foreach (var required in new[] { "messages", "model" })
        {
            if (!TryGet(root, required, out _))
            {
                throw MissingField(required);
            }
        }
        if (TryGet(root, "n"u8, out var n) && !(n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var count) && count == 1))
        {
            throw InvalidOpenAIRequest("TensorZero does not support `n` other than 1. Please omit this parameter or set it to 1.");
        }
        CheckFields(root, logger);

        var (functionName, modelName) = ParseTarget(root, logger);
        var input = OpenAIMessageParser.Parse(root, logger);
        var stream = OptionalBool(root, "stream"u8, "stream") ?? false;
        var includeUsage = ParseIncludeUsage(root, stream);
        var (jsonMode, outputSchema) = ParseResponseFormat(root);
        var (allowedTools, toolChoice) = OpenAIToolParser.ParseToolChoice(root);
        var episodeText = OptionalString(root, "tensorzero::episode_id"u8, "tensorzero::episode_id") ?? OpenAILegacyForms.EpisodeId(headers, logger);

        var request = new InferenceRequest(
            functionName,
            modelName,
            episodeText is null ? null : EpisodeIds.Validate(episodeText, time),
            input,
            OptionalString(root, "tensorzero::variant_name"u8, "tensorzero::variant_name") ?? OpenAILegacyForms.VariantName(headers, logger),
            ParseParams(root),
            InferenceRequestParser.ParseTags(root, internalRequest: false, "tensorzero::tags"),
            InferenceRequestParser.ParseCredentials(root, "tensorzero::credentials"),
            OptionalBool(root, "tensorzero::dryrun"u8, "tensorzero::dryrun") ?? OpenAILegacyForms.Dryrun(headers, logger) ?? false,
            OptionalBool(root, "tensorzero::include_original_response"u8, "tensorzero::include_original_response") ?? false,
            stream)
        {
            AllowedTools = allowedTools,
            AdditionalTools = OpenAIToolParser.ParseTools(root),
            CustomTools = OpenAIToolParser.ParseCustomTools(root),
            ToolChoice = toolChoice,
            ParallelToolCalls = OptionalBool(root, "parallel_tool_calls"u8, "parallel_tool_calls"),
            OutputSchema = IsChatTarget(config, functionName, modelName) ? null : outputSchema,
            ResponseSchema = IsChatTarget(config, functionName, modelName) ? outputSchema : null,
            // `tensorzero::params` wins, so a client can ask for `json_mode = "tool"` where `response_format` would say `strict`.
            JsonMode = InferenceRequestParser.ParseJsonMode(root, "tensorzero::params") ?? jsonMode,
            ExtraBody = RequestExtras.ParseBody(root, "tensorzero::extra_body"),
            ProviderTools = ProviderToolParser.Parse(root, "tensorzero::provider_tools"),
            ExtraHeaders = RequestExtras.ParseHeaders(root, protectedHeaders, "tensorzero::extra_headers"),
            IncludeRawResponse = OptionalBool(root, "tensorzero::include_raw_response"u8, "tensorzero::include_raw_response") ?? false,
            IncludeRawUsage = OptionalBool(root, "tensorzero::include_raw_usage"u8, "tensorzero::include_raw_usage") ?? false,
            Cache = Store.Cache.CacheOptions.Parse(root, "tensorzero::cache_options"),
        };
        var prefix = functionName is not null ? $"{FunctionNamePrefix}{functionName}::variant_name::" : ModelNamePrefix;
        return new OpenAIChatRequest(request, prefix, includeUsage);
    }

    private static void CheckFields(JsonElement root, ILogger logger)
    {
        var deny = OptionalBool(root, "tensorzero::deny_unknown_fields"u8, "tensorzero::deny_unknown_fields") ?? false;
        List<string>? unknown = null;
        foreach (var property in root.EnumerateObject())
        {
            // Known names are looked up without a string of their own; the rest are read once.
            if (Known.Contains(property))
            {
                continue;
            }
            var name = property.Name;
            if (NotYetSupported.Contains(name))
            {
                if (property.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False) && !IsEmpty(property.Value))
                {
                    throw Invalid($"`{name}`: is not supported by this gateway yet");
                }
            }
            else
            {
                (unknown ??= []).Add(name);
            }
        }
        if (unknown is null)
        {
            return;
        }
        unknown.Sort(StringComparer.Ordinal);
        var names = string.Join(", ", unknown);
        if (deny)
        {
            throw InvalidOpenAIRequest($"`tensorzero::deny_unknown_fields` is set to true, but found unknown fields in the request: [{names}]");
        }
        logger.LogWarning("Ignoring unknown fields in OpenAI-compatible request: [{Fields:l}]", names);
    }

    private static (string? Function, string? Model) ParseTarget(JsonElement root, ILogger logger)
    {
        var model = RequiredString(root, "model"u8, "model");
        if (model.StartsWith(FunctionNamePrefix, StringComparison.Ordinal))
        {
            var function = model[FunctionNamePrefix.Length..];
            return function.Length > 0
                ? (function, null)
                : throw InvalidOpenAIRequest("function_name (passed in model field after \"tensorzero::function_name::\") cannot be empty");
        }
        if (model.StartsWith(ModelNamePrefix, StringComparison.Ordinal))
        {
            var name = model[ModelNamePrefix.Length..];
            return name.Length > 0
                ? (null, name)
                : throw InvalidOpenAIRequest("model_name (passed in model field after \"tensorzero::model_name::\") cannot be empty");
        }
        if (OpenAILegacyForms.FunctionName(model, logger) is { } legacyFunction)
        {
            return legacyFunction.Length > 0
                ? (legacyFunction, null)
                : throw InvalidOpenAIRequest("function_name (passed in model field after \"tensorzero::function_name::\") cannot be empty");
        }
        throw InvalidOpenAIRequest(
            "`model` field must start with `tensorzero::function_name::` or `tensorzero::model_name::`. For example, " +
            "`tensorzero::function_name::my_function` for a function `my_function` defined in your config, " +
            "`tensorzero::model_name::my_model` for a model `my_model` defined in your config, or default functions like " +
            "`tensorzero::model_name::openai::gpt-4o-mini`.");
    }

    // OpenAI's default is no usage in a stream; raw usage implies usage and can't be combined with an explicit `false`.
    private static bool ParseIncludeUsage(JsonElement root, bool stream)
    {
        bool? explicitUsage = null;
        if (TryGet(root, "stream_options"u8, out var options))
        {
            if (options.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("`stream_options`: must be an object");
            }
            explicitUsage = OptionalBool(options, "include_usage"u8, "stream_options.include_usage");
        }
        var rawUsage = OptionalBool(root, "tensorzero::include_raw_usage"u8, "tensorzero::include_raw_usage") ?? false;
        if (stream && rawUsage && explicitUsage == false)
        {
            throw InvalidOpenAIRequest(
                "`tensorzero::include_raw_usage` requires `stream_options.include_usage` to be true (or omitted) for streaming requests");
        }
        return (explicitUsage ?? false) || rawUsage;
    }

    // `tensorzero::params` takes precedence over the OpenAI-style fields; `max_tokens` and `max_completion_tokens` give the smaller.
    private static InferenceParams ParseParams(JsonElement root)
    {
        var tensorzero = InferenceRequestParser.ParseParams(root, "tensorzero::params");
        var maxTokens = OptionalNonNegativeInt(root, "max_tokens"u8, "max_tokens");
        var maxCompletionTokens = OptionalNonNegativeInt(root, "max_completion_tokens"u8, "max_completion_tokens");
        var max = maxTokens is { } a && maxCompletionTokens is { } b ? Math.Min(a, b) : maxTokens ?? maxCompletionTokens;
        return new InferenceParams(
            tensorzero.Temperature ?? OptionalNumber(root, "temperature"u8, "temperature"),
            tensorzero.MaxTokens ?? max,
            tensorzero.TopP ?? OptionalNumber(root, "top_p"u8, "top_p"),
            tensorzero.Seed ?? OptionalInt(root, "seed"u8, "seed"),
            tensorzero.PresencePenalty ?? OptionalNumber(root, "presence_penalty"u8, "presence_penalty"),
            tensorzero.FrequencyPenalty ?? OptionalNumber(root, "frequency_penalty"u8, "frequency_penalty"),
            tensorzero.StopSequences ?? OptionalStringOrList(root, "stop"u8, "stop"),
            tensorzero.ReasoningEffort ?? OptionalString(root, "reasoning_effort"u8, "reasoning_effort"),
            tensorzero.ServiceTier ?? InferenceRequestParser.ServiceTier(OptionalString(root, "service_tier"u8, "service_tier"), "service_tier"),
            tensorzero.Verbosity ?? OptionalString(root, "verbosity"u8, "verbosity"),
            tensorzero.ThinkingBudgetTokens);
    }

    private static (JsonMode? Mode, JsonSchemaDocument? Schema) ParseResponseFormat(JsonElement root)
    {
        if (!TryGet(root, "response_format"u8, out var format))
        {
            return (null, null);
        }
        if (format.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`response_format`: must be an object with a `type`");
        }
        switch (RequiredString(format, "type"u8, "response_format.type"))
        {
            case "text":
                return (JsonMode.Off, null);
            case "json_object":
                return (JsonMode.On, null);
            case "json_schema":
                if (!TryGet(format, "json_schema"u8, out var info))
                {
                    throw MissingField("response_format.json_schema");
                }
                if (info.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("`response_format.json_schema`: must be an object");
                }
                if (!TryGet(info, "schema"u8, out var schema))
                {
                    return (JsonMode.Strict, null);
                }
                if (schema.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("`response_format.json_schema.schema`: must be a JSON Schema object");
                }
                try
                {
                    return (JsonMode.Strict, JsonSchemaDocument.Parse(JsonNode.Parse(schema.GetRawText())!.AsObject()));
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or JsonException)
                {
                    throw Invalid("`response_format.json_schema.schema`: is not a valid JSON Schema");
                }
            case var other:
                throw Invalid($"`response_format.type`: unknown type `{other}` (expected text, json_object or json_schema)");
        }
    }

    private static bool IsChatTarget(GatewayConfig config, string? functionName, string? modelName) =>
        modelName is not null || (functionName is not null && config.Functions.TryGetValue(functionName, out var function) && function.Type == FunctionType.Chat);

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };
}
