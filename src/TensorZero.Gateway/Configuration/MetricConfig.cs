namespace TensorZero.Gateway.Configuration;

/// <summary>A metric's value type (<c>type</c>): the JSON value <c>/feedback</c> accepts for it.</summary>
public enum MetricType
{
    Boolean,
    Float,
}

/// <summary>What a metric's feedback is about (<c>level</c>): one inference, or a whole episode.</summary>
public enum MetricLevel
{
    Inference,
    Episode,
}

/// <summary>Which way a metric is better (<c>optimize</c>).</summary>
public enum MetricOptimize
{
    Max,
    Min,
}

/// <summary><c>[metrics.M]</c>: a metric that <c>POST /feedback</c> records values of.</summary>
public sealed record MetricConfig(string Name, MetricType Type, MetricLevel Level, MetricOptimize Optimize, string? Description = null)
{
    /// <summary>The level's name as TensorZero spells it in messages and rows.</summary>
    public static string LevelName(MetricLevel level) => level == MetricLevel.Inference ? "inference" : "episode";
}
