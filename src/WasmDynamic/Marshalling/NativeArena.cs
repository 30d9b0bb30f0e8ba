using System.Runtime.InteropServices;

namespace WasmDynamic.Marshalling;

/// <summary>
/// A bump allocator over native memory for the arguments of one call: strings, list elements and payload boxes
/// are written here, handed to Wasmtime (which only borrows arguments) and released all at once by
/// <see cref="Reset"/>. Chunks are kept between calls, so a warm call allocates nothing.
/// </summary>
/// <remarks>Not thread-safe: one arena per instance, used under the instance's call lock.</remarks>
internal sealed unsafe class NativeArena : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private const int MaxKeptChunk = 1024 * 1024;
    private readonly List<(nint Ptr, nuint Size)> _chunks = new();
    private int _current = -1;
    private nuint _offset;

    // True when the chunks are as the last full reset left them (none added since): a call that used only the first
    // chunk then resets by rewinding the offset.
    private bool _settled;

    // The current chunk's start and size (null and 0 without one), kept beside the offset: an allocation then reads
    // this object only, not the chunk list and its array.
    private byte* _base;
    private nuint _limit;

    public void* Alloc(nuint size)
    {
        size = (size + 15) & ~(nuint)15;
        if (_current >= 0 && _offset + size <= _limit)
        {
            var p = _base + _offset;
            _offset += size;
            return p;
        }

        return AllocSlow(size);
    }

    /// <summary>Makes chunk <paramref name="index"/> (or none, -1) the current one.</summary>
    private void SetCurrent(int index)
    {
        _current = index;
        _base = index >= 0 ? (byte*)_chunks[index].Ptr : null;
        _limit = index >= 0 ? _chunks[index].Size : 0;
    }

    private void* AllocSlow(nuint size)
    {
        // Move to the next kept chunk that fits, or add one.
        for (var next = _current + 1; next < _chunks.Count; next++)
        {
            if (_chunks[next].Size >= size)
            {
                SetCurrent(next);
                _offset = size;
                return (void*)_chunks[next].Ptr;
            }
        }

        var chunkSize = Math.Max((nuint)ChunkSize, size);
        var ptr = (nint)NativeMemory.Alloc(chunkSize);
        _chunks.Add((ptr, chunkSize));
        _settled = false;
        SetCurrent(_chunks.Count - 1);
        _offset = size;
        return (void*)ptr;
    }

    public void* AllocZeroed(nuint size)
    {
        var p = Alloc(size);
        NativeMemory.Clear(p, size);
        return p;
    }

    /// <summary>Forgets everything allocated since the last reset; large chunks beyond one of up to 1 MiB are freed.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Reset()
    {
        // Most calls (scalars) never touch the arena; most others use only the first chunk of a settled arena.
        if (_current <= 0 && (_offset == 0 || _settled))
        {
            _offset = 0;
            return;
        }

        ResetChunks();
    }

    private void ResetChunks()
    {
        if (_chunks.Count > 4)
        {
            for (var i = _chunks.Count - 1; i >= 4; i--)
            {
                NativeMemory.Free((void*)_chunks[i].Ptr);
                _chunks.RemoveAt(i);
            }
        }

        // One large chunk (up to 1 MiB) is kept: a caller passing big strings or lists call after call reuses it
        // instead of mapping and unmapping fresh memory (page faults) each time. Larger or further ones are freed.
        var keptLarge = false;
        for (var i = 0; i < _chunks.Count; i++)
        {
            var size = _chunks[i].Size;
            if (size <= 4 * ChunkSize)
            {
                continue;
            }

            if (keptLarge || size > MaxKeptChunk)
            {
                NativeMemory.Free((void*)_chunks[i].Ptr);
                _chunks.RemoveAt(i--);
            }
            else
            {
                keptLarge = true;
            }
        }

        SetCurrent(_chunks.Count > 0 ? 0 : -1);
        _offset = 0;
        _settled = true;
    }

    public void Dispose()
    {
        foreach (var (ptr, _) in _chunks)
        {
            NativeMemory.Free((void*)ptr);
        }

        _chunks.Clear();
        SetCurrent(-1);
        _settled = false;
    }
}
