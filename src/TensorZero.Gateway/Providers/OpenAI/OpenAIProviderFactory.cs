using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.OpenAI.Responses;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds providers of one chat-completions flavour (<c>openai</c>, <c>deepseek</c>, <c>vllm</c>, …). Every flavour
/// accepts <c>api_base</c>, which replaces its default base URL and is required where there is none. OpenAI's own type
/// also speaks the Responses API (<c>api_type = "responses"</c>, or an <c>openai::responses::</c> shorthand name).
/// </summary>
public sealed class OpenAIProviderFactory(OpenAIFlavour flavour) : IProviderFactory
{
    private const string ApiTypes = "must be `chat_completions` or `responses`";
    private const string ResponsesPrefix = "responses::";
    private const string ResponsesOnly = "is only supported when `api_type = \"responses\"`";

    public ProviderDescriptor Descriptor => flavour.Descriptor;

    public IReadOnlyCollection<string> SettingKeys => flavour.SettingKeys;

    /// <summary><c>openai::responses::gpt-5</c> names the Responses API with model <c>gpt-5</c>, as in TensorZero.</summary>
    public ShorthandModel? Shorthand(string modelName)
    {
        if (!flavour.SettingKeys.Contains("api_type") || !modelName.StartsWith(ResponsesPrefix, StringComparison.Ordinal))
        {
            return modelName.Length == 0 ? null : new ShorthandModel(modelName, ProviderSettingsTable.Empty);
        }
        var model = modelName[ResponsesPrefix.Length..];
        return model.Length == 0
            ? null
            : new ShorthandModel(model, new ProviderSettingsTable(new Dictionary<string, object?> { ["api_type"] = "responses" }));
    }

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        if (flavour.RequiresModelName && string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `{flavour.Type}` providers");
        }
        var settings = context.ReadSettings();
        var responses = settings.String("api_type", ApiTypes) switch
        {
            null or "chat_completions" => false,
            "responses" => true,
            _ => Fail(settings, "api_type", ApiTypes),
        };
        var url = EndpointUrl(context, responses ? "responses" : "chat/completions");
        var fields = new JsonObject();
        var effective = flavour;
        var includeEncryptedReasoning = false;
        JsonArray? providerTools = null;
        IReadOnlyDictionary<string, string>? contentTypeOverrides = null;
        foreach (var key in settings.Keys)
        {
            switch (key)
            {
                case "include_encrypted_reasoning":
                    includeEncryptedReasoning = settings.Bool(key) ?? false;
                    if (includeEncryptedReasoning && !responses)
                    {
                        settings.Error(key, ResponsesOnly);
                    }
                    break;
                case "provider_tools":
                    providerTools = ProviderTools(settings);
                    if (providerTools is { Count: > 0 } && !responses)
                    {
                        settings.Error(key, $"{ResponsesOnly} (Chat Completions has no provider tools)");
                    }
                    break;
                case "content_type_overrides":
                    contentTypeOverrides = ContentTypeOverrides(settings);
                    effective = effective with { ContentTypeOverrides = contentTypeOverrides };
                    break;
                case "reasoning_format":
                    fields["reasoning_format"] = OneOf(settings, key, "parsed", "raw", "hidden");
                    break;
                case "prompt_mode":
                    fields["prompt_mode"] = settings.String(key, "must be a string, e.g. \"reasoning\"");
                    break;
                case "parse_think_blocks":
                    if (settings.Bool(key) is { } parse)
                    {
                        effective = effective with { ParsesThinkTags = parse };
                    }
                    break;
            }
        }
        var auth = effective.AuthSchemeFor(context.Credential, context.Descriptor.DisplayName);
        if (responses)
        {
            var options = new ResponsesOptions(config.ModelName ?? string.Empty, includeEncryptedReasoning, providerTools, contentTypeOverrides);
            return new OpenAIResponsesProvider(
                config, context.Descriptor.DisplayName, url, options, auth, context.HttpClients, context.Secrets,
                context.Loggers.CreateLogger<OpenAIResponsesProvider>());
        }
        return new OpenAIProvider(
            effective, config, context.Descriptor.DisplayName, ChatCompletionsEndpoint.Fixed(url), fields, auth, context.HttpClients, context.Secrets);
    }

    private Uri EndpointUrl(ProviderBuildContext context, string path)
    {
        var config = context.Config;
        var placeholder = new Uri("http://localhost/");
        var apiBase = config.ApiBase ?? flavour.DefaultApiBase;
        if (apiBase is null)
        {
            context.Errors.Add($"`{config.Path}.api_base`: is required for `{flavour.Type}` providers (the server's base URL, e.g. `http://localhost:8000/v1/`)");
            return placeholder;
        }
        if (!ChatCompletionsEndpoint.TryParseHttpUrl(apiBase, out _))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            return placeholder;
        }
        if (apiBase.TrimEnd('/').EndsWith($"/{path}", StringComparison.Ordinal))
        {
            context.Errors.Add($"`{config.Path}.api_base`: give the base URL without `/{path}`; the gateway appends it");
            return placeholder;
        }
        return ProviderHttp.Join(apiBase, path);
    }

    // Server-side tools (e.g. `{ type = "web_search" }`), sent as written after the request's own tools.
    private static JsonArray? ProviderTools(ProviderSettings settings)
    {
        if (settings.Json("provider_tools") is JsonArray tools && tools.All(t => t is JsonObject))
        {
            return tools;
        }
        settings.Error("provider_tools", "must be an array of tables (OpenAI Responses API tools, e.g. `{ type = \"web_search\" }`)");
        return null;
    }

    // `{ "application/pdf" = "image_url" }`: the part kind each MIME type's inline files are sent as.
    private static Dictionary<string, string>? ContentTypeOverrides(ProviderSettings settings)
    {
        const string Key = "content_type_overrides";
        var kinds = string.Join(", ", OpenAIContentParts.PartKinds.Select(k => $"`{k}`"));
        if (settings.Json(Key) is not JsonObject table)
        {
            settings.Error(Key, $"must be a table of MIME types to part kinds, e.g. `{{ \"application/pdf\" = \"image_url\" }}` (kinds: {kinds})");
            return null;
        }
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (mime, kind) in table)
        {
            if (JsonRead.String(kind) is { } text && OpenAIContentParts.PartKinds.Contains(text))
            {
                overrides[mime] = text;
            }
            else
            {
                settings.Error($"{Key}.{mime}", $"must be one of {kinds}");
            }
        }
        return overrides;
    }

    private static bool Fail(ProviderSettings settings, string key, string problem)
    {
        settings.Error(key, problem);
        return false;
    }

    private static string? OneOf(ProviderSettings settings, string key, params string[] allowed)
    {
        var problem = $"must be one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}";
        var text = settings.String(key, problem);
        if (text is null || allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }
        settings.Error(key, problem);
        return null;
    }
}
