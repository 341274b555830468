using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// Signs a Bedrock request with AWS Signature Version 4 through AWSSDK.Core's <see cref="AWS4Signer"/>: the SDK adds
/// <c>host</c> and <c>x-amz-date</c>, builds the canonical request (the model id path segment encoded twice, as for every
/// service but S3) and computes the signature. Every header present when signing is signed, so <c>extra_headers</c>
/// must be applied first.
/// </summary>
internal sealed class SigV4Signer : AWS4Signer
{
    public const string ServiceName = "bedrock";

    /// <summary>The path pattern the SDK resolves and encodes; <c>{modelId}</c> is a label, the rest are literals.</summary>
    public const string ModelIdLabel = "{modelId}";

    private SigV4Signer() { }

    /// <summary>
    /// Adds <c>x-amz-date</c>, <c>x-amz-security-token</c> (temporary credentials) and <c>authorization</c> to
    /// <paramref name="message"/>, whose body is <paramref name="body"/>.
    /// </summary>
    /// <param name="endpoint">The base URL the resource path is appended to.</param>
    /// <param name="resourcePath">The path under <paramref name="endpoint"/>, with <see cref="ModelIdLabel"/> for the model id.</param>
    public static void Sign(
        HttpRequestMessage message,
        ReadOnlySpan<byte> body,
        Uri endpoint,
        string resourcePath,
        string modelId,
        ImmutableCredentials credentials,
        string region,
        DateTime signedAt)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in message.Headers.NonValidated)
        {
            headers[header.Key] = header.Value.ToString();
        }
        if (message.Content?.Headers.ContentType is { } contentType)
        {
            headers["Content-Type"] = contentType.ToString();
        }
        if (credentials.UseToken)
        {
            headers["X-Amz-Security-Token"] = credentials.Token;
        }
        var date = InitializeHeaders(headers, message.RequestUri!, signedAt);

        var bodyHash = AWSSDKUtils.ToHex(ComputeHash(body.ToArray()), lowercase: true);
        var sorted = SortAndPruneHeaders(headers);
        var pathResources = new Dictionary<string, string>(StringComparer.Ordinal) { [ModelIdLabel] = modelId };
        var canonicalRequest = CanonicalizeRequest(endpoint, resourcePath, "POST", sorted, string.Empty, bodyHash, pathResources, doubleEncode: true);
        var result = ComputeSignature(credentials, region, date, ServiceName, CanonicalizeHeaderNames(sorted), canonicalRequest);

        message.Headers.TryAddWithoutValidation("X-Amz-Date", headers["X-Amz-Date"]);
        if (credentials.UseToken)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }
        message.Headers.Remove("Authorization");
        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>The model id as one URL path segment: RFC 3986 percent-encoding of all but unreserved characters.</summary>
    public static string EncodeModelId(string modelId) => AWSSDKUtils.UrlEncode(modelId, path: false);
}
