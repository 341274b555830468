namespace TensorZero.Gateway.Configuration;

/// <summary>Parsing of the settings shared by several tables: sampling parameters, retries, timeouts, extra body and headers.</summary>
public sealed partial class ConfigLoader
{
    private static InferenceParams ParseParams(TomlSection section) => new(
        section.Number("temperature"),
        (int?)section.Integer("max_tokens", min: 1),
        section.Number("top_p"),
        (int?)section.Integer("seed"),
        section.Number("presence_penalty"),
        section.Number("frequency_penalty"),
        section.StringList("stop_sequences"));

    private static RetryConfig ParseRetries(TomlSection? section)
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

    private static TimeoutsConfig? ParseTimeouts(TomlSection? section)
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

    private static List<ExtraBodyItem> ParseExtraBody(TomlSection section)
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

    private static List<ExtraHeaderItem> ParseExtraHeaders(TomlSection section)
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
                item.Error("name", nameProblem);
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

    /// <summary><c>[gateway] max_request_body_bytes</c>: a body is held in one array, so at most 1 GiB.</summary>
    private static long ParseMaxRequestBodyBytes(TomlSection section)
    {
        const long Largest = 1L << 30;
        var limit = section.Integer("max_request_body_bytes", min: 1);
        if (limit > Largest)
        {
            section.Error("max_request_body_bytes", $"must be at most {Largest} (1 GiB)");
        }
        return limit is { } value and <= Largest ? value : GatewaySection.DefaultMaxRequestBodyBytes;
    }

    /// <summary>
    /// <c>[gateway.cors] allowed_origins</c>: each exactly as browsers send <c>Origin</c>, <c>scheme://host[:port]</c>.
    /// <c>*</c> is refused: it would let every web page a user visits call the gateway with its provider keys.
    /// </summary>
    private static IReadOnlyList<string> ParseCorsOrigins(TomlSection? cors)
    {
        var origins = cors?.StringList("allowed_origins");
        if (cors is null || origins is null || cors.Table["allowed_origins"] is not Tomlyn.Model.TomlArray { Count: var count } || count != origins.Count)
        {
            // Absent, or items that aren't strings (already reported).
            return [];
        }
        var valid = new List<string>();
        for (var i = 0; i < origins.Count; i++)
        {
            if (OriginProblem(origins[i]) is { } problem)
            {
                cors.Error($"allowed_origins[{i}]", problem);
            }
            else
            {
                valid.Add(origins[i]);
            }
        }
        return valid;
    }

    private static string? OriginProblem(string origin)
    {
        if (origin == "*")
        {
            return "`*` would let any web page use the gateway's provider keys; list the origins that may call it, e.g. `https://app.example.com`";
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return $"`{origin}` is not an origin; write `scheme://host[:port]` with http or https, e.g. `https://app.example.com` or `http://localhost:5173`";
        }
        var canonical = $"{uri.Scheme}://{uri.IdnHost}{(uri.IsDefaultPort ? string.Empty : $":{uri.Port}")}";
        if (uri.HostNameType == UriHostNameType.IPv6)
        {
            canonical = $"{uri.Scheme}://[{uri.IdnHost.Trim('[', ']')}]{(uri.IsDefaultPort ? string.Empty : $":{uri.Port}")}";
        }
        return origin == canonical
            ? null
            : $"`{origin}` is not written the way browsers send an origin; write `{canonical}` (no path, query, trailing `/`, user name or default port; lower case)";
    }
}
