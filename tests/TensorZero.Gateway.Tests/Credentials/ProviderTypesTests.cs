using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>The default credential of every provider type, as the credential guide's table says.</summary>
public sealed class ProviderTypesTests
{
    [Theory]
    [InlineData("anthropic", "env::ANTHROPIC_API_KEY", null)]
    [InlineData("aws_bedrock", "sdk", "AWS_BEARER_TOKEN_BEDROCK")]
    [InlineData("azure", "env::AZURE_OPENAI_API_KEY", "AZURE_API_KEY")]
    [InlineData("deepseek", "env::DEEPSEEK_API_KEY", null)]
    [InlineData("fireworks", "env::FIREWORKS_API_KEY", null)]
    [InlineData("gcp_vertex_anthropic", "path_from_env::GCP_VERTEX_CREDENTIALS_PATH", null)]
    [InlineData("gcp_vertex_gemini", "path_from_env::GCP_VERTEX_CREDENTIALS_PATH", null)]
    [InlineData("google_ai_studio_gemini", "env::GOOGLE_API_KEY", "GOOGLE_AI_STUDIO_API_KEY")]
    [InlineData("hyperbolic", "env::HYPERBOLIC_API_KEY", null)]
    [InlineData("mistral", "env::MISTRAL_API_KEY", null)]
    [InlineData("openai", "env::OPENAI_API_KEY", null)]
    [InlineData("sglang", "env::SGLANG_API_KEY", null)]
    [InlineData("tgi", "none", null)]
    [InlineData("together", "env::TOGETHER_API_KEY", null)]
    [InlineData("vllm", "none", null)]
    [InlineData("xai", "env::XAI_API_KEY", null)]
    [InlineData("groq", "env::GROQ_API_KEY", null)]
    [InlineData("openrouter", "env::OPENROUTER_API_KEY", null)]
    [InlineData("dummy", "none", null)]
    public void Find_EachProviderType_HasTheGuidesDefault(string type, string expectedDefault, string? alternate)
    {
        var info = ProviderTypes.Find(type);
        Assert.NotNull(info);
        Assert.Equal(expectedDefault, info.Default.ToString());
        Assert.Null(info.Default.Fallback);
        Assert.Equal(alternate, info.AlternateEnvVariable);
    }

    [Fact]
    public void All_CoversTheSeventeenTypesOfTheGuidePlusNewerOnes()
    {
        string[] guide =
        [
            "anthropic", "aws_bedrock", "azure", "deepseek", "fireworks", "gcp_vertex_anthropic", "gcp_vertex_gemini",
            "google_ai_studio_gemini", "hyperbolic", "mistral", "openai", "sglang", "tgi", "together", "vllm", "xai",
        ];
        // "OpenAI-compatible" is the `openai` type with `api_base`: 16 type strings serve the guide's 17 rows.
        Assert.All(guide, t => Assert.NotNull(ProviderTypes.Find(t)));
        Assert.Equal(guide.Length + 3, ProviderTypes.All.Count); // + groq, openrouter, dummy
    }

    [Theory]
    [InlineData("anthropic", "none", false)]
    [InlineData("azure", "none", false)]
    [InlineData("deepseek", "none", false)]
    [InlineData("openai", "none", true)]
    [InlineData("vllm", "none", true)]
    [InlineData("tgi", "none", true)]
    [InlineData("openai", "path::/k", false)]
    [InlineData("openai", "sdk", false)]
    [InlineData("gcp_vertex_gemini", "path::/k.json", true)]
    [InlineData("gcp_vertex_gemini", "path_from_env::P", true)]
    [InlineData("gcp_vertex_gemini", "sdk", true)]
    [InlineData("gcp_vertex_gemini", "env::X", false)]
    [InlineData("gcp_vertex_anthropic", "none", false)]
    [InlineData("dummy", "env::X", false)]
    [InlineData("dummy", "dynamic::k", true)]
    public void Accepts_FormsPerProviderType(string type, string location, bool accepted)
    {
        Assert.True(CredentialLocation.TryParse(location, out var parsed, out _));
        Assert.Equal(accepted, ProviderTypes.Find(type)!.Accepts(parsed!));
    }

    [Theory]
    [InlineData("gcp_vertex_gemini", "credential_location")]
    [InlineData("gcp_vertex_anthropic", "credential_location")]
    [InlineData("openai", "api_key_location")]
    [InlineData("anthropic", "api_key_location")]
    public void CredentialField_MatchesTensorZeroConfigKey(string type, string field) =>
        Assert.Equal(field, ProviderTypes.Find(type)!.CredentialField);
}
