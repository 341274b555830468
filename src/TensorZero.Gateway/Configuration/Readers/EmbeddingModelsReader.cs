namespace TensorZero.Gateway.Configuration;

/// <summary><c>[embedding_models]</c>: the same rules as <c>[models]</c>, with <c>timeout_ms</c> instead of <c>timeouts</c>.</summary>
internal sealed class EmbeddingModelsReader(IProviderTypeCatalog providers, ConfigReferences references)
{
    private static readonly string[] SharedEmbeddingProviderKeys = ["type", "extra_body", "extra_headers", "timeout_ms", "timeouts", "cost"];

    public Dictionary<string, EmbeddingModelConfig> Read(TomlSection? section)
    {
        var models = new Dictionary<string, EmbeddingModelConfig>(StringComparer.Ordinal);
        foreach (var (name, modelSection) in section?.Sections() ?? [])
        {
            ReservedNames.Check(providers, name, modelSection, "Embedding model");
            modelSection.RejectUnknown(["routing", "providers", "timeout_ms", "timeouts"]);
            var routing = modelSection.StringList("routing", required: true) ?? [];
            var (providerConfigs, providersSection) = CommonSettingsReader.Providers(modelSection, ReadProvider);
            references.Routing(modelSection, routing, providersSection);
            models[name] = new EmbeddingModelConfig(name, routing, providerConfigs, TimeoutMs(modelSection));
        }
        return models;
    }

    private EmbeddingProviderConfig? ReadProvider(string name, TomlSection section)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        var table = providers.FindEmbeddingTable(type);
        if (table is null)
        {
            section.Error("type", providers.FindTable(type) is null
                ? $"unknown provider type `{type}` (valid for embedding models: {string.Join(", ", providers.EmbeddingTypes)})"
                : $"provider type `{type}` does not serve embedding models in this gateway (supported: {string.Join(", ", providers.EmbeddingTypes)})");
            return null;
        }
        var credentialField = table.CredentialField;
        section.RejectUnknown(SharedEmbeddingProviderKeys.Concat(table.SettingKeys).Append(credentialField));
        section.WarnIgnored("cost");
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in table.SettingKeys.Where(section.Has))
        {
            settings[key] = section.Table[key];
        }
        return new EmbeddingProviderConfig(
            name,
            type,
            section.Path,
            table.SettingKeys.Contains("model_name") ? section.String("model_name") : null,
            table.SettingKeys.Contains("api_base") ? section.String("api_base") : null,
            section.Credential(credentialField),
            CommonSettingsReader.ExtraBody(section),
            CommonSettingsReader.ExtraHeaders(section),
            TimeoutMs(section))
        {
            Settings = new ProviderSettingsTable(settings),
        };
    }

    // TensorZero still reads the older `timeouts.non_streaming.total_ms` here, as a deprecated spelling of `timeout_ms`.
    private static long? TimeoutMs(TomlSection section)
    {
        var timeoutMs = section.Integer("timeout_ms", min: 1);
        if (!section.Has("timeouts"))
        {
            return timeoutMs;
        }
        var timeouts = CommonSettingsReader.Timeouts(section.Section("timeouts"));
        if (section.Has("timeout_ms"))
        {
            section.Error("`timeout_ms` and `timeouts` cannot both be set; use `timeout_ms`");
            return timeoutMs;
        }
        if (timeouts is { StreamingTtftMs: not null } or { StreamingTotalMs: not null })
        {
            section.Error("timeouts", "only `non_streaming.total_ms` applies to embeddings; use `timeout_ms`");
        }
        section.Warn("timeouts", "is deprecated for embeddings; use `timeout_ms`");
        return timeouts?.NonStreamingTotalMs;
    }
}
