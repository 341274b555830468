using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>How a flavour authenticates.</summary>
public enum OpenAIAuthHeader
{
    /// <summary><c>Authorization: Bearer {key}</c>.</summary>
    Bearer,

    /// <summary>Azure's <c>api-key: {key}</c>.</summary>
    AzureApiKey,
}

/// <summary>How a flavour asks for JSON output on the wire.</summary>
public enum OpenAIJsonWire
{
    /// <summary><c>response_format</c> <c>json_object</c>, or <c>json_schema</c> (strict) when a schema exists.</summary>
    JsonObjectOrSchema,

    /// <summary>As <see cref="JsonObjectOrSchema"/>, but a <c>gpt-3.5</c> model gets <c>json_object</c> even in strict mode (OpenAI, OpenRouter).</summary>
    JsonObjectOrSchemaExceptGpt35,

    /// <summary>As <see cref="JsonObjectOrSchema"/>, and <c>{"type": "text"}</c> when JSON mode is off (Groq).</summary>
    JsonObjectOrSchemaElseText,

    /// <summary><c>response_format: {type: json_object}</c> for on and strict alike.</summary>
    JsonObjectOnly,

    /// <summary><c>response_format: {type: json_object, schema}</c> (schema omitted when there is none).</summary>
    JsonObjectWithSchema,

    /// <summary>vLLM: a top-level <c>guided_json</c> holding the schema; nothing without a schema.</summary>
    GuidedJson,

    /// <summary>SGLang: <c>json_schema</c> always, so a schema is required.</summary>
    SchemaRequired,

    /// <summary>Nothing is sent (the system-prompt instruction still is).</summary>
    NotSent,
}

/// <summary>When a flavour puts TensorZero's <c>Respond using JSON.</c> in front of the system prompt for JSON mode <c>on</c>.</summary>
public enum OpenAIJsonInstruction
{
    /// <summary>Unless the system prompt or a message mentions JSON; always when there is no system prompt.</summary>
    UnlessMentioned,

    /// <summary>Unless the system prompt or a message mentions JSON, with or without a system prompt (xAI).</summary>
    UnlessMentionedAnywhere,

    /// <summary>Never: the wire's own JSON setting is all (Fireworks, Mistral, Together, vLLM).</summary>
    Never,
}

/// <summary>How a flavour sends <c>reasoning_effort</c>.</summary>
public enum OpenAIReasoningWire
{
    /// <summary>Not sent (the server has no such setting).</summary>
    NotSent,

    /// <summary>A top-level <c>reasoning_effort</c>.</summary>
    ReasoningEffort,

    /// <summary>OpenRouter: <c>reasoning: {effort}</c>.</summary>
    ReasoningObject,
}

