using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Inference;

/// <summary>Validates client-supplied episode ids the way TensorZero does (UUIDv7 with a plausible timestamp).</summary>
public static class EpisodeIds
{
    private static readonly DateTimeOffset Earliest = new(2020, 1, 23, 0, 0, 0, TimeSpan.Zero);
    private const long WorkflowEvaluationThresholdSeconds = 10_000_000_000;

    public static Guid Validate(string text, TimeProvider time)
    {
        if (!Guid.TryParse(text, out var id))
        {
            throw GatewayError.InvalidRequest($"`episode_id`: `{Truncate(text)}` is not a UUID");
        }
        var version = id.Version;
        if (version is not (1 or 6 or 7))
        {
            throw GatewayError.InvalidRequest($"Failed to parse UUID as v7: {id}");
        }
        if (version != 7)
        {
            throw GatewayError.InvalidRequest($"Invalid Episode ID: Version must be 7, got {version}");
        }
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
        {
            milliseconds = (milliseconds << 8) | bytes[i];
        }
        if (milliseconds / 1000 >= WorkflowEvaluationThresholdSeconds)
        {
            throw GatewayError.InvalidRequest($"Workflow evaluation run not found for episode id: {id}");
        }
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        if (timestamp < Earliest)
        {
            throw GatewayError.InvalidRequest("Invalid Episode ID: Timestamp is too early");
        }
        if (timestamp > time.GetUtcNow())
        {
            throw GatewayError.InvalidRequest("Invalid Episode ID: Timestamp is in the future");
        }
        return id;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
