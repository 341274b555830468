namespace TensorZero.Gateway.Providers.Aws;

/// <summary>
/// The target of one SigV4-signed request: where it goes, the region and service that sign it, and its path. The
/// request carries it, so that <see cref="SigV4Auth"/> can sign the request once it is final.
/// </summary>
/// <param name="Endpoint">The base URL, without a trailing slash.</param>
/// <param name="Service">The service name in the credential scope, e.g. <c>bedrock</c> or <c>sagemaker</c>.</param>
/// <param name="ResourcePath">The path under <paramref name="Endpoint"/>, with <paramref name="Label"/> where the value goes.</param>
/// <param name="Label">The one label of the path, e.g. <c>{modelId}</c>.</param>
/// <param name="LabelValue">The label's value (a model id, an endpoint name), encoded as one path segment.</param>
internal sealed record SigV4Target(Uri Endpoint, string Region, string Service, string ResourcePath, string Label, string LabelValue)
{
    private static readonly HttpRequestOptionsKey<SigV4Target> OptionKey = new("tensorzero.sigv4_target");

    public Uri Url => new($"{Endpoint.AbsoluteUri.TrimEnd('/')}{ResourcePath.Replace(Label, SigV4Signer.EncodeSegment(LabelValue), StringComparison.Ordinal)}");

    /// <summary>Attaches this target to <paramref name="message"/>.</summary>
    public void Mark(HttpRequestMessage message) => message.Options.Set(OptionKey, this);

    public static SigV4Target? Of(HttpRequestMessage message) =>
        message.Options.TryGetValue(OptionKey, out var target) ? target : null;
}