/// <summary>
/// What differs between the servers that speak OpenAI's chat-completions wire: one row of the table in the provider
/// reference. Everything not described here is the shared OpenAI shape.
/// </summary>
/// <param name="Descriptor">The provider type: its TOML <c>type</c>, credential rules and auth headers.</param>
/// <param name="DefaultApiBase">The base URL when <c>api_base</c> is not set; null when <c>api_base</c> is required.</param>
/// <param name="SettingKeys">Type-specific TOML keys, besides the shared ones and <c>api_key_location</c>.</param>
/// <param name="RequiresModelName">Whether <c>model_name</c> must be set (TGI has none; Azure names a deployment).</param>
/// <param name="FixedModel">A <c>model</c> value sent regardless of configuration (TGI), as (non-stream, stream).</param>
/// <param name="SendsModel">Whether <c>model</c> is in the body at all (Azure puts the deployment in the URL).</param>
/// <param name="MaxTokensField">The body field for the output-token limit.</param>
/// <param name="SeedField">The body field for the seed; null when the seed is not sent.</param>
/// <param name="SendsStreamUsage">Whether a stream asks for a usage chunk with <c>stream_options.include_usage</c>.</param>
/// <param name="SendsTools">Whether tools are sent at all.</param>
/// <param name="SendsToolStrict">Whether each tool carries <c>strict</c> beside <c>function</c>.</param>
/// <param name="RequiredToolChoice">The wire value for a required tool choice (<c>auto</c> where unsupported, Mistral's <c>any</c>).</param>
/// <param name="OmitsToolsWhenChoiceNone">Whether <c>tool_choice: none</c> is expressed by sending no tools (Together).</param>
/// <param name="SendsParallelToolCalls">Whether <c>parallel_tool_calls</c> is sent.</param>
/// <param name="UserContentAlwaysArray">Whether user content is always an array of parts (xAI), never a plain string.</param>
/// <param name="AddsReasoningTokens">Whether <c>completion_tokens_details.reasoning_tokens</c> is added to output tokens (xAI).</param>
/// <param name="ParsesThinkTags">Whether <c>&lt;think&gt;…&lt;/think&gt;</c> in content becomes a thought (Together, Fireworks).</param>
/// <param name="UsageRequired">Whether a non-streamed answer without <c>usage</c> is malformed.</param>
/// <param name="FixedHeaders">Headers every request carries (OpenRouter's branding headers); configured headers win.</param>
/// <param name="JsonInstruction">When the system prompt gets <c>Respond using JSON.</c> for JSON mode <c>on</c>.</param>
/// <param name="SendsCustomTools">Whether OpenAI custom tools (<c>type: "custom"</c>) are sent (OpenAI itself); other flavours refuse them.</param>
/// <param name="Reasoning">How <c>reasoning_effort</c> is sent, if at all.</param>
/// <param name="ServiceTiers">The <c>service_tier</c> values sent; null when the field is never sent.</param>
/// <param name="SendsVerbosity">Whether <c>verbosity</c> is sent.</param>
/// <param name="ContentTypeOverrides">A provider's <c>content_type_overrides</c>: MIME type → part kind for inline files.</param>
public sealed record OpenAIFlavour(
    ProviderDescriptor Descriptor,
    string? DefaultApiBase,
    IReadOnlyCollection<string> SettingKeys,
    OpenAIAuthHeader Auth = OpenAIAuthHeader.Bearer,
    bool RequiresModelName = true,
    (string Plain, string Stream)? FixedModel = null,
    bool SendsModel = true,
    string MaxTokensField = "max_tokens",
    string? SeedField = "seed",
    bool SendsStreamUsage = true,
    OpenAIJsonWire Json = OpenAIJsonWire.JsonObjectOrSchema,
    bool SendsTools = true,
    bool SendsToolStrict = true,
    string RequiredToolChoice = "required",
    bool OmitsToolsWhenChoiceNone = false,
    bool SendsParallelToolCalls = true,
    bool UserContentAlwaysArray = false,
    bool AddsReasoningTokens = false,
    bool ParsesThinkTags = false,
    bool UsageRequired = false,
    IReadOnlyList<KeyValuePair<string, string>>? FixedHeaders = null,
    bool SendsCustomTools = false,
    OpenAIReasoningWire Reasoning = OpenAIReasoningWire.NotSent,
    IReadOnlyList<string>? ServiceTiers = null,
    bool SendsVerbosity = false,
    IReadOnlyDictionary<string, string>? ContentTypeOverrides = null,
    OpenAIJsonInstruction JsonInstruction = OpenAIJsonInstruction.UnlessMentioned)
{
    /// <summary>The TOML <c>type</c>.</summary>
    public string Type => Descriptor.Type;

    /// <summary>
    /// What this server takes of the reasoning-era parameters, read off the flavour: <c>reasoning_effort</c> where it is
    /// sent (OpenRouter's <c>reasoning</c> object also stands for <c>thinking_budget_tokens</c>, as in TensorZero), the
    /// tiers in <see cref="ServiceTiers"/>, <c>verbosity</c> where sent.
    /// </summary>
    public InferenceParamSupport ParamSupport => new(
        Descriptor.DisplayName,
        Reasoning != OpenAIReasoningWire.NotSent,
        ServiceTiers ?? [],
        Reasoning == OpenAIReasoningWire.ReasoningObject,
        SendsVerbosity,
        ThinkingTip: Reasoning == OpenAIReasoningWire.ReasoningEffort ? InferenceParamSupport.UseReasoningEffort : null);

    /// <summary>Azure's key header.</summary>
    public const string AzureApiKeyHeader = "api-key";

    /// <summary>The auth scheme this flavour declares, bound to one provider's credential.</summary>
    public AuthScheme AuthSchemeFor(CredentialResolver key, string providerDisplayName) => Auth switch
    {
        OpenAIAuthHeader.AzureApiKey => new HeaderKeyAuth(AzureApiKeyHeader, key, providerDisplayName),
        _ => new BearerAuth(key, providerDisplayName),
    };
}

