using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Inference;

/// <summary><c>input</c> of <c>POST /inference</c>: a system text or system template arguments, and the messages.</summary>
public sealed record InferenceInput(string? System, IReadOnlyList<RequestMessage> Messages, JsonObject? SystemArguments = null);

/// <summary>A validated <c>POST /inference</c> body.</summary>
public sealed record InferenceRequest(
    string? FunctionName,
    string? ModelName,
    Guid? EpisodeId,
    InferenceInput Input,
    string? VariantName,
    InferenceParams Params,
    IReadOnlyDictionary<string, string> Tags,
    RequestCredentials Credentials,
    bool Dryrun,
    bool IncludeOriginalResponse,
    bool Stream = false)
{
    /// <summary><c>allowed_tools</c>: keys of configured tools this request may use (all of the function's when null).</summary>
    public IReadOnlyList<string>? AllowedTools { get; init; }

    public IReadOnlyList<ToolDefinition>? AdditionalTools { get; init; }

    /// <summary>OpenAI custom tools among the request's additional tools (<c>openai_custom</c>, or <c>custom</c> on /openai/v1).</summary>
    public IReadOnlyList<CustomToolDefinition>? CustomTools { get; init; }

    /// <summary><c>provider_tools</c>: provider server tools, each sent as written to the providers its scope names.</summary>
    public IReadOnlyList<TargetedExtra<System.Text.Json.Nodes.JsonObject>> ProviderTools { get; init; } = [];

    public ToolChoice? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    /// <summary>A JSON function's <c>output_schema</c> for this request, replacing the configured one.</summary>
    public JsonSchemaDocument? OutputSchema { get; init; }

    /// <summary>
    /// A JSON Schema that a chat request asks the model to follow (the OpenAI endpoint's <c>response_format</c>): sent
    /// with the JSON mode, while the answer stays chat content.
    /// </summary>
    public JsonSchemaDocument? ResponseSchema { get; init; }

    /// <summary><c>params.chat_completion.json_mode</c>, overriding the variant's.</summary>
    public JsonMode? JsonMode { get; init; }

    /// <summary>Request-time <c>extra_body</c>: wins over provider and variant config.</summary>
    public IReadOnlyList<TargetedExtra<ExtraBodyItem>> ExtraBody { get; init; } = [];

    /// <summary>Request-time <c>extra_headers</c>: wins over provider and variant config; auth headers can't be set here.</summary>
    public IReadOnlyList<TargetedExtra<ExtraHeaderItem>> ExtraHeaders { get; init; } = [];

    /// <summary><c>include_raw_response</c>: the providers' raw answers (and raw stream chunks) go back to the client, redacted.</summary>
    public bool IncludeRawResponse { get; init; }

    /// <summary><c>include_raw_usage</c>: the providers' own usage objects go back to the client.</summary>
    public bool IncludeRawUsage { get; init; }

    /// <summary><c>cache_options</c> as the request gave them (<c>dryrun</c> applies when model requests are made).</summary>
    public Store.Cache.CacheOptions Cache { get; init; } = Store.Cache.CacheOptions.Off;
}

/// <summary>What the response needs to validate tool calls and JSON output: the tools offered and the output schema.</summary>
public sealed record ResponseSchemas(IReadOnlyDictionary<string, JsonSchemaDocument> Tools, JsonSchemaDocument? OutputSchema, JsonMode JsonMode)
{
    public static readonly ResponseSchemas None = new(new Dictionary<string, JsonSchemaDocument>(), null, JsonMode.Off);

    /// <summary>The names of the OpenAI custom tools offered: a call to one keeps its name, and its input is text, not JSON arguments.</summary>
    public IReadOnlySet<string> CustomTools { get; init; } = System.Collections.Frozen.FrozenSet<string>.Empty;

    /// <summary>The tool choice in force (the request's, else the function's; null when no tool is offered), for the stored row.</summary>
    public ToolChoice? ToolChoice { get; init; }

    /// <summary><c>parallel_tool_calls</c> in force (the request's, else the function's), for the stored row.</summary>
    public bool? ParallelToolCalls { get; init; }
}

/// <summary>The outcome of a successful inference.</summary>
public sealed record InferenceResult(
    Guid InferenceId,
    Guid EpisodeId,
    string VariantName,
    FunctionType FunctionType,
    ModelResult Model,
    ResponseSchemas Schemas)
{
    /// <summary>Raw answers of the variants that failed before this one answered (sampling fallback), oldest first.</summary>
    public IReadOnlyList<RawResponseEntry> FailedRawResponses { get; init; } = [];

    /// <summary>The parameters the answering variant's config sets (see <see cref="InferenceService.VariantParams"/>).</summary>
    public Configuration.InferenceParams VariantParams { get; init; } = Configuration.InferenceParams.Empty;
}

/// <summary>A streamed inference whose first chunk has arrived.</summary>
public sealed record InferenceStreamResult(
    Guid InferenceId,
    Guid EpisodeId,
    string VariantName,
    FunctionType FunctionType,
    ModelStreamRun Run,
    ResponseSchemas Schemas)
{
    /// <summary>Raw answers of the variants that failed before this one started streaming, oldest first.</summary>
    public IReadOnlyList<RawResponseEntry> FailedRawResponses { get; init; } = [];

    /// <summary>The parameters the answering variant's config sets (see <see cref="InferenceService.VariantParams"/>).</summary>
    public Configuration.InferenceParams VariantParams { get; init; } = Configuration.InferenceParams.Empty;
}
