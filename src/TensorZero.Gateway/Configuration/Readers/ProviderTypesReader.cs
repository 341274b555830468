namespace TensorZero.Gateway.Configuration;

/// <summary><c>[provider_types.T.defaults]</c>: the credential location every provider of type T uses unless it sets its own.</summary>
internal sealed class ProviderTypesReader(IProviderTypeCatalog providers)
{
    public Dictionary<string, CredentialSpec> Read(TomlSection? section)
    {
        var defaults = new Dictionary<string, CredentialSpec>(StringComparer.Ordinal);
        if (section is null)
        {
            return defaults;
        }
        foreach (var (type, typeSection) in section.Sections())
        {
            var table = providers.FindTable(type);
            if (table is null || !table.HasDefaultsTable)
            {
                section.Error(type, $"`[provider_types.{type}]` is not supported (valid: {string.Join(", ", providers.Types.Where(t => providers.FindTable(t)!.HasDefaultsTable))})");
                continue;
            }
            var field = table.CredentialField;
            typeSection.RejectUnknown(["defaults", "sft", "batch"]);
            typeSection.WarnIgnored("sft", "batch");
            if (typeSection.Section("defaults") is { } defaultsSection)
            {
                defaultsSection.RejectUnknown([field]);
                if (!defaultsSection.Has(field))
                {
                    defaultsSection.Error(field, "is required");
                }
                else if (defaultsSection.Credential(field) is { } spec)
                {
                    defaults[type] = spec;
                }
            }
        }
        return defaults;
    }
}
