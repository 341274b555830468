using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Configuration;

/// <summary>The whole <c>tensorzero.toml</c>, as written, after validation.</summary>
/// <param name="BaseDirectory">The config file's folder; relative paths in the config resolve against it.</param>
public sealed record GatewayConfig(
    GatewaySection Gateway,
    IReadOnlyDictionary<string, ModelConfig> Models,
    IReadOnlyDictionary<string, FunctionConfig> Functions,
    IReadOnlyDictionary<string, CredentialSpec> ProviderTypeDefaults,
    IReadOnlyDictionary<string, ToolConfig> Tools,
    string BaseDirectory,
    IReadOnlyList<string> Warnings)
{
    /// <summary><c>[embedding_models]</c>, by name.</summary>
    public IReadOnlyDictionary<string, EmbeddingModelConfig> EmbeddingModels { get; init; } = new Dictionary<string, EmbeddingModelConfig>();

    /// <summary><c>[metrics]</c>, by name: what <c>POST /feedback</c> accepts besides <c>comment</c> and <c>demonstration</c>.</summary>
    public IReadOnlyDictionary<string, MetricConfig> Metrics { get; init; } = new Dictionary<string, MetricConfig>();
}

/// <summary><c>[gateway]</c>.</summary>
/// <param name="BasePath">A prefix for every route (<c>base_path</c>), e.g. <c>/llm</c>; null for none.</param>
public sealed record GatewaySection(string? BindAddress, bool Debug, long GlobalOutboundHttpTimeoutMs, string? BasePath = null)
{
    public const long DefaultGlobalOutboundHttpTimeoutMs = 900_000;

    public const long DefaultOutboundConnectTimeoutMs = 10_000;

    public const long DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    public const long DefaultMaxProviderResponseBytes = 128 * 1024 * 1024;

    public const long DefaultClientWriteTimeoutMs = 30_000;

    public static readonly GatewaySection Default = new(null, false, DefaultGlobalOutboundHttpTimeoutMs);

    /// <summary>
    /// <c>allowed_dynamic_hosts</c>: host names, IP addresses or CIDR ranges that a client-chosen (<c>dynamic::</c>)
    /// URL may reach although they are loopback, link-local or private. Empty: only public addresses.
    /// </summary>
    public IReadOnlyList<string> AllowedDynamicHosts { get; init; } = [];

    /// <summary><c>outbound_connect_timeout_ms</c>: how long opening a connection to a provider (TCP and TLS) may take.</summary>
    public long OutboundConnectTimeoutMs { get; init; } = DefaultOutboundConnectTimeoutMs;

    /// <summary><c>max_request_body_bytes</c>: the largest request body accepted, counted after decompression.</summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// <c>max_provider_response_bytes</c>: the largest provider answer read (a whole non-streamed answer, or the error
    /// body of a streamed call); past it the call fails as the provider's error.
    /// </summary>
    public long MaxProviderResponseBytes { get; init; } = DefaultMaxProviderResponseBytes;

    /// <summary><c>cors.allowed_origins</c>: origins whose browser requests and preflights are answered. Empty: CORS off.</summary>
    public IReadOnlyList<string> CorsAllowedOrigins { get; init; } = [];

    /// <summary>
    /// <c>client_write_timeout_ms</c>: how long one write of a streamed response may wait on a client that stopped
    /// reading before the gateway cuts it and cancels the upstream call.
    /// </summary>
    public long ClientWriteTimeoutMs { get; init; } = DefaultClientWriteTimeoutMs;

    /// <summary>
    /// <c>template_filesystem_access</c>: templates may include, import or extend any file under this folder, by its
    /// path relative to it. Null when off: only the templates the config names can be referred to.
    /// </summary>
    public string? TemplateFilesystemBase { get; init; }

    /// <summary><c>[gateway.observability]</c>; null when absent (storage on, with the defaults).</summary>
    public ObservabilityConfig? Observability { get; init; }

    /// <summary><c>[gateway.auth]</c>: API keys on every route but the unauthenticated ones; off by default.</summary>
    public AuthConfig Auth { get; init; } = AuthConfig.Disabled;

    /// <summary>
    /// <c>unstable_disable_feedback_target_validation</c>: metric and comment feedback is stored without looking for its
    /// target (a demonstration still needs its inference).
    /// </summary>
    public bool DisableFeedbackTargetValidation { get; init; }

    /// <summary>
    /// <c>[gateway.metrics] tensorzero_inference_latency_overhead_seconds_buckets</c>; null when absent (TensorZero's
    /// defaults), empty to turn the overhead histogram off.
    /// </summary>
    public IReadOnlyList<double>? OverheadBuckets { get; init; }

    /// <summary><c>[gateway.openapi] enabled</c>: serve <c>/swagger</c>; null when absent (on in Development only).</summary>
    public bool? OpenApiEnabled { get; init; }

