using System.Text.RegularExpressions;
using System.Text;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Credentials;

/// <summary>Secrets in play are masked in every form an upstream error may echo them in.</summary>
public sealed class SecretRedactorTests
{
    private const string Key = "sk-CANARY-ENV-e03aaf467a9c41d2b8f0";
    private const string PlusKey = "sk+CANARY/PLUS=5b7d9f1e3a+/==";

    private static SecretScope Scope(params string[] keys)
    {
        var registry = new SecretRegistry();
        foreach (var key in keys)
        {
            registry.Register(new Secret(key));
        }
        return registry.Scope(RequestCredentials.Empty);
    }

    public static TheoryData<string, string> Echoes()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in new[] { Key, PlusKey })
        {
            data.Add(key, $"Incorrect API key provided: {key}");
            data.Add(key, "key " + string.Concat(key.Select(c => $"\\u{(int)c:x4}")));
            data.Add(key, "key " + string.Concat(key.Select(c => $"\\u{(int)c:X4}")) + " (upper-case escapes)");
            data.Add(key, "key " + string.Concat(Encoding.UTF8.GetBytes(key).Select(b => $"%{b:X2}")));
            data.Add(key, "key " + Uri.EscapeDataString(key));
            data.Add(key, "key " + Uri.EscapeDataString(Uri.EscapeDataString(key)) + " (encoded twice)");
            data.Add(key, "{\"message\": \"" + key.Replace("/", "\\/", StringComparison.Ordinal) + "\"}");
            data.Add(key, "key " + SecretAssert.Base64(key));
            data.Add(key, "key " + SecretAssert.Base64Url(key));
            data.Add(key, "Authorization: Basic " + SecretAssert.Base64("user:" + key));
            data.Add(key, "auth " + SecretAssert.Base64("Bearer " + key));
            data.Add(key, $"key {key[..20]}... (truncated)");
            data.Add(key, $"key ...{key[^12..]}");
            data.Add(key, new string('x', 4090) + key + " and more");
            data.Add(key, $"nested \"{{\\\"k\\\": \\\"{string.Concat(key.Select(c => $"\\\\u{(int)c:x4}"))}\\\"}}\"");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Echoes))]
    public void Redact_EchoInAnyEncoding_LeavesNoRunOfTheKey(string key, string echo)
    {
        var redacted = Scope(key).Redact(echo);

        SecretAssert.AssertNoSecretRun(redacted, [key]);
        Assert.Contains(Secret.Redacted, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_TextWithoutSecrets_IsUnchanged()
    {
        const string text = "Rate limit reached for https://api.example.com/v1/a%20b?x=1 \\u0041 (see docs)";

        Assert.Equal(text, Scope(Key, PlusKey).Redact(text));
    }

    [Fact]
    public void Redact_EncodedEchoOfKey_ShowsTheDecodedTextWithTheKeyMasked()
    {
        var redacted = Scope(Key).Redact("bad key: " + Uri.EscapeDataString("a b ") + string.Concat(Key.Select(c => $"%{(int)c:X2}")));

        Assert.Equal($"bad key: a b {Secret.Redacted}", redacted);
    }

    [Fact]
    public void Redact_RequestCredentialsAndUsedKey_AreInPlayToo()
    {
        const string dynamic = "sk-CANARY-DYNAMIC-7c1f3e5a9b2d";
        const string used = "sk-CANARY-USED-4e6a8c0b2d4f";
        var request = new RequestCredentials(new Dictionary<string, Secret> { ["customer_key"] = new(dynamic) });
        var scope = new SecretRegistry().Scope(request, new Secret(used));

        var redacted = scope.Redact($"echo {dynamic} and {used} for model gpt-4o-mini-2024-07-18");

        SecretAssert.AssertNoSecretRun(redacted, [dynamic, used]);
        Assert.EndsWith("for model gpt-4o-mini-2024-07-18", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_AnotherGatewayHeldKey_IsMaskedInAProvidersError()
    {
        var registry = new SecretRegistry();
        registry.Register(new Secret("sk-ant-CANARY-OTHER-PROVIDER-1f2e3d"));
        var scope = registry.Scope(RequestCredentials.Empty, new Secret(Key));

        var redacted = scope.Redact("upstream said: sk-ant-CANARY-OTHER-PROVIDER-1f2e3d");

        SecretAssert.AssertNoSecretRun(redacted, ["sk-ant-CANARY-OTHER-PROVIDER-1f2e3d"]);
    }

    [Fact]
    public void Register_JsonKeyFile_RegistersItsSecretFieldsNotItsPublicOnes()
    {
        var registry = new SecretRegistry();
        registry.Register(new Secret("""{"type": "service_account", "private_key_id": "0123456789abcdef0123", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n", "client_email": "robot@project.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"}"""));
        var scope = registry.Scope(RequestCredentials.Empty);

        var redacted = scope.Redact("key 0123456789abcdef0123 body MIIEvQIBADANBgkqhkiG9w0BAQEFAASC for robot@project.iam.gserviceaccount.com at https://oauth2.googleapis.com/token");

        SecretAssert.AssertNoSecretRun(redacted, ["0123456789abcdef0123", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]);
        Assert.Contains("robot@project.iam.gserviceaccount.com at https://oauth2.googleapis.com/token", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ShortSecret_IsReplacedOnlyAsAWhole()
    {
        var redacted = Scope("abc123").Redact("key abc123, not abc12");

        Assert.Equal($"key {Secret.Redacted}, not abc12", redacted);
    }

    [Fact]
    public void Redact_PartlyMaskedKey_IsRemoved()
    {
        var redacted = SecretScope.None.Redact("Incorrect API key provided: sk-proj-abc************wxyz.");

        Assert.DoesNotContain("wxyz", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_TextWithoutSecretsOrEncodings_ReturnsTheSameInstance()
    {
        const string text = """{"messages":[{"role":"user","content":"line 1\nline 2\ttab, 100% sure"}],"model":"gpt-4o-mini"}""";

        Assert.Same(text, Scope(Key, PlusKey).Redact(text));
    }

    [Fact]
    public void Redact_TextWhoseOnlyEscapesAreQuotes_IsNotCopiedToBeScanned()
    {
        var text = "{\"choices\":[{\"message\":{\"content\":\"" +
            string.Concat(Enumerable.Repeat("She said \\\"yes\\\", then \\\"no\\\".\\n", 5_000)) + "\"}}]}";
        var scope = Scope(Key, PlusKey);
        scope.Redact("warm-up \\\"x\\\"");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var redacted = scope.Redact(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(text, redacted);
        // Undoing the escapes would copy the text (two bytes a character) at least once.
        Assert.True(allocated < text.Length, $"{allocated} bytes allocated for a {text.Length}-character text");
    }

    [Fact]
    public void Redact_KeyBesideEscapedQuotes_IsMaskedAndTheTextKeepsItsEscapes()
    {
        var text = $$$"""{"error":{"message":"key \"{{{Key}}}\" is invalid"}}""";

        var redacted = Scope(Key).Redact(text);

        SecretAssert.AssertNoSecretRun(redacted, [Key]);
        Assert.Contains("\\\"", redacted, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(redacted);
    }

    [Theory]
    [InlineData("sk-quote\"inside-0123456789abcdef")]
    [InlineData("ab\"cd")]
    public void Redact_KeyHoldingAQuote_IsMaskedWhereJsonEscapesTheQuote(string key)
    {
        var escaped = key.Replace("\"", "\\\"", StringComparison.Ordinal);
        var text = $$$"""{"error":{"message":"bad key {{{escaped}}} here"}}""";

        var redacted = Scope(key).Redact(text);

        Assert.DoesNotContain(escaped, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain(key, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_KeyHiddenInUnicodeEscapesBesideQuotes_IsMasked()
    {
        var hidden = string.Concat(Key.Select(c => $"\\u{(int)c:x4}"));
        var text = $$$"""{"error":{"message":"\"{{{hidden}}}\""}}""";

        var redacted = Scope(Key).Redact(text);

        SecretAssert.AssertNoSecretRun(SecretRedactor.Decode(redacted), [Key]);
        Assert.Contains(Secret.Redacted, redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_SecretsWithCharactersBeyondOneByte_AreMasked()
    {
        // The filter looks at one byte of each character: characters that share it must still be told apart.
        const string wide = "ключ-секрет-ĀāĂă-0123456789";
        var scope = Scope(wide);

        Assert.DoesNotContain("секрет", scope.Redact("echo " + wide), StringComparison.Ordinal);
        var lookalike = new string(wide.Select(c => (char)(c ^ 0x100)).ToArray());
        Assert.Equal("echo " + lookalike, scope.Redact("echo " + lookalike));
    }

    [Fact]
    public void Redact_ManySecrets_EveryRunIsMaskedWhereverItIs()
    {
        var keys = Enumerable.Range(0, 60).Select(i => $"sk-many-{i:D3}-{Guid.NewGuid():N}").ToArray();
        var scope = Scope(keys);

        foreach (var key in keys)
        {
            var run = key[^SecretRedactor.MinRun..];
            Assert.DoesNotContain(run, scope.Redact(run), StringComparison.Ordinal);
            Assert.DoesNotContain(run, scope.Redact("at the start " + run + " and " + key[..SecretRedactor.MinRun]), StringComparison.Ordinal);
            Assert.DoesNotContain(key[3..20], scope.Redact("x" + key[3..20]), StringComparison.Ordinal);
        }
        Assert.Equal("sk-many and more", scope.Redact("sk-many and more"));
    }

    [Fact]
    public void Redact_PartlyMaskedKeyAtTheEnd_IsRemovedAndThreeAsterisksAreKept()
    {
        Assert.Equal("key: " + Secret.Redacted, SecretScope.None.Redact("key: sk-abc****wxyz"));
        Assert.Equal("rated ***, not a key", SecretScope.None.Redact("rated ***, not a key"));
    }
}

/// <summary>
/// The one-pass removal of partly masked keys against the regular expression it replaces (kept here as the oracle),
/// over random text drawn from the characters that matter, and on a size where the expression backtracks badly.
/// </summary>
public sealed partial class MaskedKeyRemovalTests
{
    [GeneratedRegex(@"[^\s""',:;]*\*{4,}[^\s""',:;.]*")]
    private static partial Regex Oracle();

    [Fact]
    public void RemoveMaskedKeys_RandomText_MatchesTheRegularExpression()
    {
        const string alphabet = "ab*.**** \t\n\"',:;\u00a0\u2028x-";
        var random = new Random(1234);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

            Assert.Equal(Oracle().Replace(text, Secret.Redacted), SecretRedactor.RemoveMaskedKeys(text));
        }
    }

    [Fact]
    public void RemoveMaskedKeys_LongTokenOfAlternatingStars_FinishesAndIsOneReplacement()
    {
        // The expression backtracks over every split of such a token (quadratic; past its match timeout at this size).
        var text = "key " + string.Concat(Enumerable.Repeat("***a", 200_000)) + "****tail. end";

        Assert.Equal("key " + Secret.Redacted + ". end", SecretRedactor.RemoveMaskedKeys(text));
    }
}

/// <summary>
/// The redaction's scan jumps over text that holds none of a key's neighbouring pairs; against a plain oracle (every
/// 8-character window that occurs in the key is masked), over random text built from the key's own characters, slices
/// of the key and characters the key lacks, so jumps land before, inside and after every slice.
/// </summary>
public sealed class SecretScanTests
{
    private const string Key = "sk-proj-Q7vX2mLp9RtZ4wBn8KcY1eHs6DfJ3uGa";

    private static string Oracle(string text)
    {
        var marks = new bool[text.Length];
        for (var i = 0; i + SecretRedactor.MinRun <= text.Length; i++)
        {
            if (Key.Contains(text.AsSpan(i, SecretRedactor.MinRun), StringComparison.Ordinal))
            {
                Array.Fill(marks, true, i, SecretRedactor.MinRun);
            }
        }
        // Each stretch of marked characters becomes one marker.
        var result = new StringBuilder();
        var at = 0;
        while (at < text.Length)
        {
            if (!marks[at])
            {
                result.Append(text[at++]);
                continue;
            }
            result.Append(Secret.Redacted);
            while (at < text.Length && marks[at])
            {
                at++;
            }
        }
        return result.ToString();
    }

    [Fact]
    public void Redact_RandomTextWithSlicesOfTheKey_MasksExactlyTheOraclesWindows()
    {
        var patterns = SecretPatterns.Build([Key]);
        // The key's own characters (so pairs of it turn up by chance), JSON punctuation and letters it lacks.
        const string noise = "sk-projQ7vX2mLp9 {}\":,[]abcio0TNV";
        var random = new Random(20261201);
        var masked = 0;
        for (var round = 0; round < 5_000; round++)
        {
            var text = new StringBuilder();
            while (text.Length < random.Next(0, 160))
            {
                if (random.Next(4) == 0)
                {
                    var length = random.Next(1, Key.Length + 1);
                    text.Append(Key.AsSpan(random.Next(0, Key.Length - length + 1), length));
                }
                else
                {
                    text.Append(noise[random.Next(noise.Length)]);
                }
            }
            var input = text.ToString();

            var expected = Oracle(input);
            Assert.Equal(expected, SecretRedactor.Redact(input, patterns));
            masked += expected.Length != input.Length ? 1 : 0;
        }
        // The rounds did exercise masking, not only clean text.
        Assert.True(masked > 1_000, $"only {masked} rounds had a key's run");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(13)]
    public void Redact_WholeKeyAfterAnyOffset_IsMasked(int offset)
    {
        var text = new string('x', offset) + Key + " tail";

        Assert.Equal(new string('x', offset) + Secret.Redacted + " tail", SecretRedactor.Redact(text, SecretPatterns.Build([Key])));
    }
}
