using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Removes keys from text a provider sent back (OpenAI's 401 body echoes a masked key; some servers echo it whole)
/// before the text reaches a client or a log line. Any run of <see cref="MinRun"/> or more consecutive characters of a
/// secret is masked, also when the echo is cut short, and also in the text once JSON <c>\uXXXX</c> escapes and
/// %-encoding are undone, and in base64 / base64url form.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>The shortest run of a secret's characters that is masked.</summary>
    public const int MinRun = 8;

    // Nested encodings (a JSON string inside a JSON string, %-encoded twice) are undone this many times at most.
    private const int MaxDecodeRounds = 8;

    /// <summary>Masks every secret of <paramref name="patterns"/> in <paramref name="text"/>.</summary>
    public static string Redact(string text, params IReadOnlyList<SecretPatterns> patterns)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        var masked = Mask(text, patterns);
        // The decoded view is only shown when decoding revealed a secret; otherwise the text keeps its original form.
        var view = masked;
        var revealed = false;
        for (var round = 0; round < MaxDecodeRounds; round++)
        {
            var decoded = Decode(view);
            if (string.Equals(decoded, view, StringComparison.Ordinal))
            {
                break;
            }
            view = Mask(decoded, patterns);
            revealed |= !ReferenceEquals(view, decoded);
        }
        return MaskedKey().Replace(revealed ? view : masked, Secret.Redacted);
    }

    /// <summary>The text with each run of secret characters replaced; the same instance when there is none.</summary>
    private static string Mask(string text, IReadOnlyList<SecretPatterns> patterns)
    {
        bool[]? marks = null;
        foreach (var set in patterns)
        {
            if (set.IsEmpty)
            {
                continue;
            }
            if (set.Runs.Count > 0 && text.Length >= MinRun)
            {
                var lookup = set.Runs.GetAlternateLookup<ReadOnlySpan<char>>();
                for (var i = 0; i + MinRun <= text.Length; i++)
                {
                    if (lookup.Contains(text.AsSpan(i, MinRun)))
                    {
                        marks ??= new bool[text.Length];
                        Array.Fill(marks, true, i, MinRun);
                    }
                }
            }
            foreach (var shortSecret in set.ShortSecrets)
            {
                for (var at = text.IndexOf(shortSecret, StringComparison.Ordinal); at >= 0;
                    at = text.IndexOf(shortSecret, at + 1, StringComparison.Ordinal))
                {
                    marks ??= new bool[text.Length];
                    Array.Fill(marks, true, at, shortSecret.Length);
                }
            }
        }
        if (marks is null)
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (!marks[i])
            {
                result.Append(text[i]);
            }
            else if (i == 0 || !marks[i - 1])
            {
                result.Append(Secret.Redacted);
            }
        }
        return result.ToString();
    }

    /// <summary>Undoes one layer of JSON string escapes (<c>\uXXXX</c>, <c>\/</c>, <c>\\</c>, <c>\"</c>) and %-encoding.</summary>
    internal static string Decode(string text)
    {
        if (text.IndexOf('\\', StringComparison.Ordinal) < 0 && text.IndexOf('%', StringComparison.Ordinal) < 0)
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var bytes = new List<byte>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '%' && TryHexByte(text, i + 1, out var first))
            {
                bytes.Clear();
                bytes.Add(first);
                var end = i + 3;
                while (end < text.Length && text[end] == '%' && TryHexByte(text, end + 1, out var next))
                {
                    bytes.Add(next);
                    end += 3;
                }
                AppendPercentBytes(result, text, i, end, bytes);
                i = end;
                continue;
            }
            if (c == '\\' && i + 1 < text.Length)
            {
                var escaped = text[i + 1];
                if (escaped == 'u' && i + 5 < text.Length &&
                    ushort.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    result.Append((char)code);
                    i += 6;
                    continue;
                }
                if (escaped is '/' or '\\' or '"')
                {
                    result.Append(escaped);
                    i += 2;
                    continue;
                }
            }
            result.Append(c);
            i++;
        }
        return result.ToString();
    }

    // %-encoded bytes are UTF-8; a sequence that isn't valid UTF-8 is kept as written.
    private static void AppendPercentBytes(StringBuilder result, string text, int start, int end, List<byte> bytes)
    {
        try
        {
            result.Append(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]));
        }
        catch (DecoderFallbackException)
        {
            result.Append(text, start, end - start);
        }
    }

    private static bool TryHexByte(string text, int at, out byte value)
    {
        value = 0;
        return at + 2 <= text.Length &&
            byte.TryParse(text.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    // A token with a run of asterisks is a partly masked key, e.g. `sk-proj-abc************wxyz`.
    [GeneratedRegex(@"[^\s""',:;]*\*{4,}[^\s""',:;.]*")]
    private static partial Regex MaskedKey();
}

/// <summary>
/// What identifies a set of secrets in text: every <see cref="SecretRedactor.MinRun"/>-character run of each secret and
/// of its base64 and base64url encodings (at every byte alignment), and secrets too short to have such a run.
/// </summary>
public sealed class SecretPatterns
{
    // Shorter values (`none`, a test's `x`) would mask ordinary words; a real key is never this short.
    private const int MinExactLength = 4;

    public static readonly SecretPatterns Empty = new(new HashSet<string>(StringComparer.Ordinal), []);

    private SecretPatterns(HashSet<string> runs, IReadOnlyList<string> shortSecrets)
    {
        Runs = runs;
        ShortSecrets = shortSecrets;
    }

    internal HashSet<string> Runs { get; }

    internal IReadOnlyList<string> ShortSecrets { get; }

    public bool IsEmpty => Runs.Count == 0 && ShortSecrets.Count == 0;

    public static SecretPatterns Build(IEnumerable<string> secrets)
    {
        var runs = new HashSet<string>(StringComparer.Ordinal);
        var shortSecrets = new List<string>();
        foreach (var secret in secrets)
        {
            if (secret.Length < SecretRedactor.MinRun)
            {
                if (secret.Length >= MinExactLength && !shortSecrets.Contains(secret))
                {
                    shortSecrets.Add(secret);
                }
                continue;
            }
            AddRuns(secret, runs);
            foreach (var encoded in Base64Forms(secret))
            {
                AddRuns(encoded, runs);
                AddRuns(encoded.Replace('+', '-').Replace('/', '_'), runs);
            }
        }
        return runs.Count == 0 && shortSecrets.Count == 0 ? Empty : new SecretPatterns(runs, shortSecrets);
    }

    private static void AddRuns(string text, HashSet<string> runs)
    {
        for (var i = 0; i + SecretRedactor.MinRun <= text.Length; i++)
        {
            runs.Add(text.Substring(i, SecretRedactor.MinRun));
        }
    }

    /// <summary>
    /// The base64 characters that depend only on the secret's bytes, for each of the three positions the secret can
    /// start at within a 3-byte group (it may be encoded as part of a longer text, such as <c>user:key</c>).
    /// </summary>
    private static IEnumerable<string> Base64Forms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        for (var offset = 0; offset < 3; offset++)
        {
            var buffer = new byte[offset + bytes.Length];
            bytes.CopyTo(buffer, offset);
            var encoded = Convert.ToBase64String(buffer);
            var start = offset switch { 0 => 0, 1 => 2, _ => 3 };
            var remainder = buffer.Length % 3;
            var padding = (3 - remainder) % 3;
            var end = encoded.Length - padding - (remainder == 0 ? 0 : 1);
            if (end - start >= SecretRedactor.MinRun)
            {
                yield return encoded[start..end];
            }
        }
    }
}
