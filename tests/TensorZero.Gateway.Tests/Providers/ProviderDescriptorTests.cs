using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>
/// What every built-in provider type declares in its descriptor: the credential guide's default credential, the forms
/// it accepts, and the headers its credential travels in.
/// </summary>
public sealed class ProviderDescriptorTests
{
    private static readonly ProviderRegistry Registry = ProviderRegistry.CreateDefault();

    private static ProviderDescriptor Descriptor(string type) => Registry.Find(type)!.Descriptor;

    [Theory]
    [InlineData("anthropic", "env::ANTHROPIC_API_KEY", null)]
    [InlineData("aws_bedrock", "sdk", "AWS_BEARER_TOKEN_BEDROCK")]
    [InlineData("aws_sagemaker", "sdk", null)]
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
    public void Descriptor_EachProviderType_HasTheGuidesDefault(string type, string expectedDefault, string? alternate)
    {
        var credentials = Descriptor(type).Credentials;
        Assert.Equal(type, credentials.Type);
        Assert.Equal(expectedDefault, credentials.Default.ToString());
        Assert.Null(credentials.Default.Fallback);
        Assert.Equal(alternate, credentials.AlternateEnvVariable);
    }

    [Fact]
    public void Types_CoverTheSeventeenTypesOfTheGuidePlusNewerOnes()
    {
        string[] guide =
        [
            "anthropic", "aws_bedrock", "azure", "deepseek", "fireworks", "gcp_vertex_anthropic", "gcp_vertex_gemini",
            "google_ai_studio_gemini", "hyperbolic", "mistral", "openai", "sglang", "tgi", "together", "vllm", "xai",
        ];
        // "OpenAI-compatible" is the `openai` type with `api_base`: 16 type strings serve the guide's 17 rows.
        Assert.All(guide, t => Assert.NotNull(Registry.Find(t)));
        Assert.Equal(guide.Length + 4, Registry.Types.Count()); // + groq, openrouter, aws_sagemaker, dummy
    }

    [Theory]
    [InlineData("anthropic", "none", false)]
    [InlineData("azure", "none", false)]
    [InlineData("deepseek", "none", false)]
    [InlineData("openai", "none", true)]
    [InlineData("vllm", "none", true)]
    [InlineData("tgi", "none", true)]
    [InlineData("openai", "path::/k", true)]
    [InlineData("anthropic", "path_from_env::P", true)]
    [InlineData("azure", "path::/k", true)]
    [InlineData("google_ai_studio_gemini", "path::/k", true)]
    [InlineData("vllm", "path::/k", true)]
    [InlineData("aws_bedrock", "path::/k", true)]
    [InlineData("openai", "sdk", false)]
    [InlineData("gcp_vertex_gemini", "path::/k.json", true)]
    [InlineData("gcp_vertex_gemini", "path_from_env::P", true)]
    [InlineData("gcp_vertex_gemini", "sdk", true)]
    [InlineData("gcp_vertex_gemini", "env::X", false)]
    [InlineData("gcp_vertex_anthropic", "none", false)]
    [InlineData("dummy", "env::X", false)]
    [InlineData("dummy", "dynamic::k", true)]
    [InlineData("aws_sagemaker", "env::AWS_ACCESS_KEY_ID", true)]
    [InlineData("aws_sagemaker", "dynamic::k", true)]
    [InlineData("aws_sagemaker", "sdk", true)]
    [InlineData("aws_sagemaker", "none", false)]
    [InlineData("aws_sagemaker", "path::/k", false)]
    public void Accepts_FormsPerProviderType(string type, string location, bool accepted)
    {
        Assert.True(CredentialLocation.TryParse(location, out var parsed, out _));
        Assert.Equal(accepted, Descriptor(type).Credentials.Accepts(parsed!));
    }

