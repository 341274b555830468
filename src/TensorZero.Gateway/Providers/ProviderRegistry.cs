using TensorZero.Gateway.Configuration;
using System.Diagnostics.CodeAnalysis;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// The provider types this gateway can build, by TOML <c>type</c> string: chat and embedding factories, each with its
/// type's <see cref="ProviderDescriptor"/>. The one place a type is looked up: by the config loader, the shorthand
/// resolver, the credential factory and the list of headers a request can't set.
/// </summary>
public sealed class ProviderRegistry : IProviderTypeCatalog
{
    private readonly Dictionary<string, IProviderFactory> _factories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IEmbeddingProviderFactory> _embeddingFactories = new(StringComparer.Ordinal);

    /// <exception cref="InvalidOperationException">
    /// A type is registered twice, or an embedding factory has no chat factory of its type with the same descriptor.
    /// </exception>
    public ProviderRegistry(IEnumerable<IProviderFactory> factories, IEnumerable<IEmbeddingProviderFactory>? embeddingFactories = null)
    {
        foreach (var factory in factories)
        {
            if (!_factories.TryAdd(factory.Descriptor.Type, factory))
            {
                throw new InvalidOperationException($"Provider type `{factory.Descriptor.Type}` is registered twice");
            }
        }
        foreach (var factory in embeddingFactories ?? [])
        {
            var type = factory.Descriptor.Type;
            if (!Equals(_factories.GetValueOrDefault(type)?.Descriptor, factory.Descriptor))
            {
                throw new InvalidOperationException($"The embedding factory of `{type}` needs a chat factory of that type with the same descriptor");
            }
            if (!_embeddingFactories.TryAdd(type, factory))
            {
                throw new InvalidOperationException($"Embedding provider type `{type}` is registered twice");
            }
        }
        Descriptors = _factories.Values.Select(f => f.Descriptor).OrderBy(d => d.Type, StringComparer.Ordinal).ToList();
    }

    /// <summary>A registry of the provider types built into the gateway (<see cref="BuiltInProviders"/>), with new factories.</summary>
    public static ProviderRegistry CreateDefault() => new(BuiltInProviders.CreateFactories(), BuiltInProviders.CreateEmbeddingFactories());

    public IProviderFactory? Find(string type) => _factories.GetValueOrDefault(type);

    public IEnumerable<string> Types => Descriptors.Select(d => d.Type);

    /// <summary>The descriptor of every registered type, by type.</summary>
    public IReadOnlyList<ProviderDescriptor> Descriptors { get; }

    /// <summary>The factory of embedding providers of this type, if the type can embed.</summary>
    public IEmbeddingProviderFactory? FindEmbedding(string type) => _embeddingFactories.GetValueOrDefault(type);

    public IEnumerable<string> EmbeddingTypes => _embeddingFactories.Keys.Order(StringComparer.Ordinal);

    /// <summary>
    /// Reads a shorthand model name such as <c>openai::gpt-4o-mini</c>: a registered type that allows shorthand, then a
    /// model part its factory reads as a model (<see cref="IProviderFactory.Shorthand"/>; never empty).
    /// <paramref name="modelName"/> is that part as written (<c>responses::gpt-5</c>).
    /// </summary>
    public bool TryParseShorthand(string name, [NotNullWhen(true)] out IProviderFactory? factory, out string modelName)
    {
        factory = null;
        modelName = string.Empty;
        var separator = name.IndexOf("::", StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }
        var found = Find(name[..separator]);
        var rest = name[(separator + 2)..];
        if (found is null || !found.Descriptor.SupportsShorthand || rest.Length == 0 || found.Shorthand(rest) is null)
        {
            return false;
        }
        factory = found;
        modelName = rest;
        return true;
    }

    public bool IsShorthand(string name) => TryParseShorthand(name, out _, out _);

    public ProviderTableKeys? FindTable(string type) =>
        Find(type) is { } factory ? Keys(factory.Descriptor, factory.SettingKeys) : null;

    public ProviderTableKeys? FindEmbeddingTable(string type) =>
        FindEmbedding(type) is { } factory ? Keys(factory.Descriptor, factory.SettingKeys) : null;

    private static ProviderTableKeys Keys(ProviderDescriptor descriptor, IReadOnlyCollection<string> settingKeys) =>
        new(descriptor.Type, descriptor.Credentials.CredentialField, settingKeys, descriptor.HasDefaultsTable);
}
