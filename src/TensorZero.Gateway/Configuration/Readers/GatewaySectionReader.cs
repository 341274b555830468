using Tomlyn.Model;

namespace TensorZero.Gateway.Configuration;

/// <summary><c>[gateway]</c>: the host's own settings (bind address, base path, limits, timeouts, CORS, dynamic hosts).</summary>
internal static class GatewaySectionReader
{
    private static readonly string[] GatewayKeys =
    [
        "bind_address", "debug", "global_outbound_http_timeout_ms", "base_path", "observability", "export",
        "template_filesystem_access", "fetch_and_encode_input_files_before_inference", "auth", "relay", "metrics", "cache",
        "disable_pseudonymous_usage_analytics", "unstable_error_json", "unstable_disable_feedback_target_validation",
        "allowed_dynamic_hosts", "outbound_connect_timeout_ms", "max_request_body_bytes", "max_provider_response_bytes", "cors", "client_write_timeout_ms",
        "enable_template_filesystem_access", "openapi", "shutdown",
    ];

    public static GatewaySection Read(TomlSection? section, string configDirectory)
    {
        if (section is null)
        {
            return GatewaySection.Default;
        }
        section.RejectUnknown(GatewayKeys);
        section.WarnIgnored("export", "relay", "cache");
        var basePath = section.String("base_path");
        if (basePath is "" or "/")
        {
            basePath = null;
        }
        else if (basePath is not null && (!basePath.StartsWith('/') || basePath.EndsWith('/') || basePath.Contains("//", StringComparison.Ordinal) ||
                 basePath.Any(c => char.IsWhiteSpace(c) || c is '?' or '#')))
        {
            section.Error("base_path", "must be a path such as `/llm`: starting with `/`, without a trailing `/`, query or fragment");
            basePath = null;
        }
        var cors = section.Section("cors");
        cors?.RejectUnknown(["allowed_origins"]);
        var allowedDynamicHosts = section.StringList("allowed_dynamic_hosts") ?? [];
        foreach (var (index, problem) in Networking.DynamicHostAllowList.Validate(allowedDynamicHosts))
        {
            section.Error($"allowed_dynamic_hosts[{index}]", problem);
        }
        var observability = ObservabilityReader.Read(section.Section("observability"), configDirectory);
        return new GatewaySection(
            section.String("bind_address"),
            section.Bool("debug") ?? false,
            section.Integer("global_outbound_http_timeout_ms", min: 1) ?? GatewaySection.DefaultGlobalOutboundHttpTimeoutMs,
            basePath)
        {
            AllowedDynamicHosts = allowedDynamicHosts,
            OutboundConnectTimeoutMs = section.Integer("outbound_connect_timeout_ms", min: 1) ?? GatewaySection.DefaultOutboundConnectTimeoutMs,
            MaxRequestBodyBytes = ByteLimit(section, "max_request_body_bytes", GatewaySection.DefaultMaxRequestBodyBytes),
            MaxProviderResponseBytes = ByteLimit(section, "max_provider_response_bytes", GatewaySection.DefaultMaxProviderResponseBytes),
            CorsAllowedOrigins = CorsOrigins(cors),
            ClientWriteTimeoutMs = section.Integer("client_write_timeout_ms", min: 1) ?? GatewaySection.DefaultClientWriteTimeoutMs,
            TemplateFilesystemBase = TemplateFilesystemBase(section, configDirectory),
            Observability = observability,
            Auth = AuthReader.Read(section.Section("auth"), observability),
            DisableFeedbackTargetValidation = section.Bool("unstable_disable_feedback_target_validation") ?? false,
            OverheadBuckets = OverheadBuckets(section.Section("metrics")),
            OpenApiEnabled = OpenApiEnabled(section.Section("openapi")),
            Shutdown = ShutdownReader.Read(section.Section("shutdown")),
        };
    }

    private static bool? OpenApiEnabled(TomlSection? openapi)
    {
        openapi?.RejectUnknown(["enabled"]);
        return openapi?.Bool("enabled");
    }

