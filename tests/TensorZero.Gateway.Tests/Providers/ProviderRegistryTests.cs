using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.Dummy;

namespace TensorZero.Gateway.Tests.Providers;

/// <summary>The registry is the one lookup of a provider type: by TOML type, by shorthand name, and for embeddings.</summary>
public sealed class ProviderRegistryTests
{
    private static readonly ProviderRegistry Registry = ProviderRegistry.CreateDefault();

    /// <summary>A provider type that exists only in these tests.</summary>
    internal sealed class FakeFactory(ProviderDescriptor descriptor) : IProviderFactory
    {
        public FakeFactory(string type, params string[] authHeaders)
            : this(new ProviderDescriptor(
                CredentialRules.NoKeyByDefault(type, "Fake", CredentialForms.KeyedOrNone), authHeaders, SupportsShorthand: true))
        {
        }

        public ProviderDescriptor Descriptor => descriptor;

        public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name"];

        public IModelProvider Create(ProviderBuildContext context) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData("openai::gpt-4o-mini", "openai", "gpt-4o-mini")]
    [InlineData("dummy::good", "dummy", "good")]
    [InlineData("openai::ft:gpt-4o::org", "openai", "ft:gpt-4o::org")]
    [InlineData("openai::responses::gpt-5", "openai", "responses::gpt-5")]
    [InlineData("gcp_vertex_gemini::gemini-2.0-flash", "gcp_vertex_gemini", "gemini-2.0-flash")]
    public void TryParseShorthand_TypeThatAllowsShorthand_ReturnsItsFactoryAndModel(string name, string type, string model)
    {
        Assert.True(Registry.TryParseShorthand(name, out var factory, out var modelName));
        Assert.Same(Registry.Find(type), factory);
        Assert.Equal(model, modelName);
    }

    [Theory]
    [InlineData("azure::gpt-4o")] // no shorthand for this type
    [InlineData("aws_bedrock::m")]
    [InlineData("vllm::m")]
    [InlineData("nope::m")]
    [InlineData("openai::")]
    [InlineData("openai::responses::")] // the Responses API, but no model
    [InlineData("::gpt-4o")]
    [InlineData("gpt-4o")]
    public void TryParseShorthand_NotAShorthandName_IsFalse(string name)
    {
        Assert.False(Registry.TryParseShorthand(name, out var factory, out _));
        Assert.Null(factory);
        Assert.False(Registry.IsShorthand(name));
    }

    [Fact]
    public void TryParseShorthand_RegisteredType_IsKnownWithoutACatalogue()
    {
        var registry = new ProviderRegistry([new FakeFactory("fake_type")]);

        Assert.True(registry.TryParseShorthand("fake_type::m", out var factory, out _));
        Assert.Equal("fake_type", factory.Descriptor.Type);
        Assert.False(registry.IsShorthand("openai::gpt-4o"));
    }

    [Fact]
    public void Descriptors_AreOrderedByType()
    {
        var types = Registry.Descriptors.Select(d => d.Type).ToList();
        Assert.Equal(types.Order(StringComparer.Ordinal), types);
        Assert.Equal(types, Registry.Types);
    }

    [Fact]
    public void Constructor_TypeRegisteredTwice_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ProviderRegistry([new FakeFactory("twice"), new FakeFactory("twice")]));
        Assert.Equal("Provider type `twice` is registered twice", error.Message);
    }

    [Fact]
    public void Constructor_EmbeddingFactoryWithoutItsChatType_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ProviderRegistry([new FakeFactory("openai")], [new DummyEmbeddingProviderFactory()]));
        Assert.Equal("The embedding factory of `dummy` needs a chat factory of that type with the same descriptor", error.Message);
    }

    [Fact]
    public void Constructor_EmbeddingFactoryWithAnotherDescriptor_Throws()
    {
        // A `dummy` chat factory whose descriptor differs from the one the dummy embedding factory declares.
        Assert.Throws<InvalidOperationException>(() => new ProviderRegistry([new FakeFactory("dummy")], [new DummyEmbeddingProviderFactory()]));
    }
}
