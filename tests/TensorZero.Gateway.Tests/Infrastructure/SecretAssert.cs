using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TensorZero.Gateway.Tests.Infrastructure;

/// <summary>
/// Asserts that no run of <see cref="MinRun"/> consecutive characters of a secret shows in a text: as written, and once
/// JSON <c>\uXXXX</c> escapes and %-encoding are undone (a client reading the text would undo them).
/// </summary>
public static partial class SecretAssert
{
    public const int MinRun = 8;

    public static void AssertNoSecretRun(string text, IEnumerable<string> secrets, string? where = null)
    {
        var views = Views(text).ToList();
        foreach (var secret in secrets)
        {
            for (var i = 0; i + MinRun <= secret.Length; i++)
            {
                var run = secret.Substring(i, MinRun);
                foreach (var view in views)
                {
                    var at = view.IndexOf(run, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        var context = view.Substring(Math.Max(0, at - 40), Math.Min(view.Length - Math.Max(0, at - 40), MinRun + 80));
                        Assert.Fail($"A run of a secret (`{run}`) shows{(where is null ? string.Empty : $" in {where}")}: …{context}…");
                    }
                }
            }
        }
    }

    /// <summary>The secrets' every run, checked in each text.</summary>
    public static void AssertNoSecretRun(IEnumerable<string> texts, IEnumerable<string> secrets, string? where = null)
    {
        var list = secrets.ToList();
        foreach (var text in texts)
        {
            AssertNoSecretRun(text, list, where);
        }
    }

    private static IEnumerable<string> Views(string text)
    {
        yield return text;
        var current = text;
        for (var round = 0; round < 4; round++)
        {
            var decoded = PercentDecode(JsonUnescape(current));
            if (decoded == current)
            {
                yield break;
            }
            yield return decoded;
            current = decoded;
        }
    }

    private static string JsonUnescape(string text) =>
        UnicodeEscape().Replace(text, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString())
            .Replace("\\/", "/", StringComparison.Ordinal);

    private static string PercentDecode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    [GeneratedRegex(@"\\u([0-9a-fA-F]{4})")]
    private static partial Regex UnicodeEscape();

    /// <summary>Base64 and base64url of a text, for building echoes.</summary>
    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string Base64Url(string text) => Base64(text).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
