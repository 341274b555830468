using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace TensorZero.Gateway.Providers.Aws;

/// <summary>
/// Signs a request with AWS Signature Version 4 through AWSSDK.Core's <see cref="AWS4Signer"/>: the SDK adds
/// <c>host</c> and <c>x-amz-date</c>, builds the canonical request (the labelled path segment encoded twice, as for
/// every service but S3) and computes the signature. Every header present when signing is signed, so
/// <c>extra_headers</c> must be applied first.
/// </summary>
internal sealed class SigV4Signer : AWS4Signer
{
    private SigV4Signer() { }

    /// <summary>
    /// Adds <c>x-amz-date</c>, <c>x-amz-security-token</c> (temporary credentials) and <c>authorization</c> to
    /// <paramref name="message"/>, whose body is <paramref name="body"/>, for <paramref name="target"/>.
    /// </summary>
    public static void Sign(HttpRequestMessage message, ReadOnlySpan<byte> body, SigV4Target target, ImmutableCredentials credentials, DateTime signedAt)
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
        var pathResources = new Dictionary<string, string>(StringComparer.Ordinal) { [target.Label] = target.LabelValue };
        var canonicalRequest = CanonicalizeRequest(
            target.Endpoint, target.ResourcePath, "POST", sorted, string.Empty, bodyHash, pathResources, doubleEncode: true);
        var result = ComputeSignature(credentials, target.Region, date, target.Service, CanonicalizeHeaderNames(sorted), canonicalRequest);

        message.Headers.TryAddWithoutValidation("X-Amz-Date", headers["X-Amz-Date"]);
        if (credentials.UseToken)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }
        message.Headers.Remove("Authorization");
        message.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

    /// <summary>A value as one URL path segment: RFC 3986 percent-encoding of all but unreserved characters.</summary>
    public static string EncodeSegment(string value) => AWSSDKUtils.UrlEncode(value, path: false);
}
