namespace TensorZero.Gateway.Configuration;

/// <summary>Settings shared by several tables: sampling parameters, retries, timeouts, extra body and extra headers.</summary>
internal static class CommonSettingsReader
{
    public static InferenceParams Params(TomlSection section) => new(
        section.Number("temperature"),
        (int?)section.Integer("max_tokens", min: 1),
        section.Number("top_p"),
        (int?)section.Integer("seed"),
        section.Number("presence_penalty"),
        section.Number("frequency_penalty"),
        section.StringList("stop_sequences"),
        section.String("reasoning_effort"),
        ServiceTier(section),
        section.String("verbosity"),
        (int?)section.Integer("thinking_budget_tokens", min: int.MinValue, max: int.MaxValue));

    private static string? ServiceTier(TomlSection section)
    {
        var tier = section.String("service_tier");
        if (tier is not null && !InferenceParams.ServiceTiers.Contains(tier))
        {
            section.Error("service_tier", $"unknown service tier `{tier}` (valid: {string.Join(", ", InferenceParams.ServiceTiers)})");
            return null;
        }
        return tier;
    }

    public static RetryConfig Retries(TomlSection? section)
    {
        if (section is null)
        {
            return RetryConfig.None;
        }
        section.RejectUnknown(["num_retries", "max_delay_s"]);
        return new RetryConfig(
            (int)(section.Integer("num_retries", min: 0) ?? 0),
            section.Number("max_delay_s") ?? RetryConfig.None.MaxDelaySeconds);
    }

    public static TimeoutsConfig? Timeouts(TomlSection? section)
    {
        if (section is null)
        {
            return null;
        }
        section.RejectUnknown(["non_streaming", "streaming"]);
        var nonStreaming = section.Section("non_streaming");
        nonStreaming?.RejectUnknown(["total_ms"]);
        var streaming = section.Section("streaming");
        streaming?.RejectUnknown(["ttft_ms", "total_ms"]);
        return new TimeoutsConfig(
            nonStreaming?.Integer("total_ms", min: 1),
            streaming?.Integer("ttft_ms", min: 1),
            streaming?.Integer("total_ms", min: 1));
    }

    public static List<ExtraBodyItem> ExtraBody(TomlSection section)
    {
        var items = new List<ExtraBodyItem>();
        foreach (var item in section.SectionList("extra_body"))
        {
            item.RejectUnknown(["pointer", "value", "delete"]);
            var pointer = item.String("pointer", required: true);
            var delete = item.Bool("delete") ?? false;
            if (pointer is not null && !pointer.StartsWith('/'))
            {
                item.Error("pointer", "must be a JSON pointer starting with `/`");
                continue;
            }
            if (delete == item.Has("value"))
            {
                item.Error("needs exactly one of `value` or `delete = true`");
                continue;
            }
            if (pointer is not null)
            {
                items.Add(new ExtraBodyItem(pointer, delete ? null : TomlJson.ToJson(item.Table["value"]), delete));
            }
        }
        return items;
    }

    public static List<ExtraHeaderItem> ExtraHeaders(TomlSection section)
    {
        var items = new List<ExtraHeaderItem>();
        foreach (var item in section.SectionList("extra_headers"))
        {
            item.RejectUnknown(["name", "value", "delete"]);
            var name = item.String("name", required: true);
            var value = item.String("value");
            var delete = item.Bool("delete") ?? false;
            if (delete == (value is not null))
            {
                item.Error("needs exactly one of `value` or `delete = true`");
                continue;
            }
            if (name is not null && ExtraHeaderRules.NameProblem(name) is { } nameProblem)
            {
                if (ExtraHeaderRules.IsBodyHeader(name))
                {
                    item.Warn("name", $"is skipped: {nameProblem}");
                }
                else
                {
                    item.Error("name", nameProblem);
                }
                continue;
            }
            if (value is not null && ExtraHeaderRules.ValueProblem(value) is { } valueProblem)
            {
                item.Error("value", valueProblem);
                continue;
            }
            if (name is not null)
            {
                items.Add(new ExtraHeaderItem(name, value, delete));
            }
        }
        return items;
    }

    /// <summary>
    /// A model's <c>providers</c> table (required, at least one), each provider read by <paramref name="read"/>; the
    /// section is returned too, for the routing check.
    /// </summary>
    public static (Dictionary<string, T> Providers, TomlSection? Section) Providers<T>(TomlSection model, Func<string, TomlSection, T?> read)
        where T : class
    {
        var configs = new Dictionary<string, T>(StringComparer.Ordinal);
        var section = model.Section("providers", required: true);
        if (section is null)
        {
            return (configs, null);
        }
        foreach (var (name, providerSection) in section.Sections())
        {
            if (read(name, providerSection) is { } provider)
            {
                configs[name] = provider;
            }
        }
        if (section.Table.Count == 0)
        {
            model.Error("providers", "must define at least one provider");
        }
        return (configs, section);
    }
}
