namespace TensorZero.Gateway.Errors;

/// <summary>
/// Marks a request that asked for <c>include_raw_response</c>, so that its error answer also carries the raw responses
/// of the provider attempts that failed (<c>raw_response</c>, or <c>tensorzero_raw_response</c> on the OpenAI routes).
/// </summary>
public static class RawResponseRequest
{
    private static readonly object Key = new();

    public static void Mark(HttpContext context) => context.Items[Key] = true;

    /// <summary>The raw responses an error answer to <paramref name="context"/> carries: none unless the request asked for them.</summary>
    public static IReadOnlyList<RawResponseEntry> Of(HttpContext context, Exception exception) =>
        context.Items.ContainsKey(Key) && exception is GatewayError error ? error.RawResponses : [];
}
