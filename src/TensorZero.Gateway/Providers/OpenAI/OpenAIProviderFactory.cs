using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds providers of one chat-completions flavour (<c>openai</c>, <c>deepseek</c>, <c>vllm</c>, …). Every flavour
/// accepts <c>api_base</c>, which replaces its default base URL and is required where there is none.
/// </summary>
public sealed class OpenAIProviderFactory(OpenAIFlavour flavour) : IProviderFactory
{
    private const string OnlyChatCompletions = "only `chat_completions` is supported by this gateway";

    public ProviderDescriptor Descriptor => flavour.Descriptor;

    public IReadOnlyCollection<string> SettingKeys => flavour.SettingKeys;

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        if (flavour.RequiresModelName && string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `{flavour.Type}` providers");
        }
        var url = ChatCompletionsUrl(context);
        var settings = context.ReadSettings();
        var fields = new JsonObject();
        var effective = flavour;
        foreach (var key in settings.Keys)
        {
            switch (key)
            {
                case "content_type_overrides":
                    effective = effective with { ContentTypeOverrides = ContentTypeOverrides(settings) };
                    break;
                case "api_type":
                    if (settings.String(key, OnlyChatCompletions) is { } apiType && apiType != "chat_completions")
                    {
                        settings.Error(key, OnlyChatCompletions);
                    }
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
        return new OpenAIProvider(
            effective, config, context.Descriptor.DisplayName, ChatCompletionsEndpoint.Fixed(url), fields, auth, context.HttpClients, context.Secrets);
    }

    private Uri ChatCompletionsUrl(ProviderBuildContext context)
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
        if (apiBase.TrimEnd('/').EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            context.Errors.Add($"`{config.Path}.api_base`: give the base URL without `/chat/completions`; the gateway appends it");
            return placeholder;
        }
        return ProviderHttp.Join(apiBase, "chat/completions");
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
