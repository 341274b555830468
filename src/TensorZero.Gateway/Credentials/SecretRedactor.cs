using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace TensorZero.Gateway.Credentials;

/// <summary>
/// Removes keys from text a provider sent back (OpenAI's 401 body echoes a masked key; some servers echo it whole)
/// before the text reaches a client or a log line. Any run of <see cref="MinRun"/> or more consecutive characters of a
/// secret is masked, also when the echo is cut short, and also in the text once JSON <c>\uXXXX</c> escapes and
/// %-encoding are undone, and in base64 / base64url form.
/// </summary>
public static class SecretRedactor
{
    /// <summary>The shortest run of a secret's characters that is masked.</summary>
    public const int MinRun = 8;

    // Nested encodings (a JSON string inside a JSON string, %-encoded twice) are undone this many times at most.
    private const int MaxDecodeRounds = 8;

    /// <summary>Masks every secret of <paramref name="patterns"/> in <paramref name="text"/>.</summary>
    public static string Redact(string text, params ReadOnlySpan<SecretPatterns> patterns)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        var masked = Mask(text, patterns);
        // An escaped quote (`\"`, in every JSON text that quotes something) only needs undoing when a secret holds a
        // quote: otherwise no run of a secret can span one, and the text is not copied just to be scanned again.
        var quotes = false;
        foreach (var set in patterns)
        {
            quotes |= set.HasQuote;
        }
        // The decoded view is only shown when decoding revealed a secret; otherwise the text keeps its original form.
        var view = masked;
        var revealed = false;
        for (var round = 0; round < MaxDecodeRounds; round++)
        {
            var decoded = Decode(view, quotes);
            if (string.Equals(decoded, view, StringComparison.Ordinal))
            {
                break;
            }
            view = Mask(decoded, patterns);
            revealed |= !ReferenceEquals(view, decoded);
        }
        var shown = revealed ? view : masked;
        // A masked key needs four asterisks in a row: most text has none.
        return shown.Contains(MaskedKeyMarker, StringComparison.Ordinal) ? RemoveMaskedKeys(shown) : shown;
    }

    /// <summary>
    /// Replaces each partly masked key (a token with a run of four or more asterisks, e.g.
    /// <c>sk-proj-abc************wxyz</c>) with <see cref="Secret.Redacted"/>, in one pass. A token runs between
    /// whitespace, quotes, commas, colons and semicolons; the replaced part starts where the token starts and ends at
    /// the first <c>.</c> after its last run of four asterisks (a sentence's full stop stays).
    /// </summary>
    internal static string RemoveMaskedKeys(string text)
    {
        StringBuilder? result = null;
        var copied = 0;
        var start = 0;
        while (start < text.Length)
        {
            if (IsTokenBoundary(text[start]))
            {
                start++;
                continue;
            }
            var end = start;
            var lastRunEnd = -1;
            var stars = 0;
            while (end < text.Length && !IsTokenBoundary(text[end]))
            {
                stars = text[end] == '*' ? stars + 1 : 0;
                if (stars >= 4)
                {
                    lastRunEnd = end + 1;
                }
                end++;
            }
            if (lastRunEnd >= 0)
            {
                var cut = text.IndexOf('.', lastRunEnd, end - lastRunEnd);
                var matchEnd = cut < 0 ? end : cut;
                result ??= new StringBuilder(text.Length);
                result.Append(text, copied, start - copied).Append(Secret.Redacted);
                copied = matchEnd;
            }
            start = end;
        }
        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsTokenBoundary(char c) => char.IsWhiteSpace(c) || c is '"' or '\'' or ',' or ':' or ';';

    /// <summary>The text with each run of secret characters replaced; the same instance when there is none.</summary>
    private static string Mask(string text, ReadOnlySpan<SecretPatterns> patterns)
    {
        bool[]? marks = null;
        foreach (var set in patterns)
        {
            if (set.IsEmpty)
            {
                continue;
            }
            if (set.HasRuns && text.Length >= MinRun)
            {
                // Every two neighbouring characters of a run are a pair of the set. A window whose last two characters
                // are no pair ends no run, and neither do the next MinRun - 2 windows (each holds those two too): the
                // scan jumps MinRun - 1 characters. Most text has few of a key's pairs, so most of it is jumped. A
                // window that ends in a pair goes through the run filter, then the lookup (neither filter has false
                // negatives, so every run is still found).
                var end = MinRun - 1;
                while (end < text.Length)
                {
                    if (!set.MayBePair(text[end - 1], text[end]))
                    {
                        end += MinRun - 1;
                        continue;
                    }
                    var i = end - MinRun + 1;
                    if (set.MayBeRun(Window(text, i)) && set.IsRun(text.AsSpan(i, MinRun)))
                    {
                        marks ??= new bool[text.Length];
                        Array.Fill(marks, true, i, MinRun);
                    }
                    end++;
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

    /// <summary>The low byte of each of the MinRun characters from <paramref name="start"/>, the first in the highest byte.</summary>
    private static ulong Window(string text, int start)
    {
        ulong window = 0;
        foreach (var c in text.AsSpan(start, MinRun))
        {
            window = (window << 8) | (byte)c;
        }
        return window;
    }

    /// <summary>Undoes one layer of JSON string escapes (<c>\uXXXX</c>, <c>\/</c>, <c>\\</c>, <c>\"</c>) and %-encoding.</summary>
    internal static string Decode(string text) => Decode(text, quotes: true);

    /// <summary>
    /// <see cref="Decode(string)"/>; without <paramref name="quotes"/>, a text whose only escapes are <c>\"</c> is
    /// returned as it is (any other escape still undoes them all).
    /// </summary>
    internal static string Decode(string text, bool quotes)
    {
        var start = FirstEncoded(text, quotes);
        if (start < 0)
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        result.Append(text, 0, start);
        var bytes = new List<byte>();
        var i = start;
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
            result.Append(StrictUtf8.GetString([.. bytes]));
        }
        catch (DecoderFallbackException)
        {
            result.Append(text, start, end - start);
        }
    }

    /// <summary>
    /// Where the first sequence <see cref="Decode(string, bool)"/> would undo starts (a <c>%XX</c>, <c>\uXXXX</c>, <c>\/</c>,
    /// <c>\\</c>, or <c>\"</c> with <paramref name="quotes"/>); -1 when there is none (text with only <c>\n</c> escapes, say), and the text decodes to itself.
    /// </summary>
    private static int FirstEncoded(string text, bool quotes)
    {
        for (var at = text.AsSpan().IndexOfAny('\\', '%'); at >= 0;)
        {
            var c = text[at];
            if (c == '%' ? TryHexByte(text, at + 1, out _) : at + 1 < text.Length && IsEscape(text, at, quotes))
            {
                return at;
            }
            var next = text.AsSpan(at + 1).IndexOfAny('\\', '%');
            at = next < 0 ? -1 : at + 1 + next;
        }
        return -1;
    }

    private static bool IsEscape(string text, int at, bool quotes) => text[at + 1] switch
    {
        'u' => at + 5 < text.Length && ushort.TryParse(text.AsSpan(at + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _),
        '/' or '\\' => true,
        '"' => quotes,
        _ => false,
    };

    private static bool TryHexByte(string text, int at, out byte value)
    {
        value = 0;
        return at + 2 <= text.Length &&
            byte.TryParse(text.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private const string MaskedKeyMarker = "****";

}

/// <summary>
/// What identifies a set of secrets in text: every <see cref="SecretRedactor.MinRun"/>-character run of each secret and
/// of its base64 and base64url encodings (at every byte alignment), and secrets too short to have such a run.
/// </summary>
public sealed class SecretPatterns
{
    // Shorter values (`none`, a test's `x`) would mask ordinary words; a real key is never this short.
    private const int MinExactLength = 4;

    public static readonly SecretPatterns Empty = new([], [], hasQuote: false);

    // Every run, its MinRun (8) UTF-16 characters packed into one number, sorted: no string per run, one array in all.
    private readonly UInt128[] _runs;

    // A bit per hash of a run's window (see MayBeRun): a text window whose bit is clear is no run, without a lookup.
    private readonly ulong[] _filter;
    private readonly int _filterShift;

    // A bit per hash of two neighbouring characters of a run (see MayBePair), sized as the run filter.
    private readonly ulong[] _pairs;

    private SecretPatterns(UInt128[] runs, IReadOnlyList<string> shortSecrets, bool hasQuote)
    {
        _runs = runs;
        ShortSecrets = shortSecrets;
        HasQuote = hasQuote;
        // About 16 bits per run keeps false hits near 6%; at least 1,024 bits.
        var bits = (int)Math.Max(1024, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, runs.Length) * 16));
        _filter = new ulong[bits / 64];
        _pairs = new ulong[bits / 64];
        _filterShift = 64 - BitOperations.Log2((uint)bits);
        foreach (var run in runs)
        {
            // The low byte of each character, as the text's windows pack them.
            ulong window = 0;
            for (var shift = 16 * (SecretRedactor.MinRun - 1); shift >= 0; shift -= 16)
            {
                window = (window << 8) | (byte)(run >> shift);
            }
            Set(_filter, FilterBit(window));
            for (var pair = 0; pair < SecretRedactor.MinRun - 1; pair++)
            {
                Set(_pairs, FilterBit(window >> (8 * pair) & 0xFFFF));
            }
        }

        static void Set(ulong[] bits, ulong bit) => bits[bit >> 6] |= 1UL << (int)(bit & 63);
    }

    internal bool HasRuns => _runs.Length > 0;

    /// <summary>Whether a secret holds a <c>"</c>: only then can an escaped quote hide one of its runs.</summary>
    internal bool HasQuote { get; }

    internal IReadOnlyList<string> ShortSecrets { get; }

    public bool IsEmpty => _runs.Length == 0 && ShortSecrets.Count == 0;

    /// <summary>
    /// False when the <see cref="SecretRedactor.MinRun"/> characters packed in <paramref name="window"/> (the low byte
    /// of each, oldest in the highest byte) are surely not a run; true when they may be one.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool MayBeRun(ulong window)
    {
        var bit = FilterBit(window);
        return (_filter[bit >> 6] & (1UL << (int)(bit & 63))) != 0;
    }

    /// <summary>
    /// False when the characters <paramref name="first"/> and <paramref name="second"/> (their low bytes) are surely
    /// not two neighbouring characters of any run; true when they may be.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool MayBePair(char first, char second)
    {
        var bit = FilterBit((ulong)(byte)first << 8 | (byte)second);
        return (_pairs[bit >> 6] & (1UL << (int)(bit & 63))) != 0;
    }

    /// <summary>Whether these <see cref="SecretRedactor.MinRun"/> characters are a run of a secret.</summary>
    internal bool IsRun(ReadOnlySpan<char> window) => Array.BinarySearch(_runs, Pack(window)) >= 0;

    private ulong FilterBit(ulong window) => (window * 0x9E3779B97F4A7C15UL) >> _filterShift;

    private static UInt128 Pack(ReadOnlySpan<char> run)
    {
        UInt128 packed = 0;
        foreach (var c in run)
        {
            packed = (packed << 16) | c;
        }
        return packed;
    }

    public static SecretPatterns Build(IEnumerable<string> secrets)
    {
        // The runs are gathered in a pooled buffer: only the final, distinct array is allocated.
        var runs = new RunBuffer();
        var shortSecrets = new List<string>();
        var hasQuote = false;
        try
        {
            foreach (var secret in secrets)
            {
                hasQuote |= secret.Contains('"', StringComparison.Ordinal);
                if (secret.Length < SecretRedactor.MinRun)
                {
                    if (secret.Length >= MinExactLength && !shortSecrets.Contains(secret))
                    {
                        shortSecrets.Add(secret);
                    }
                    continue;
                }
                AddRuns(secret, ref runs, urlSafe: false);
                AddBase64Runs(secret, ref runs);
            }
            if (runs.Count == 0 && shortSecrets.Count == 0)
            {
                return Empty;
            }
            var span = runs.Written;
            span.Sort();
            var distinct = 0;
            for (var i = 0; i < span.Length; i++)
            {
                if (distinct == 0 || span[i] != span[distinct - 1])
                {
                    span[distinct++] = span[i];
                }
            }
            return new SecretPatterns(span[..distinct].ToArray(), shortSecrets, hasQuote);
        }
        finally
        {
            runs.Dispose();
        }
    }

    // With urlSafe, the runs of the base64url form: `+` and `/` read as `-` and `_`.
    private static void AddRuns(ReadOnlySpan<char> text, ref RunBuffer runs, bool urlSafe)
    {
        if (text.Length < SecretRedactor.MinRun)
        {
            return;
        }
        UInt128 packed = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (urlSafe)
            {
                c = c switch { '+' => '-', '/' => '_', _ => c };
            }
            // Shifting a UInt128 by 16 drops the oldest of the 8 characters it holds.
            packed = (packed << 16) | c;
            if (i >= SecretRedactor.MinRun - 1)
            {
                runs.Add(packed);
            }
        }
    }

    /// <summary>
    /// The runs of the base64 and base64url characters that depend only on the secret's bytes, for each of the three
    /// positions the secret can start at within a 3-byte group (it may be encoded as part of a longer text, such as
    /// <c>user:key</c>).
    /// </summary>
    private static void AddBase64Runs(string secret, ref RunBuffer runs)
    {
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount + 2);
        var chars = ArrayPool<char>.Shared.Rent(((byteCount + 2 + 2) / 3 * 4) + 4);
        try
        {
            for (var offset = 0; offset < 3; offset++)
            {
                var length = offset + byteCount;
                bytes.AsSpan(0, offset).Clear();
                Encoding.UTF8.GetBytes(secret, bytes.AsSpan(offset));
                Convert.TryToBase64Chars(bytes.AsSpan(0, length), chars, out var written);
                var start = offset switch { 0 => 0, 1 => 2, _ => 3 };
                var remainder = length % 3;
                var padding = (3 - remainder) % 3;
                var end = written - padding - (remainder == 0 ? 0 : 1);
                if (end - start >= SecretRedactor.MinRun)
                {
                    AddRuns(chars.AsSpan(start, end - start), ref runs, urlSafe: false);
                    AddRuns(chars.AsSpan(start, end - start), ref runs, urlSafe: true);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
            ArrayPool<char>.Shared.Return(chars, clearArray: true);
        }
    }

    /// <summary>A growing list of packed runs in pooled arrays.</summary>
    private struct RunBuffer : IDisposable
    {
        private UInt128[]? _items;

        public int Count { get; private set; }

        public readonly Span<UInt128> Written => _items.AsSpan(0, Count);

        public void Add(UInt128 run)
        {
            if (_items is null || Count == _items.Length)
            {
                var larger = ArrayPool<UInt128>.Shared.Rent(Math.Max(256, Count * 2));
                if (_items is not null)
                {
                    _items.AsSpan(0, Count).CopyTo(larger);
                    ArrayPool<UInt128>.Shared.Return(_items, clearArray: true);
                }
                _items = larger;
            }
            _items[Count++] = run;
        }

        public void Dispose()
        {
            if (_items is not null)
            {
                // Cleared: the runs are pieces of secrets.
                ArrayPool<UInt128>.Shared.Return(_items, clearArray: true);
                _items = null;
            }
        }
    }
}
