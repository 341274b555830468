using Amazon.Runtime;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;

namespace TensorZero.Gateway.Providers.Aws;

/// <summary>
/// AWS's SigV4 auth scheme: the service and region of the request's <see cref="SigV4Target"/>, keys from the
/// environment, the request or the AWS SDK chain. The signature covers the final headers and body bytes, so it is
/// made when the request is sent.
/// </summary>
internal sealed class SigV4Auth(AwsKeySource keys, TimeProvider time) : AuthScheme
{
    /// <summary>The headers a signature writes, for the provider type's descriptor.</summary>
    public static readonly IReadOnlyList<string> Headers = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

    public override async ValueTask<RequestAuth> ResolveAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        new Signature(await keys.GetAsync(credentials, cancellationToken).ConfigureAwait(false), time);

    private sealed class Signature(AwsKeys keys, TimeProvider time) : RequestAuth
    {
        public override Secret? Secret => keys.SecretAccessKey;

        internal override async ValueTask ApplyAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            var target = SigV4Target.Of(message) ?? throw new InvalidOperationException("a SigV4-signed request carries its target");
            var body = message.Content switch
            {
                SignedBody signed => signed.Bytes,
                null => [],
                var other => await other.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false),
            };
            var signing = new ImmutableCredentials(keys.AccessKeyId.Reveal(), keys.SecretAccessKey.Reveal(), keys.SessionToken?.Reveal());
            SigV4Signer.Sign(message, body, target, signing, time.GetUtcNow().UtcDateTime);
        }
    }
}

/// <summary>A request body whose bytes a signature reads without copying them.</summary>
internal sealed class SignedBody : ByteArrayContent, ISentBody
{
    public SignedBody(string text, byte[] bytes)
        : base(bytes)
    {
        Text = text;
        Bytes = bytes;
    }

    /// <summary>The text the bytes encode, for a failed call's stored row.</summary>
    public string Text { get; }

    public byte[] Bytes { get; }
}
