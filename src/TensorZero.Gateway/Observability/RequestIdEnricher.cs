using Serilog.Core;
using Serilog.Events;

namespace TensorZero.Gateway.Observability;

/// <summary>
/// Puts the current request's id (<c>RequestId</c>, as on its request line) on every line logged while the request
/// runs: a provider's failure, an ignored field, a fallback. Without it, such a line carries only Kestrel's
/// <c>ConnectionId</c>, and tying it to its request line relies on the order of lines on a keep-alive connection.
/// The request log middleware sets the id once per request; only the id is held, never the request itself, so work a
/// request leaves behind neither keeps its context alive nor reads a reused one's id.
/// </summary>
public sealed class RequestIdEnricher : ILogEventEnricher
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>Marks the rest of the calling flow as belonging to the request with this id.</summary>
    internal static void Enter(string requestId) => Current.Value = requestId;

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        // The request line has its own id; a line logged outside any request (startup, the store's writer) has none.
        if (Current.Value is { } requestId && !logEvent.Properties.ContainsKey(RequestLog.RequestIdProperty))
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(RequestLog.RequestIdProperty, new ScalarValue(requestId)));
        }
    }
}