/// <summary>The flavours of the OpenAI chat-completions family this gateway serves, one per TOML <c>type</c>.</summary>
public static class OpenAIFlavours
{
    private static readonly string[] Hosted = ["model_name", "api_base"];

    public static readonly OpenAIFlavour OpenAI = new(
        Keyed("openai", "OpenAI", "OPENAI_API_KEY", CredentialForms.KeyedOrNone),
        "https://api.openai.com/v1/",
        ["model_name", "api_base", "api_type", "include_encrypted_reasoning", "provider_tools", "content_type_overrides"],
        MaxTokensField: "max_completion_tokens", SendsCustomTools: true, Json: OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35,
        Reasoning: OpenAIReasoningWire.ReasoningEffort, ServiceTiers: ["auto", "default", "priority", "flex"], SendsVerbosity: true);

    /// <summary>Azure's URL comes from <c>endpoint</c> and <c>deployment_id</c> (see <see cref="AzureProviderFactory"/>).</summary>
    public static readonly OpenAIFlavour Azure = new(
        new(CredentialRules.ApiKey("azure", "Azure", "AZURE_OPENAI_API_KEY", CredentialForms.Keyed, alternate: "AZURE_API_KEY"),
            HeaderKeyAuth.HeadersFor(OpenAIFlavour.AzureApiKeyHeader), SupportsShorthand: false),
        null, ["deployment_id", "endpoint"],
        Auth: OpenAIAuthHeader.AzureApiKey, RequiresModelName: false, SendsModel: false, MaxTokensField: "max_completion_tokens",
        RequiredToolChoice: "auto", SendsParallelToolCalls: false,
        Reasoning: OpenAIReasoningWire.ReasoningEffort, ServiceTiers: ["auto", "default"], SendsVerbosity: true);

    public static readonly OpenAIFlavour DeepSeek = new(
        Keyed("deepseek", "DeepSeek", "DEEPSEEK_API_KEY", CredentialForms.Keyed),
        "https://api.deepseek.com/v1/", Hosted, Json: OpenAIJsonWire.JsonObjectOnly, UsageRequired: true);

    public static readonly OpenAIFlavour Fireworks = new(
        Keyed("fireworks", "Fireworks", "FIREWORKS_API_KEY", CredentialForms.Keyed),
        "https://api.fireworks.ai/inference/v1/", [.. Hosted, "parse_think_blocks"],
        SeedField: null, SendsStreamUsage: false, Json: OpenAIJsonWire.JsonObjectWithSchema, SendsToolStrict: false,
        ParsesThinkTags: true, UsageRequired: true, Reasoning: OpenAIReasoningWire.ReasoningEffort,
        JsonInstruction: OpenAIJsonInstruction.Never);

    public static readonly OpenAIFlavour Hyperbolic = new(
        Keyed("hyperbolic", "Hyperbolic", "HYPERBOLIC_API_KEY", CredentialForms.Keyed),
        "https://api.hyperbolic.xyz/v1/", Hosted,
        SendsStreamUsage: false, Json: OpenAIJsonWire.NotSent, SendsTools: false, Reasoning: OpenAIReasoningWire.ReasoningEffort);

    public static readonly OpenAIFlavour Mistral = new(
        Keyed("mistral", "Mistral", "MISTRAL_API_KEY", CredentialForms.Keyed),
        "https://api.mistral.ai/v1/", [.. Hosted, "prompt_mode"],
        SeedField: "random_seed", SendsStreamUsage: false, Json: OpenAIJsonWire.JsonObjectOnly, SendsToolStrict: false,
        RequiredToolChoice: "any", UsageRequired: true, JsonInstruction: OpenAIJsonInstruction.Never);