    [Theory]
    [InlineData("gcp_vertex_gemini", "credential_location")]
    [InlineData("gcp_vertex_anthropic", "credential_location")]
    [InlineData("aws_bedrock", "api_key")]
    [InlineData("aws_sagemaker", "access_key_id")]
    [InlineData("openai", "api_key_location")]
    [InlineData("anthropic", "api_key_location")]
    public void CredentialField_MatchesTensorZeroConfigKey(string type, string field) =>
        Assert.Equal(field, Descriptor(type).Credentials.CredentialField);

    [Theory]
    [InlineData("openai", "authorization")]
    [InlineData("groq", "authorization")]
    [InlineData("vllm", "authorization")]
    [InlineData("azure", "api-key")]
    [InlineData("anthropic", "x-api-key")]
    [InlineData("google_ai_studio_gemini", "x-goog-api-key")]
    [InlineData("gcp_vertex_gemini", "authorization")]
    [InlineData("gcp_vertex_anthropic", "authorization")]
    [InlineData("aws_bedrock", "authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256")]
    [InlineData("aws_sagemaker", "authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256")]
    [InlineData("dummy", "")]
    public void AuthHeaders_EachProviderType_NamesTheHeadersItsCredentialTravelsIn(string type, string headers) =>
        Assert.Equal(headers.Split(',', StringSplitOptions.RemoveEmptyEntries), Descriptor(type).AuthHeaders);

    [Theory]
    [InlineData("openai", true, true)]
    [InlineData("azure", false, true)]
    [InlineData("vllm", false, true)]
    [InlineData("gcp_vertex_gemini", true, true)]
    [InlineData("aws_bedrock", false, false)]
    [InlineData("aws_sagemaker", false, false)]
    [InlineData("dummy", true, false)]
    public void Descriptor_ShorthandAndDefaultsTable_PerProviderType(string type, bool shorthand, bool defaultsTable)
    {
        Assert.Equal(shorthand, Descriptor(type).SupportsShorthand);
        Assert.Equal(defaultsTable, Descriptor(type).HasDefaultsTable);
    }

    [Fact]
    public void Descriptors_EveryRegisteredFactory_IsComplete()
    {
        Assert.All(BuiltInProviders.CreateFactories(), factory =>
        {
            var descriptor = factory.Descriptor;
            var credentials = descriptor.Credentials;
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Type));
            Assert.False(string.IsNullOrWhiteSpace(descriptor.DisplayName), descriptor.Type);
            Assert.False(string.IsNullOrWhiteSpace(credentials.CredentialField), descriptor.Type);
            Assert.NotEqual(CredentialForms.None, credentials.Allowed);
            // The built-in default must be a form the type accepts, or every provider relying on it fails at startup.
            Assert.True(credentials.Accepts(credentials.Default.Default), $"{descriptor.Type}: default `{credentials.Default}` is not an allowed form");
            Assert.True(credentials.Default.Fallback is null || credentials.Accepts(credentials.Default.Fallback), descriptor.Type);
            // An alternate is an environment variable, so the type reads keys from the environment.
            Assert.True(credentials.AlternateEnvVariable is null || credentials.Allowed.HasFlag(CredentialForms.Env), descriptor.Type);
            Assert.True(!credentials.FileIsServiceAccountKey || credentials.Allowed.HasFlag(CredentialForms.Path), descriptor.Type);
            Assert.All(descriptor.AuthHeaders, header =>
            {
                Assert.False(string.IsNullOrWhiteSpace(header));
                Assert.Equal(header.ToLowerInvariant(), header);
            });
            // Every type that calls a real API says where its credential goes; only the offline dummy sends none.
            Assert.True(descriptor.AuthHeaders.Count > 0 || descriptor.Type == "dummy", $"{descriptor.Type} declares no auth header");
        });
    }

    [Fact]
    public void EmbeddingFactories_ShareTheDescriptorOfTheirChatType()
    {
        Assert.NotEmpty(Registry.EmbeddingTypes);
        Assert.All(Registry.EmbeddingTypes, type => Assert.Same(Registry.Find(type)!.Descriptor, Registry.FindEmbedding(type)!.Descriptor));
    }
}
