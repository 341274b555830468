namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[models]</c> and each model's <c>providers</c>: the keys every provider type shares, the credential field, and the
/// type's own keys (checked against the type, kept as written for its factory).
/// </summary>
internal sealed class ModelsReader(IProviderTypeCatalog providers, ConfigReferences references)
{
    private static readonly string[] SharedProviderKeys =
        ["type", "extra_body", "extra_headers", "timeouts", "discard_unknown_chunks", "cost", "batch_cost"];

    public Dictionary<string, ModelConfig> Read(TomlSection? section)
    {
        var models = new Dictionary<string, ModelConfig>(StringComparer.Ordinal);
        foreach (var (name, modelSection) in section?.Sections() ?? [])
        {
            models[name] = ReadModel(name, modelSection);
        }
        return models;
    }

    private ModelConfig ReadModel(string name, TomlSection section)
    {
        ReservedNames.Check(providers, name, section, "Model");
        section.RejectUnknown(["routing", "providers", "timeouts", "skip_relay", "namespace"]);
        section.WarnIgnored("namespace");
        var routing = section.StringList("routing", required: true) ?? [];
        var timeouts = CommonSettingsReader.Timeouts(section.Section("timeouts"));
        var (providerConfigs, providersSection) = CommonSettingsReader.Providers(section, ReadProvider);
        references.Routing(section, routing, providersSection);
        return new ModelConfig(name, routing, providerConfigs, timeouts);
    }

    private ProviderConfig? ReadProvider(string name, TomlSection section)
    {
        var type = section.String("type", required: true);
        if (type is null)
        {
            return null;
        }
        var table = providers.FindTable(type);
        if (table is null)
        {
            section.Error("type", $"unknown provider type `{type}` (valid: {string.Join(", ", providers.Types)})");
            return null;
        }
        var credentialField = table.CredentialField;
        section.RejectUnknown(SharedProviderKeys.Concat(table.SettingKeys).Append(credentialField));
        section.WarnIgnored("cost", "batch_cost", "discard_unknown_chunks");

        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in table.SettingKeys.Where(section.Has))
        {
            settings[key] = section.Table[key];
        }
        return new ProviderConfig(
            name,
            type,
            section.Path,
            table.SettingKeys.Contains("model_name") ? section.String("model_name") : null,
            table.SettingKeys.Contains("api_base") ? section.String("api_base") : null,
            section.Credential(credentialField),
            CommonSettingsReader.ExtraBody(section),
            CommonSettingsReader.ExtraHeaders(section),
            CommonSettingsReader.Timeouts(section.Section("timeouts")),
            new ProviderSettingsTable(settings));
    }
}
