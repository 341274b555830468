using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>
/// Recomputes an AWS Signature Version 4 from a request as it arrived on the wire, the way AWS does, independently of
/// the gateway's signing code: canonical request (path segments encoded again, headers from <c>SignedHeaders</c>,
/// SHA-256 of the body), string to sign, and the HMAC chain from the secret key.
/// </summary>
public static class SigV4Verifier
{
    public const string InvalidSignatureMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /// <summary>What an AWS front end decided about a request: the access key id presented, and the error it answers with, if any.</summary>
    public sealed record Outcome(string? Identity, (int Status, string Type, string Message)? Error);

    /// <summary>
    /// Checks a request's SigV4 signature as AWS does: a known access key id, the credential scope of
    /// <paramref name="service"/> and <paramref name="region"/>, <c>host</c> and <c>x-amz-date</c> signed, a date within
    /// 15 minutes, the session token of temporary keys, and the signature recomputed with the secret key.
    /// </summary>
    /// <param name="keys">The secret key and session token of an access key id, or null for an unknown one.</param>
    public static Outcome Authenticate(
        HttpRequest request,
        string rawPath,
        string rawQuery,
        byte[] body,
        Func<string, (string Secret, string? SessionToken)?> keys,
        string service,
        string region)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return new(null, (403, "MissingAuthenticationTokenException", "Missing Authentication Token"));
        }
        if (Parse(header) is not { } auth)
        {
            return new(null, (400, "IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."));
        }
        if (keys(auth.AccessKeyId) is not { } key)
        {
            return new(auth.AccessKeyId, (403, "UnrecognizedClientException", "The security token included in the request is invalid."));
        }
        if (auth.Service != service || auth.Region != region)
        {
            return new(auth.AccessKeyId, (403, "InvalidSignatureException",
                $"Credential should be scoped to correct service: '{service}' and region '{region}'."));
        }
        string? Header(string name) => request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
        if (!auth.SignedHeaders.Contains("host") || !auth.SignedHeaders.Contains("x-amz-date"))
        {
            return new(auth.AccessKeyId, (403, "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
        }
        if (!DateTime.TryParseExact(Header("x-amz-date"), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt) ||
            Math.Abs((DateTime.UtcNow - signedAt).TotalMinutes) > 15)
        {
            return new(auth.AccessKeyId, (403, "InvalidSignatureException", "Signature expired or not yet current."));
        }
        if (key.SessionToken is not null && (Header("x-amz-security-token") != key.SessionToken || !auth.SignedHeaders.Contains("x-amz-security-token")))
        {
            return new(auth.AccessKeyId, (403, "UnrecognizedClientException", "The security token included in the request is invalid."));
        }
        var expected = ComputeSignature(auth, request.Method, rawPath, rawQuery, Header, body, key.Secret);
        return expected == auth.Signature
            ? new(auth.AccessKeyId, null)
            : new(auth.AccessKeyId, (403, "InvalidSignatureException", InvalidSignatureMessage));
    }

    public sealed record Authorization(string AccessKeyId, string Date, string Region, string Service, IReadOnlyList<string> SignedHeaders, string Signature);

    public static Authorization? Parse(string header)
    {
        const string prefix = "AWS4-HMAC-SHA256 ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = header[prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signed) ||
            !parts.TryGetValue("Signature", out var signature))
        {
            return null;
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
        {
            return null;
        }
        return new Authorization(scope[0], scope[1], scope[2], scope[3], signed.Split(';'), signature);
    }

    /// <param name="rawPath">The path exactly as sent (still percent-encoded once).</param>
    public static string ComputeSignature(
        Authorization auth,
        string method,
        string rawPath,
        string rawQuery,
        Func<string, string?> header,
        byte[] body,
        string secretAccessKey)
    {
        var canonicalUri = string.Join('/', rawPath.Split('/').Select(UriEncode));
        var canonicalHeaders = new StringBuilder();
        foreach (var name in auth.SignedHeaders)
        {
            var value = header(name) ?? string.Empty;
            canonicalHeaders.Append(name).Append(':').Append(string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }
        var canonicalRequest = string.Join('\n',
            method,
            canonicalUri,
            rawQuery,
            canonicalHeaders.ToString(),
            string.Join(';', auth.SignedHeaders),
            Hex(SHA256.HashData(body)));
        var amzDate = header("x-amz-date") ?? string.Empty;
        var scope = $"{auth.Date}/{auth.Region}/{auth.Service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), auth.Date);
        key = Hmac(key, auth.Region);
        key = Hmac(key, auth.Service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    // RFC 3986: everything but unreserved characters is percent-encoded (upper-case hex), so `%` becomes `%25`.
    public static string UriEncode(string segment)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
