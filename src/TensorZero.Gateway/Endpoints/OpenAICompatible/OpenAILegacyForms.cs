using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Forms of the 2025 gateway that later TensorZero versions dropped and nothing else means: a function named as
/// <c>tensorzero::my_function</c>, and the <c>episode_id</c>, <c>variant_name</c> and <c>dryrun</c> headers. Each is
/// accepted with TensorZero's deprecation warning; the <c>tensorzero::*</c> body fields win over the headers.
/// </summary>
internal static class OpenAILegacyForms
{
    /// <summary>The 2025 spelling of a function target, checked after <c>tensorzero::function_name::</c> and <c>tensorzero::model_name::</c>.</summary>
    public const string BareFunctionPrefix = "tensorzero::";

    public static string? FunctionName(string model, ILogger logger)
    {
        if (!model.StartsWith(BareFunctionPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var function = model[BareFunctionPrefix.Length..];
        logger.LogWarning(
            "Deprecation Warning: Please set the `model` parameter to `tensorzero::function_name::your_function` instead of " +
            "`tensorzero::your_function.` The latter will be removed in a future release.");
        return function;
    }

    public static string? EpisodeId(IHeaderDictionary? headers, ILogger logger)
    {
        if (Header(headers, "episode_id", logger, "tensorzero::episode_id") is not { } text)
        {
            return null;
        }
        return Guid.TryParse(text, out _)
            ? text
            : throw Invalid("Invalid Episode ID: episode_id header is not a valid UUID");
    }

    public static string? VariantName(IHeaderDictionary? headers, ILogger logger) =>
        Header(headers, "variant_name", logger, "tensorzero::variant_name");

    public static bool? Dryrun(IHeaderDictionary? headers, ILogger logger) =>
        Header(headers, "dryrun", logger, "tensorzero::dryrun") switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw InvalidOpenAIRequest("dryrun header is not a valid boolean"),
        };

    private static string? Header(IHeaderDictionary? headers, string name, ILogger logger, string field)
    {
        if (headers is null || !headers.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }
        logger.LogWarning(
            "Deprecation Warning: Please use the `{Field:l}` field instead of the `{Header:l}` header. The header will be removed in a future release.",
            field, name);
        return values.ToString();
    }
}