    /// <summary><c>[gateway.shutdown]</c>: the drain delay and the deadline of a stop on SIGTERM or SIGINT.</summary>
    public ShutdownConfig Shutdown { get; init; } = ShutdownConfig.Default;
}

/// <summary><c>timeouts = { non_streaming.total_ms, streaming.ttft_ms, streaming.total_ms }</c> (milliseconds).</summary>
public sealed record TimeoutsConfig(long? NonStreamingTotalMs, long? StreamingTtftMs, long? StreamingTotalMs);

/// <summary>One <c>extra_body</c> item: set <see cref="Value"/> at a JSON pointer, or delete it.</summary>
public sealed record ExtraBodyItem(string Pointer, JsonNode? Value, bool Delete);

/// <summary>One <c>extra_headers</c> item: set a header, or delete it.</summary>
public sealed record ExtraHeaderItem(string Name, string? Value, bool Delete);

/// <summary><c>[models.M]</c>.</summary>
public sealed record ModelConfig(
    string Name,
    IReadOnlyList<string> Routing,
    IReadOnlyDictionary<string, ProviderConfig> Providers,
    TimeoutsConfig? Timeouts);

/// <summary><c>[models.M.providers.P]</c>: the keys every type shares, plus the type-specific ones as written.</summary>
/// <param name="Path">The TOML path, for messages.</param>
/// <param name="Settings">Type-specific keys (already checked against the type's known keys); factories read them with <see cref="ProviderSettings"/>.</param>
public sealed record ProviderConfig(
    string Name,
    string Type,
    string Path,
    string? ModelName,
    string? ApiBase,
    CredentialSpec? ApiKeyLocation,
    IReadOnlyList<ExtraBodyItem> ExtraBody,
    IReadOnlyList<ExtraHeaderItem> ExtraHeaders,
    TimeoutsConfig? Timeouts,
    ProviderSettingsTable Settings);

/// <summary><c>[embedding_models.E]</c>.</summary>
/// <param name="TimeoutMs">Bounds the whole call, every provider in routing included.</param>
public sealed record EmbeddingModelConfig(
    string Name,
    IReadOnlyList<string> Routing,
    IReadOnlyDictionary<string, EmbeddingProviderConfig> Providers,
    long? TimeoutMs);

/// <summary><c>[embedding_models.E.providers.P]</c>.</summary>
/// <param name="Path">The TOML path, for messages.</param>
/// <param name="TimeoutMs">Bounds one attempt of this provider; a timeout moves on to the next provider.</param>
public sealed record EmbeddingProviderConfig(
    string Name,
    string Type,
    string Path,
    string? ModelName,
    string? ApiBase,
    CredentialSpec? ApiKeyLocation,
    IReadOnlyList<ExtraBodyItem> ExtraBody,
    IReadOnlyList<ExtraHeaderItem> ExtraHeaders,
    long? TimeoutMs)
{
    /// <summary>The type's own keys (Azure's <c>deployment_id</c> and <c>endpoint</c>), as written, for its factory.</summary>
    public ProviderSettingsTable Settings { get; init; } = ProviderSettingsTable.Empty;
}

public enum FunctionType
{
    Chat,
    Json,
}

/// <summary><c>[functions.F]</c>.</summary>
/// <param name="Tools">Keys of <c>[tools]</c> this (chat) function offers.</param>
/// <param name="OutputSchema">A JSON function's <c>output_schema</c>; any JSON when unset.</param>
public sealed record FunctionConfig(
    string Name,
    FunctionType Type,
    IReadOnlyDictionary<string, VariantConfig> Variants,
    IReadOnlyList<string>? Tools = null,
    ToolChoice? ToolChoice = null,
    bool? ParallelToolCalls = null,
    JsonSchemaDocument? OutputSchema = null,
    ExperimentationConfig? Experimentation = null)
{
    /// <summary>Role and named schemas (<c>system</c>, <c>user</c>, <c>assistant</c>, and each <c>schemas.&lt;name&gt;</c>) that template arguments must match.</summary>
    public IReadOnlyDictionary<string, JsonSchemaDocument> Schemas { get; init; } = new Dictionary<string, JsonSchemaDocument>();
}

/// <summary>
/// <c>[functions.F.experimentation]</c> of type <c>static</c> (or <c>uniform</c>): candidate variants with weights, and
/// fallback variants tried in order when no candidate is left.
/// </summary>
public sealed record ExperimentationConfig(IReadOnlyDictionary<string, double> Candidates, IReadOnlyList<string> Fallbacks);

/// <summary><c>retries = { num_retries, max_delay_s }</c>.</summary>
public sealed record RetryConfig(int NumRetries, double MaxDelaySeconds)
{
    public static readonly RetryConfig None = new(0, 10);
}

