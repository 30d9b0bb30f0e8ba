namespace WasmDynamic.Imports;

/// <summary>
/// The host objects standing behind host-implemented resource handles of one store, by rep. When the guest drops
/// its handle, Wasmtime calls the destructor and the object leaves the table (and is disposed if it is
/// <see cref="IDisposable"/>).
/// </summary>
internal sealed class HostResourceTable
{
    private readonly Dictionary<uint, (object Value, uint Tag, bool Owned)> _entries = new();
    private uint _next;

    public uint Add(object value, uint tag, bool owned)
    {
        lock (_entries)
        {
            do
            {
                _next = _next == uint.MaxValue ? 1 : _next + 1;
            }
            while (_entries.ContainsKey(_next));

            _entries[_next] = (value, tag, owned);
            return _next;
        }
    }

    public object Get(uint rep, uint tag, string name)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(rep, out var entry) && entry.Tag == tag)
            {
                return entry.Value;
            }
        }

        throw new WasmDynamicException($"The guest used a {name} handle (rep {rep}) that the host does not hold.");
    }

    public object? Remove(uint rep)
    {
        lock (_entries)
        {
            return _entries.Remove(rep, out var entry) ? entry.Value : null;
        }
    }

    /// <summary>
    /// Empties the table (the store is going away) and returns the objects the guest owned: those it never dropped.
    /// Borrowed entries were only lent by the host, so they are not returned.
    /// </summary>
    public IReadOnlyList<object> TakeOwned()
    {
        lock (_entries)
        {
            if (_entries.Count == 0)
            {
                // Most stores never held a host resource: nothing to allocate on their way out.
                return [];
            }

            var owned = new List<object>();
            foreach (var entry in _entries.Values)
            {
                if (entry.Owned)
                {
                    owned.Add(entry.Value);
                }
            }

            _entries.Clear();
            return owned;
        }
    }
}
