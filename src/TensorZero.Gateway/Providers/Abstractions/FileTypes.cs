namespace TensorZero.Gateway.Providers.Abstractions;

/// <summary>The file types the gateway can recognise by itself, from their first bytes or from a URL's path.</summary>
public static class FileTypes
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Webp = "image/webp";
    public const string Pdf = "application/pdf";

    /// <summary>How many leading bytes <see cref="Sniff"/> needs to tell every known type apart.</summary>
    public const int SniffLength = 12;

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = Png,
        [".jpg"] = Jpeg,
        [".jpeg"] = Jpeg,
        [".gif"] = Gif,
        [".webp"] = Webp,
        [".pdf"] = Pdf,
    };

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.Ordinal)
    {
        [Png] = "png",
        [Jpeg] = "jpg",
        [Gif] = "gif",
        [Webp] = "webp",
        [Pdf] = "pdf",
        ["audio/mpeg"] = "mp3",
        ["audio/wav"] = "wav",
        ["text/plain"] = "txt",
        ["text/csv"] = "csv",
        ["text/markdown"] = "md",
        ["text/html"] = "html",
    };

    /// <summary>The MIME type announced by a file's first bytes (magic numbers); null when not recognised.</summary>
    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return Webp;
        }
        return head.StartsWith("%PDF-"u8) ? Pdf : null;
    }

    /// <summary>The MIME type suggested by the extension of a URL's path; null when there is none this gateway knows.</summary>
    public static string? FromPath(string path) =>
        ByExtension.GetValueOrDefault(Path.GetExtension(path));

    /// <summary>A file extension (without the dot) for a MIME type, for naming a file that came without a name.</summary>
    public static string? Extension(string? mimeType) =>
        mimeType is null ? null : Extensions.GetValueOrDefault(mimeType);
}
