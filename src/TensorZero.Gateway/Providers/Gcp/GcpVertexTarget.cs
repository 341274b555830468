using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.Gcp;

/// <summary>
/// Where a Vertex AI provider sends requests: project, location and model (or endpoint), from the config keys or from a
/// shorthand resource path such as <c>projects/p/locations/l/publishers/google/models/m</c>.
/// </summary>
public sealed record GcpVertexTarget(string ProjectId, string Location, string? ModelId, string? EndpointId, Uri ApiBase)
{
    /// <summary><c>https://{location}-aiplatform.googleapis.com/v1/</c>, or the global host for <c>global</c>.</summary>
    public static string DefaultApiBase(string location) => $"{GcpTokenAuth.Audience(location)}v1/";

    /// <summary>The resource path of the model (<c>publishers/{publisher}/models/{id}</c>) or of a deployed endpoint.</summary>
    public string ResourcePath(string publisher) =>
        EndpointId is { } endpoint
            ? $"projects/{Segment(ProjectId)}/locations/{Segment(Location)}/endpoints/{Segment(endpoint)}"
            : $"projects/{Segment(ProjectId)}/locations/{Segment(Location)}/publishers/{Segment(publisher)}/models/{Segment(ModelId ?? "unset")}";

    public Uri Url(string publisher, string method) => new(ApiBase, $"{ResourcePath(publisher)}:{method}");

    // Each value is one segment; values that can't be one were reported at startup and replaced.
    private static string Segment(string value) => UrlSegment.Problem(value) is null ? UrlSegment.Escape(value) : "unset";

    /// <summary>
    /// Reads the target from a provider's config and settings; problems go to <paramref name="settings"/> with their TOML
    /// paths. A shorthand may always name an endpoint; <paramref name="allowEndpointId"/> says whether the <c>endpoint_id</c>
    /// key exists (Vertex Anthropic has none, as in TensorZero).
    /// </summary>
    public static GcpVertexTarget Read(ProviderConfig config, ProviderSettings settings, string publisher, bool allowEndpointId)
    {
        string? project, location, model = null, endpoint = null;
        if (config.ModelName is { } shorthand)
        {
            // A shorthand model (`gcp_vertex_gemini::projects/...`) names the whole resource.
            var parts = shorthand.Split('/');
            var valid = parts.Length == 8 && parts[0] == "projects" && parts[2] == "locations" && parts[4] == "publishers" &&
                parts[5] == publisher && parts[6] == "models";
            var validEndpoint = parts.Length == 6 && parts[0] == "projects" && parts[2] == "locations" && parts[4] == "endpoints";
            if (!valid && !validEndpoint)
            {
                settings.Error($"expected `projects/<project>/locations/<location>/publishers/{publisher}/models/<model>`" +
                    " or `projects/<project>/locations/<location>/endpoints/<endpoint>`");
                return new GcpVertexTarget("unset", "global", "unset", null, new Uri(DefaultApiBase("global")));
            }
            project = parts[1];
            location = parts[3];
            if (valid)
            {
                model = parts[7];
            }
            else
            {
                endpoint = parts[5];
            }
        }
        else
        {
            project = Setting(settings, "project_id", required: true);
            location = Setting(settings, "location", required: true);
            model = Setting(settings, "model_id", required: false);
            endpoint = allowEndpointId ? Setting(settings, "endpoint_id", required: false) : null;
            if ((model is null) == (endpoint is null))
            {
                if (allowEndpointId)
                {
                    settings.Error("set exactly one of `model_id` or `endpoint_id`");
                }
                else
                {
                    settings.Error("model_id", "is required");
                }
            }
        }

        foreach (var (key, value) in new[] { ("project_id", project), ("location", location), ("model_id", model), ("endpoint_id", endpoint) })
        {
            if (value is not null && UrlSegment.Problem(value) is { } problem)
            {
                settings.Error(key, problem);
            }
        }
        // The location is also part of the host name (`{location}-aiplatform.googleapis.com`).
        if (location is not null && !IsLocation(location))
        {
            settings.Error("location", "must be a Vertex AI location name such as `us-central1` or `global` (lowercase letters, digits and `-`)");
            location = null;
        }
        location ??= "global";
        var apiBase = config.ApiBase ?? DefaultApiBase(location);
        if (!Uri.TryCreate(apiBase.EndsWith('/') ? apiBase : apiBase + "/", UriKind.Absolute, out var baseUri) ||
            (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            settings.Error("api_base", $"`{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            baseUri = new Uri(DefaultApiBase(location));
        }
        return new GcpVertexTarget(project ?? "unset", location, model, endpoint, baseUri);
    }

    private static bool IsLocation(string value) =>
        value.Length > 0 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static string? Setting(ProviderSettings settings, string key, bool required)
    {
        const string Problem = "must be a non-empty string without `/`";
        if (!settings.Has(key))
        {
            if (required)
            {
                settings.Error(key, "is required");
            }
            return null;
        }
        var text = settings.String(key, Problem);
        if (text is { Length: > 0 } && !text.Contains('/', StringComparison.Ordinal))
        {
            return text;
        }
        if (text is not null)
        {
            settings.Error(key, Problem);
        }
        return null;
    }
}
