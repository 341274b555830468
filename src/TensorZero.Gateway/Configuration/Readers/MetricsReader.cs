namespace TensorZero.Gateway.Configuration;

/// <summary>
/// <c>[metrics]</c>: each metric's <c>type</c>, <c>level</c> and <c>optimize</c> (all required) and <c>description</c>.
/// Names are TensorZero's: never <c>comment</c> or <c>demonstration</c> (the built-in feedback), never <c>tensorzero::</c>,
/// and only characters safe in a SQL identifier.
/// </summary>
internal static class MetricsReader
{
    private static readonly string[] Keys = ["type", "level", "optimize", "description"];

    public static Dictionary<string, MetricConfig> Read(TomlSection? section)
    {
        var metrics = new Dictionary<string, MetricConfig>(StringComparer.Ordinal);
        foreach (var (name, metricSection) in section?.Sections() ?? [])
        {
            if (ReadMetric(name, metricSection) is { } metric)
            {
                metrics[name] = metric;
            }
        }
        return metrics;
    }

    private static MetricConfig? ReadMetric(string name, TomlSection section)
    {
        var nameOk = CheckName(name, section);
        section.RejectUnknown(Keys);
        var type = Choice(section, "type", ("boolean", MetricType.Boolean), ("float", MetricType.Float));
        var level = Choice(section, "level", ("inference", MetricLevel.Inference), ("episode", MetricLevel.Episode));
        var optimize = Choice(section, "optimize", ("max", MetricOptimize.Max), ("min", MetricOptimize.Min));
        var description = section.String("description");
        return nameOk && type is { } t && level is { } l && optimize is { } o ? new MetricConfig(name, t, l, o, description) : null;
    }

    private static bool CheckName(string name, TomlSection section)
    {
        if (name is "comment" or "demonstration")
        {
            section.Error($"Metric name '{name}' is reserved and cannot be used");
            return false;
        }
        if (name.StartsWith("tensorzero::", StringComparison.Ordinal))
        {
            section.Error($"Metric name cannot start with 'tensorzero::': {ConfigText.Name(name)}");
            return false;
        }
        if (name.Length == 0 || !name.All(IsSafe))
        {
            section.Error($"Metric name `{ConfigText.Name(name)}` contains characters that are not allowed. Only ASCII alphanumeric " +
                "characters, underscores, hyphens, dots, colons, and forward slashes are permitted.");
            return false;
        }
        return true;
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':' or '/';

    private static T? Choice<T>(TomlSection section, string key, params (string Text, T Value)[] choices) where T : struct
    {
        var text = section.String(key, required: true);
        if (text is null)
        {
            return null;
        }
        foreach (var (choiceText, value) in choices)
        {
            if (text == choiceText)
            {
                return value;
            }
        }
        section.Error(key, $"unknown variant `{ConfigText.Name(text)}`, expected {string.Join(" or ", choices.Select(c => $"`{c.Text}`"))}");
        return null;
    }
}
