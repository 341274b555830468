using System.Globalization;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Store;

/// <summary>
/// TensorZero's <c>list_inferences</c> <c>filters</c>: a tree of conditions on an inference's feedback, tags and time.
/// Checked against the config when read (a metric must exist and be of the filter's type), so the store only has to
/// turn it into SQL, every value a parameter.
/// </summary>
public abstract record InferenceFilter
{
    /// <summary>How deep filters may nest, and how many conditions one request may hold: bounds on the query built.</summary>
    public const int MaxDepth = 16;

    public const int MaxConditions = 100;
}

/// <summary>The inference (or its episode, for an episode-level metric) has a float feedback comparing as asked.</summary>
public sealed record FloatMetricFilter(string MetricName, MetricLevel Level, string Operator, double Value) : InferenceFilter;

/// <summary>The inference (or its episode) has a boolean feedback of this value.</summary>
public sealed record BooleanMetricFilter(string MetricName, MetricLevel Level, bool Value) : InferenceFilter;

/// <summary>The inference has (or has no) demonstration.</summary>
public sealed record DemonstrationFilter(bool HasDemonstration) : InferenceFilter;

/// <summary>The inference has the tag with this value (<paramref name="Equal"/>), or has the tag with another value.</summary>
public sealed record TagFilter(string Key, string Value, bool Equal) : InferenceFilter;

/// <summary>The inference was made before, at or after a time.</summary>
public sealed record TimeFilter(DateTimeOffset Time, string Operator) : InferenceFilter;

public sealed record AndFilter(IReadOnlyList<InferenceFilter> Children) : InferenceFilter;

public sealed record OrFilter(IReadOnlyList<InferenceFilter> Children) : InferenceFilter;

public sealed record NotFilter(InferenceFilter Child) : InferenceFilter;

/// <summary>Reads a <c>filters</c> value, with TensorZero's rules and, where it has them, its messages.</summary>
internal static class InferenceFilterReader
{
    private static readonly string[] Comparisons = ["<", "<=", "=", ">", ">=", "!="];

    public static InferenceFilter Read(JsonElement value, GatewayConfig config, string path)
    {
        var conditions = 0;
        return Read(value, config, path, 1, ref conditions);
    }

    private static InferenceFilter Read(JsonElement value, GatewayConfig config, string path, int depth, ref int conditions)
    {
        if (depth > InferenceFilter.MaxDepth)
        {
            throw Invalid($"`{path}`: filters may nest at most {InferenceFilter.MaxDepth} deep");
        }
        if (++conditions > InferenceFilter.MaxConditions)
        {
            throw Invalid($"`{path}`: a request may hold at most {InferenceFilter.MaxConditions} filters");
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}` must be an object with a `type`");
        }
        switch (String(value, "type", path))
        {
            case "float_metric":
            {
                Only(value, path, "type", "metric_name", "value", "comparison_operator");
                var metric = Metric(value, config, path, MetricType.Float);
                var number = value.TryGetProperty("value"u8, out var v) && v.ValueKind == JsonValueKind.Number
                    ? v.GetDouble()
                    : throw Invalid($"`{path}.value` must be a number");
                return new FloatMetricFilter(metric.Name, metric.Level, Comparison(value, path, Comparisons), number);
            }
            case "boolean_metric":
            {
                Only(value, path, "type", "metric_name", "value");
                var metric = Metric(value, config, path, MetricType.Boolean);
                var flag = value.TryGetProperty("value"u8, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? v.GetBoolean()
                    : throw Invalid($"`{path}.value` must be true or false");
                return new BooleanMetricFilter(metric.Name, metric.Level, flag);
            }
            case "demonstration_feedback":
            {
                Only(value, path, "type", "has_demonstration");
                return new DemonstrationFilter(value.TryGetProperty("has_demonstration"u8, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? v.GetBoolean()
                    : throw Invalid($"`{path}.has_demonstration` must be true or false"));
            }
            case "tag":
                Only(value, path, "type", "key", "value", "comparison_operator");
                return new TagFilter(String(value, "key", path), String(value, "value", path), Comparison(value, path, "=", "!=") == "=");
            case "time":
            {
                Only(value, path, "type", "time", "comparison_operator");
                var time = DateTimeOffset.TryParse(String(value, "time", path), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw Invalid($"`{path}.time` must be a date and time (RFC 3339, e.g. 2026-01-31T12:00:00Z)");
                return new TimeFilter(time, Comparison(value, path, Comparisons));
            }
            case "and" or "or":
            {
                var type = value.GetProperty("type"u8).GetString();
                Only(value, path, "type", "children");
                if (!value.TryGetProperty("children"u8, out var children) || children.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid($"`{path}.children` must be a list of filters");
                }
                var list = new List<InferenceFilter>(children.GetArrayLength());
                var index = 0;
                foreach (var child in children.EnumerateArray())
                {
                    list.Add(Read(child, config, $"{path}.children[{index++}]", depth + 1, ref conditions));
                }
                return type == "and" ? new AndFilter(list) : new OrFilter(list);
            }
            case "not":
                Only(value, path, "type", "child");
                return new NotFilter(value.TryGetProperty("child"u8, out var inner) && inner.ValueKind == JsonValueKind.Object
                    ? Read(inner, config, $"{path}.child", depth + 1, ref conditions)
                    : throw Invalid($"`{path}.child` must be a filter"));
            default:
                throw Invalid($"`{path}.type` must be one of float_metric, boolean_metric, demonstration_feedback, tag, time, and, or, not");
        }
    }

    private static MetricConfig Metric(JsonElement value, GatewayConfig config, string path, MetricType type)
    {
        var name = String(value, "metric_name", path);
        if (!config.Metrics.TryGetValue(name, out var metric))
        {
            throw Invalid($"Invalid metric name: {name}");
        }
        return metric.Type == type
            ? metric
            : throw Invalid($"Metric `{name}` is not a {(type == MetricType.Float ? "float" : "boolean")} metric");
    }

    private static string Comparison(JsonElement value, string path, params string[] allowed)
    {
        var op = String(value, "comparison_operator", path);
        return allowed.Contains(op) ? op : throw Invalid($"`{path}.comparison_operator` must be one of {string.Join(", ", allowed)}");
    }

    private static string String(JsonElement value, string field, string path) =>
        value.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw Invalid($"`{path}.{field}` is required: a string");

    // Unknown fields are refused (a misspelt one would otherwise filter nothing), as TensorZero's types refuse them.
    private static void Only(JsonElement value, string path, params string[] fields)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (!fields.Contains(property.Name))
            {
                throw Invalid($"`{path}.{property.Name}` is not a field of a `{value.GetProperty("type"u8).GetString()}` filter");
            }
        }
    }

    private static GatewayError Invalid(string message) => GatewayError.InvalidRequest(message);
}
