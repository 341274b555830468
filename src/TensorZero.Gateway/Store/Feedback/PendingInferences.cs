namespace TensorZero.Gateway.Store.Feedback;

/// <summary>
/// Inferences queued for the database but not yet committed, by id and by episode. <c>/feedback</c> counts them as
/// existing: feedback sent right after an inference, or while the database is down, finds its target.
/// Bounded by the write queue: an entry leaves when its row is written or dropped.
/// </summary>
public sealed class PendingInferences
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, InferenceRow> _inferences = [];
    private readonly Dictionary<Guid, int> _episodes = [];

    public void Add(StoredRow row)
    {
        if (row is not InferenceRow inference)
        {
            return;
        }
        lock (_lock)
        {
            if (_inferences.TryAdd(inference.Id, inference))
            {
                _episodes[inference.EpisodeId] = _episodes.GetValueOrDefault(inference.EpisodeId) + 1;
            }
        }
    }

    public void Remove(StoredRow row)
    {
        if (row is not InferenceRow inference)
        {
            return;
        }
        lock (_lock)
        {
            if (!_inferences.Remove(inference.Id, out var queued))
            {
                return;
            }
            var count = _episodes[queued.EpisodeId] - 1;
            if (count == 0)
            {
                _episodes.Remove(queued.EpisodeId);
            }
            else
            {
                _episodes[queued.EpisodeId] = count;
            }
        }
    }

    /// <summary>The queued (not yet redacted) row of an inference; only its function, type, tools and schema are read.</summary>
    public InferenceRow? Inference(Guid id)
    {
        lock (_lock)
        {
            return _inferences.GetValueOrDefault(id);
        }
    }

    public bool HasEpisode(Guid episodeId)
    {
        lock (_lock)
        {
            return _episodes.ContainsKey(episodeId);
        }
    }
}