    /// <summary>
    /// <c>[gateway.metrics] tensorzero_inference_latency_overhead_seconds_buckets</c>, checked as TensorZero checks it:
    /// finite, non-negative, strictly ascending.
    /// </summary>
    private static IReadOnlyList<double>? OverheadBuckets(TomlSection? metrics)
    {
        const string Key = "tensorzero_inference_latency_overhead_seconds_buckets";
        if (metrics is null)
        {
            return null;
        }
        metrics.RejectUnknown([Key]);
        if (!metrics.Has(Key))
        {
            return null;
        }
        if (metrics.Table[Key] is not TomlArray items)
        {
            metrics.Error(Key, "must be an array of numbers");
            return null;
        }
        var buckets = new List<double>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not (long or double))
            {
                metrics.Error($"{Key}[{i}]", "must be a number");
                return null;
            }
            var bucket = Convert.ToDouble(items[i], System.Globalization.CultureInfo.InvariantCulture);
            if (!double.IsFinite(bucket))
            {
                metrics.Error($"{Key}[{i}]", $"must be finite (not NaN or infinity), got: {Toml(bucket)}");
                return null;
            }
            if (bucket < 0)
            {
                metrics.Error($"{Key}[{i}]", $"must be non-negative, got: {Toml(bucket)}");
                return null;
            }
            if (i > 0 && bucket <= buckets[^1])
            {
                metrics.Error(Key, $"must be in strictly ascending order, but buckets[{i}] ({Toml(bucket)}) <= buckets[{i - 1}] ({Toml(buckets[^1])})");
                return null;
            }
            buckets.Add(bucket);
        }
        return buckets;
    }

    // A number as TOML writes it: `inf`, `nan`, `0.5`.
    private static string Toml(double value) =>
        double.IsNaN(value) ? "nan" : double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>[gateway.template_filesystem_access]</c>: on with a <c>base_path</c> (relative to the file that sets it), or
    /// with <c>enabled = true</c> alone (the config folder is the base). <c>enabled</c> and the older
    /// <c>gateway.enable_template_filesystem_access = true</c> still work, with a deprecation warning.
    /// </summary>
    private static string? TemplateFilesystemBase(TomlSection section, string configDirectory)
    {
        string? basePath = null;
        if (section.Section("template_filesystem_access") is { } access)
        {
            access.RejectUnknown(["enabled", "base_path"]);
            var enabled = access.Bool("enabled");
            if (enabled is not null)
            {
                access.Warn("enabled", "is deprecated: setting `base_path` turns filesystem access on");
            }
            if (enabled != false)
            {
                basePath = access.String("base_path") is { } path ? access.FilePath("base_path", path) : enabled == true ? configDirectory : null;
            }
        }
        if (section.Bool("enable_template_filesystem_access") is { } legacy)
        {
            section.Warn("enable_template_filesystem_access", "is deprecated: use `[gateway.template_filesystem_access] base_path`");
            if (legacy)
            {
                basePath ??= configDirectory;
            }
        }
        return basePath;
    }

    /// <summary><c>max_request_body_bytes</c> and <c>max_provider_response_bytes</c>: a body is held in one array, so at most 1 GiB.</summary>
    private static long ByteLimit(TomlSection section, string key, long fallback)
    {
        const long Largest = 1L << 30;
        var limit = section.Integer(key, min: 1);
        if (limit > Largest)
        {
            section.Error(key, $"must be at most {Largest} (1 GiB)");
        }
        return limit is { } value and <= Largest ? value : fallback;
    }

    /// <summary>
    /// <c>[gateway.cors] allowed_origins</c>: each exactly as browsers send <c>Origin</c>, <c>scheme://host[:port]</c>.
    /// <c>*</c> is refused: it would let every web page a user visits call the gateway with its provider keys.
    /// </summary>
    private static IReadOnlyList<string> CorsOrigins(TomlSection? cors)
    {
        var origins = cors?.StringList("allowed_origins");
        if (cors is null || origins is null || cors.Table["allowed_origins"] is not TomlArray { Count: var count } || count != origins.Count)
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