    public static readonly OpenAIFlavour Together = new(
        Keyed("together", "Together", "TOGETHER_API_KEY", CredentialForms.Keyed),
        "https://api.together.xyz/v1/", [.. Hosted, "parse_think_blocks"],
        SendsStreamUsage: false, Json: OpenAIJsonWire.JsonObjectWithSchema, RequiredToolChoice: "auto",
        OmitsToolsWhenChoiceNone: true, ParsesThinkTags: true, UsageRequired: true, Reasoning: OpenAIReasoningWire.ReasoningEffort,
        JsonInstruction: OpenAIJsonInstruction.Never);

    public static readonly OpenAIFlavour XAI = new(
        Keyed("xai", "xAI", "XAI_API_KEY", CredentialForms.KeyedOrNone),
        "https://api.x.ai/v1/", Hosted, UserContentAlwaysArray: true, AddsReasoningTokens: true, UsageRequired: true,
        Reasoning: OpenAIReasoningWire.ReasoningEffort, JsonInstruction: OpenAIJsonInstruction.UnlessMentionedAnywhere);

    public static readonly OpenAIFlavour VLLM = new(
        SelfHosted(CredentialRules.NoKeyByDefault("vllm", "vLLM", CredentialForms.KeyedOrNone)),
        null, Hosted, Json: OpenAIJsonWire.GuidedJson, JsonInstruction: OpenAIJsonInstruction.Never);

    public static readonly OpenAIFlavour SGLang = new(
        SelfHosted(CredentialRules.ApiKey("sglang", "SGLang", "SGLANG_API_KEY", CredentialForms.KeyedOrNone)),
        null, Hosted, Json: OpenAIJsonWire.SchemaRequired, Reasoning: OpenAIReasoningWire.ReasoningEffort);

    public static readonly OpenAIFlavour TGI = new(
        SelfHosted(CredentialRules.NoKeyByDefault("tgi", "TGI", CredentialForms.KeyedOrNone)),
        null, ["api_base"], RequiresModelName: false, FixedModel: ("tgi", "TGI"), Json: OpenAIJsonWire.NotSent, UsageRequired: true);

    public static readonly OpenAIFlavour Groq = new(
        Keyed("groq", "Groq", "GROQ_API_KEY", CredentialForms.KeyedOrNone),
        "https://api.groq.com/openai/v1/", [.. Hosted, "reasoning_format"], MaxTokensField: "max_completion_tokens",
        Reasoning: OpenAIReasoningWire.ReasoningEffort, ServiceTiers: ["auto", "flex"], Json: OpenAIJsonWire.JsonObjectOrSchemaElseText);

    public static readonly OpenAIFlavour OpenRouter = new(
        Keyed("openrouter", "OpenRouter", "OPENROUTER_API_KEY", CredentialForms.KeyedOrNone),
        "https://openrouter.ai/api/v1/", Hosted, MaxTokensField: "max_completion_tokens", Json: OpenAIJsonWire.JsonObjectOrSchemaExceptGpt35,
        FixedHeaders: [new("X-Title", "TensorZero"), new("HTTP-Referer", "https://www.tensorzero.com/")],
        Reasoning: OpenAIReasoningWire.ReasoningObject, SendsVerbosity: true);

    /// <summary>A hosted service: a bearer API key read from <c>env::</c><paramref name="variable"/> by default, and shorthand names.</summary>
    private static ProviderDescriptor Keyed(string type, string displayName, string variable, CredentialForms allowed) =>
        new(CredentialRules.ApiKey(type, displayName, variable, allowed), BearerAuth.Headers, SupportsShorthand: true);

    /// <summary>A server the user runs: a bearer key if any, and no shorthand names (there is no default <c>api_base</c>).</summary>
    private static ProviderDescriptor SelfHosted(CredentialRules credentials) =>
        new(credentials, BearerAuth.Headers, SupportsShorthand: false);
}
