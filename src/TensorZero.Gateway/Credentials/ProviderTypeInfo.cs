namespace TensorZero.Gateway.Credentials;

/// <summary>Which location forms a provider type's credential field accepts.</summary>
[Flags]
public enum CredentialForms
{
    None = 0,
    Env = 1,
    Dynamic = 2,
    NoCredential = 4,
    Path = 8,
    Sdk = 16,
}

/// <summary>
/// What the credential layer knows of a provider type: its name in messages, the TOML key of its credential,
/// its default location and the forms it accepts.
/// </summary>
/// <param name="Type">The TOML <c>type</c> string.</param>
/// <param name="DisplayName">The provider's name in error messages.</param>
/// <param name="CredentialField">The TOML key holding the location.</param>
/// <param name="Default">The default location when a provider sets none.</param>
/// <param name="AlternateEnvVariable">Read when the default <c>env::</c> variable is unset.</param>
/// <param name="Allowed">Forms this type can use.</param>
/// <param name="SupportsShorthand">Whether <c>type::model</c> names are accepted.</param>
/// <param name="HasDefaultsTable">Whether <c>[provider_types.T.defaults]</c> applies.</param>
public sealed record ProviderTypeInfo(
    string Type,
    string DisplayName,
    string CredentialField,
    CredentialSpec Default,
    string? AlternateEnvVariable,
    CredentialForms Allowed,
    bool SupportsShorthand,
    bool HasDefaultsTable = true)
{
    /// <summary>
    /// Whether a <c>path::</c> file holds a service-account key file (GCP's JSON) rather than a key that is sent in an
    /// HTTP header as it is.
    /// </summary>
    public bool FileIsServiceAccountKey { get; init; }

    public bool Accepts(CredentialLocation location) => location switch
    {
        CredentialLocation.Env => Allowed.HasFlag(CredentialForms.Env),
        CredentialLocation.Dynamic => Allowed.HasFlag(CredentialForms.Dynamic),
        CredentialLocation.None => Allowed.HasFlag(CredentialForms.NoCredential),
        CredentialLocation.FilePath or CredentialLocation.PathFromEnv => Allowed.HasFlag(CredentialForms.Path),
        CredentialLocation.Sdk => Allowed.HasFlag(CredentialForms.Sdk),
        _ => false,
    };

    public string AllowedFormsText
    {
        get
        {
            var forms = new List<string>();
            if (Allowed.HasFlag(CredentialForms.Env)) { forms.Add("`env::VAR`"); }
            if (Allowed.HasFlag(CredentialForms.Dynamic)) { forms.Add("`dynamic::KEY`"); }
            if (Allowed.HasFlag(CredentialForms.Path)) { forms.Add("`path::FILE`"); forms.Add("`path_from_env::VAR`"); }
            if (Allowed.HasFlag(CredentialForms.Sdk)) { forms.Add("`sdk`"); }
            if (Allowed.HasFlag(CredentialForms.NoCredential)) { forms.Add("`none`"); }
            return string.Join(", ", forms);
        }
    }
}

/// <summary>The default credential of every provider type of the credential guide.</summary>
public static class ProviderTypes
{
    private const CredentialForms Keyed = CredentialForms.Env | CredentialForms.Dynamic;
    private const CredentialForms KeyedOrNone = Keyed | CredentialForms.NoCredential;
    private const CredentialForms Gcp = CredentialForms.Path | CredentialForms.Dynamic | CredentialForms.Sdk;

    private static readonly CredentialSpec NoCredential = new(new CredentialLocation.None());

    public static readonly IReadOnlyList<ProviderTypeInfo> All =
    [
        Api("anthropic", "Anthropic", "ANTHROPIC_API_KEY", Keyed, shorthand: true),
        new("aws_bedrock", "AWS Bedrock", "api_key", new CredentialSpec(new CredentialLocation.Sdk()), "AWS_BEARER_TOKEN_BEDROCK",
            CredentialForms.Env | CredentialForms.Dynamic | CredentialForms.Sdk, SupportsShorthand: false, HasDefaultsTable: false),
        Api("azure", "Azure", "AZURE_OPENAI_API_KEY", Keyed, shorthand: false, alternate: "AZURE_API_KEY"),
        Api("deepseek", "DeepSeek", "DEEPSEEK_API_KEY", Keyed, shorthand: true),
        Api("fireworks", "Fireworks", "FIREWORKS_API_KEY", Keyed, shorthand: true),
        new("gcp_vertex_anthropic", "GCP Vertex Anthropic", "credential_location",
            new CredentialSpec(new CredentialLocation.PathFromEnv("GCP_VERTEX_CREDENTIALS_PATH")), null, Gcp, SupportsShorthand: true) { FileIsServiceAccountKey = true },
        new("gcp_vertex_gemini", "GCP Vertex Gemini", "credential_location",
            new CredentialSpec(new CredentialLocation.PathFromEnv("GCP_VERTEX_CREDENTIALS_PATH")), null, Gcp, SupportsShorthand: true) { FileIsServiceAccountKey = true },
        Api("google_ai_studio_gemini", "Google AI Studio Gemini", "GOOGLE_API_KEY", Keyed, shorthand: true, alternate: "GOOGLE_AI_STUDIO_API_KEY"),
        Api("groq", "Groq", "GROQ_API_KEY", KeyedOrNone, shorthand: true),
        Api("hyperbolic", "Hyperbolic", "HYPERBOLIC_API_KEY", Keyed, shorthand: true),
        Api("mistral", "Mistral", "MISTRAL_API_KEY", Keyed, shorthand: true),
        Api("openai", "OpenAI", "OPENAI_API_KEY", KeyedOrNone, shorthand: true),
        Api("openrouter", "OpenRouter", "OPENROUTER_API_KEY", KeyedOrNone, shorthand: true),
        Api("sglang", "SGLang", "SGLANG_API_KEY", KeyedOrNone, shorthand: false),
        new("tgi", "TGI", "api_key_location", NoCredential, null, KeyedOrNone, SupportsShorthand: false),
        Api("together", "Together", "TOGETHER_API_KEY", Keyed, shorthand: true),
        new("vllm", "vLLM", "api_key_location", NoCredential, null, KeyedOrNone, SupportsShorthand: false),
        Api("xai", "xAI", "XAI_API_KEY", KeyedOrNone, shorthand: true),
        new("dummy", "Dummy", "api_key_location", NoCredential, null, CredentialForms.Dynamic | CredentialForms.NoCredential,
            SupportsShorthand: true, HasDefaultsTable: false),
    ];

    private static readonly Dictionary<string, ProviderTypeInfo> ByType = All.ToDictionary(t => t.Type, StringComparer.Ordinal);

    public static ProviderTypeInfo? Find(string type) => ByType.GetValueOrDefault(type);

    private static ProviderTypeInfo Api(string type, string name, string variable, CredentialForms allowed, bool shorthand, string? alternate = null) =>
        new(type, name, "api_key_location", new CredentialSpec(new CredentialLocation.Env(variable)), alternate, allowed, shorthand);
}
