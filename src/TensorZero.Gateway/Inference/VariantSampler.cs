using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Inference;

/// <summary>
/// Episode-sticky variant sampling as TensorZero does it: one number in [0, 1) from SHA-256 of the function name and
/// the episode id, then a walk over the name-sorted candidates.
/// </summary>
public static class VariantSampler
{
    /// <summary>SHA-256 over the function name's UTF-8 bytes and the episode id's 16 bytes; the first 4 bytes as a big-endian fraction.</summary>
    public static double Draw(string functionName, Guid episodeId)
    {
        var nameBytes = Encoding.UTF8.GetByteCount(functionName);
        Span<byte> input = nameBytes + 16 <= 512 ? stackalloc byte[nameBytes + 16] : new byte[nameBytes + 16];
        Encoding.UTF8.GetBytes(functionName, input);
        episodeId.TryWriteBytes(input[nameBytes..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadUInt32BigEndian(hash) / 4294967296.0;
    }

    /// <summary>
    /// Whether a pick can depend on the draw: not for a function of one variant and no experimentation table (every
    /// model's default function, most configured ones), whose pick is that variant or nothing. The draw's SHA-256 is
    /// then not worth computing.
    /// </summary>
    public static bool NeedsDraw(FunctionConfig function) => function.Experimentation is not null || function.Variants.Count > 1;

    /// <summary>
    /// Picks the next variant among those not yet tried. Variants with a positive weight are sampled by weight; when no
    /// variant has a weight, all are sampled uniformly; weight-less variants beside weighted ones are fallbacks in name order;
    /// weight 0 is never sampled.
    /// </summary>
    public static VariantConfig? Pick(FunctionConfig function, ISet<string> tried, double draw)
    {
        if (function.Experimentation is not { } experiment)
        {
            return Pick(function.Variants, tried, draw);
        }
        // Candidates by weight (name order), then fallbacks in their listed order.
        var candidates = experiment.Candidates
            .Where(c => c.Value > 0 && !tried.Contains(c.Key))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
        var total = candidates.Sum(c => c.Value);
        if (total > 0)
        {
            var target = draw * total;
            var cumulative = 0.0;
            foreach (var (name, weight) in candidates)
            {
                cumulative += weight;
                if (cumulative > target)
                {
                    return function.Variants[name];
                }
            }
            return function.Variants[candidates[^1].Key];
        }
        var fallback = experiment.Fallbacks.FirstOrDefault(f => !tried.Contains(f));
        return fallback is null ? null : function.Variants[fallback];
    }

    /// <summary>Legacy per-variant <c>weight</c> sampling (no experimentation table).</summary>
    public static VariantConfig? Pick(IReadOnlyDictionary<string, VariantConfig> variants, ISet<string> tried, double draw)
    {
        if (variants.Count == 1 && tried.Count == 0)
        {
            // One variant (a model's default function, most functions): it is the pick unless its weight is 0.
            foreach (var only in variants.Values)
            {
                return only.Weight is null or > 0 ? only : null;
            }
        }
        var remaining = variants.Values
            .Where(v => !tried.Contains(v.Name))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .ToList();
        if (remaining.Count == 0)
        {
            return null;
        }
        var anyWeights = variants.Values.Any(v => v.Weight is not null);
        if (!anyWeights)
        {
            return remaining[(int)Math.Floor(draw * remaining.Count)];
        }
        var weighted = remaining.Where(v => v.Weight > 0).ToList();
        var total = weighted.Sum(v => v.Weight!.Value);
        if (total > 0)
        {
            var target = draw * total;
            var cumulative = 0.0;
            foreach (var variant in weighted)
            {
                cumulative += variant.Weight!.Value;
                if (cumulative > target)
                {
                    return variant;
                }
            }
            return weighted[^1];
        }
        return remaining.FirstOrDefault(v => v.Weight is null);
    }
}
