using System.Security.Cryptography;
using System.Text;

namespace TensorZero.Gateway.Auth;

/// <summary>
/// A presented gateway API key, TensorZero's <c>sk-t0-&lt;public id&gt;-&lt;long key&gt;</c> (12 and 48 ASCII letters or
/// digits), kept as its public id and the SHA-256 of its long key: the secret itself is not held.
/// </summary>
public sealed class GatewayApiKey
{
    public const int PublicIdLength = 12;

    public const int LongKeyLength = 48;

    private const string Prefix = "sk-t0-";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private GatewayApiKey(string publicId, byte[] longKeyHash)
    {
        PublicId = publicId;
        LongKeyHash = longKeyHash;
    }

    /// <summary>The part that names the key in tags, logs and the key commands; not a secret.</summary>
    public string PublicId { get; }

    /// <summary>SHA-256 of the long key, the value the store keeps.</summary>
    public byte[] LongKeyHash { get; }

    public override string ToString() => $"sk-t0-{PublicId}-[REDACTED]";

    /// <summary>The key in <paramref name="text"/>, or null when it isn't of the form <c>sk-t0-&lt;12&gt;-&lt;48&gt;</c>.</summary>
    public static GatewayApiKey? TryParse(ReadOnlySpan<char> text)
    {
        if (text.Length != Prefix.Length + PublicIdLength + 1 + LongKeyLength || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var publicId = text.Slice(Prefix.Length, PublicIdLength);
        var longKey = text[(Prefix.Length + PublicIdLength + 1)..];
        if (text[Prefix.Length + PublicIdLength] != '-' || !IsAlphanumeric(publicId) || !IsAlphanumeric(longKey))
        {
            return null;
        }
        return new GatewayApiKey(publicId.ToString(), HashLongKey(longKey));
    }

    /// <summary>Whether <paramref name="publicId"/> could name a key (12 ASCII letters or digits).</summary>
    public static bool IsPublicId(string publicId) => publicId.Length == PublicIdLength && IsAlphanumeric(publicId);

    /// <summary>
    /// A fresh key from the operating system's CSPRNG: 48 characters of 62 give about 286 bits in the long key, which
    /// is why one unsalted SHA-256 suffices to store it (no dictionary or brute force reaches a key that was never
    /// chosen by a person; salts and slow hashes defend guessable passwords).
    /// </summary>
    public static (string Key, GatewayApiKey Parsed) Generate()
    {
        var key = Prefix + RandomNumberGenerator.GetString(Alphabet, PublicIdLength) + "-" + RandomNumberGenerator.GetString(Alphabet, LongKeyLength);
        return (key, TryParse(key)!);
    }

    /// <summary>Lower-case hex, as TensorZero stores the hash.</summary>
    public string HashHex() => Convert.ToHexStringLower(LongKeyHash);

    private static byte[] HashLongKey(ReadOnlySpan<char> longKey)
    {
        Span<byte> ascii = stackalloc byte[LongKeyLength];
        var written = Encoding.ASCII.GetBytes(longKey, ascii);
        var hash = SHA256.HashData(ascii[..written]);
        CryptographicOperations.ZeroMemory(ascii);
        return hash;
    }

    private static bool IsAlphanumeric(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
