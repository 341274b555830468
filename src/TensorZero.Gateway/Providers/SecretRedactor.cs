using System.Text.RegularExpressions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers;

/// <summary>
/// Removes keys from text a provider sent back (OpenAI's 401 body echoes a masked key; some servers echo it whole)
/// before the text reaches a client, a log line or a stored row.
/// </summary>
public static partial class SecretRedactor
{
    public static string Redact(string text, Secret? secret)
    {
        if (secret is not null && secret.Reveal().Length > 0)
        {
            text = text.Replace(secret.Reveal(), Secret.Redacted, StringComparison.Ordinal);
        }
        return MaskedKey().Replace(text, Secret.Redacted);
    }

    // A token with a run of asterisks is a partly masked key, e.g. `sk-proj-abc************wxyz`.
    [GeneratedRegex(@"[^\s""',:;]*\*{4,}[^\s""',:;.]*")]
    private static partial Regex MaskedKey();
}
