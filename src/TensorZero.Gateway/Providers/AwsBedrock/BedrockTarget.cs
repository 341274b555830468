namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// The target of one Bedrock request: where it goes and which region signs it. The request carries it, so that
/// <see cref="SigV4Auth"/> can sign the request once it is final.
/// </summary>
/// <param name="Endpoint">The base URL, without a trailing slash.</param>
internal sealed record BedrockTarget(Uri Endpoint, string Region, string ModelId, string Operation)
{
    private static readonly HttpRequestOptionsKey<BedrockTarget> OptionKey = new("tensorzero.bedrock_target");

    public string ResourcePath => $"/model/{SigV4Signer.ModelIdLabel}/{Operation}";

    public Uri Url => new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/model/{SigV4Signer.EncodeModelId(ModelId)}/{Operation}");

    /// <summary>Attaches this target to <paramref name="message"/>.</summary>
    public void Mark(HttpRequestMessage message) => message.Options.Set(OptionKey, this);

    public static BedrockTarget? Of(HttpRequestMessage message) =>
        message.Options.TryGetValue(OptionKey, out var target) ? target : null;
}