/// <summary>
/// <c>[functions.F.variants.V]</c>. A <c>chat_completion</c> or chain-of-thought variant fills the positional fields;
/// best-of-N and mixture-of-N variants set <see cref="Candidates"/> and their <see cref="Evaluator"/> or
/// <see cref="Fuser"/>, a chat-completion table of its own named <c>V.evaluator</c> / <c>V.fuser</c>.
/// </summary>
public sealed record VariantConfig(
    string Name,
    string Type,
    string? Model,
    double? Weight,
    InferenceParams Params,
    string? JsonMode,
    RetryConfig Retries,
    TimeoutsConfig? Timeouts,
    IReadOnlyList<ExtraBodyItem> ExtraBody,
    IReadOnlyList<ExtraHeaderItem> ExtraHeaders)
{
    /// <summary>Template files by name: <c>system</c>, <c>user</c>, <c>assistant</c> (from <c>*_template</c>) and each <c>templates.&lt;name&gt;</c>.</summary>
    public IReadOnlyDictionary<string, TemplateSource> Templates { get; init; } = new Dictionary<string, TemplateSource>();

    /// <summary><c>candidates</c>: the variants of the same function a best-of-N or mixture-of-N variant runs (repeats allowed).</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>A best-of-N variant's <c>evaluator</c>: the model and prompts of the judge that picks a candidate.</summary>
    public VariantConfig? Evaluator { get; init; }

    /// <summary>A mixture-of-N variant's <c>fuser</c>: the model and prompts that write one answer from the candidates.</summary>
    public VariantConfig? Fuser { get; init; }

    /// <summary>The deprecated <c>timeout_s</c> of a best-of-N or mixture-of-N variant, already applied to its candidates' <c>timeouts</c>.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>The tables of this variant that call a model with prompts of their own: itself, or its evaluator or fuser.</summary>
    public IEnumerable<VariantConfig> PromptTables()
    {
        if (Type is VariantTypes.ChatCompletion or VariantTypes.ChainOfThought)
        {
            yield return this;
        }
        if (Evaluator is not null)
        {
            yield return Evaluator;
        }
        if (Fuser is not null)
        {
            yield return Fuser;
        }
    }
}

/// <summary>A template file a variant names, as read at startup.</summary>
/// <param name="Name">The variant's name for it: <c>system</c>, <c>user</c>, <c>assistant</c> or a <c>templates</c> key.</param>
/// <param name="FullPath">The file's full path.</param>
/// <param name="ConfigPath">The TOML key that names the file, for messages.</param>
/// <param name="File">The path as the config wrote it, for messages.</param>
public sealed record TemplateSource(string Name, string FullPath, string Text, string ConfigPath, string File)
{
    /// <summary>Set by <c>input_wrappers.&lt;role&gt;</c>: it only wraps plain text, so the function can't have a schema for the role.</summary>
    public bool InputWrapper { get; init; }
}

/// <summary>Sampling parameters shared by variant config and <c>params.chat_completion</c>.</summary>
/// <param name="ReasoningEffort">Sent by <c>openai</c> providers (Chat Completions and Responses API); others ignore it, as in TensorZero.</param>
/// <param name="ServiceTier"><c>auto</c>, <c>default</c>, <c>priority</c> or <c>flex</c>; sent by <c>openai</c> providers.</param>
/// <param name="Verbosity">Sent by <c>openai</c> providers (<c>text.verbosity</c> on the Responses API).</param>
/// <param name="ThinkingBudgetTokens">
/// Manual thinking: Anthropic's <c>thinking.budget_tokens</c>, Gemini's <c>thinkingBudget</c> (-1 dynamic, 0 off).
/// </param>
public sealed record InferenceParams(
    double? Temperature = null,
    int? MaxTokens = null,
    double? TopP = null,
    int? Seed = null,
    double? PresencePenalty = null,
    double? FrequencyPenalty = null,
    IReadOnlyList<string>? StopSequences = null,
    string? ReasoningEffort = null,
    string? ServiceTier = null,
    string? Verbosity = null,
    int? ThinkingBudgetTokens = null)
{
    public static readonly InferenceParams Empty = new();

    /// <summary>The values <c>service_tier</c> takes.</summary>
    public static readonly IReadOnlyList<string> ServiceTiers = ["auto", "default", "priority", "flex"];

    /// <summary>Values set in <paramref name="overrides"/> win over this one's; when either sets nothing, the other as it is.</summary>
    public InferenceParams With(InferenceParams overrides) => overrides == Empty ? this : this == Empty ? overrides : new(
        overrides.Temperature ?? Temperature,
        overrides.MaxTokens ?? MaxTokens,
        overrides.TopP ?? TopP,
        overrides.Seed ?? Seed,
        overrides.PresencePenalty ?? PresencePenalty,
        overrides.FrequencyPenalty ?? FrequencyPenalty,
        overrides.StopSequences ?? StopSequences,
        overrides.ReasoningEffort ?? ReasoningEffort,
        overrides.ServiceTier ?? ServiceTier,
        overrides.Verbosity ?? Verbosity,
        overrides.ThinkingBudgetTokens ?? ThinkingBudgetTokens);
}
