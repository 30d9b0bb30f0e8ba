using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>The native layout <see cref="FiberTrampolines"/> reads and writes (offsets pinned by tests).</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal unsafe struct MailboxLayout
{
    public const long Idle = 0, HostCallWaiting = 1;

    [FieldOffset(0)] public long State;
    [FieldOffset(8)] public long ImportId;
    [FieldOffset(16)] public Val* Results;
    [FieldOffset(24)] public nuint ResultCount;
    [FieldOffset(32)] public nuint ArgumentCount;
    [FieldOffset(40)] public Val* Arguments;
    [FieldOffset(48)] public nuint ArgumentCapacity;
    [FieldOffset(56)] public byte Done;
    [FieldOffset(64)] public ulong* Drops;
    [FieldOffset(72)] public nuint DropCount;
    [FieldOffset(80)] public nuint DropCapacity;
}

/// <summary>A host call the guest is waiting on, as <see cref="FiberTrampolines.HostCall"/> recorded it.</summary>
/// <remarks>
/// The arguments are owned by the mailbox until <see cref="FiberMailbox.Complete"/> (which deletes them); the result
/// slots belong to Wasmtime and are read when the guest resumes.
/// </remarks>
internal readonly unsafe struct PendingHostCall
{
    public PendingHostCall(long importId, Val* arguments, int argumentCount, Val* results, int resultCount)
    {
        ImportId = importId;
        Arguments = arguments;
        ArgumentCount = argumentCount;
        Results = results;
        ResultCount = resultCount;
    }

    public long ImportId { get; }

    public Val* Arguments { get; }

    public int ArgumentCount { get; }

    public Val* Results { get; }

    public int ResultCount { get; }
}

/// <summary>
/// One store's mailbox for async calls: the store's data pointer, where the fiber callbacks record host calls and
/// resource drops. Only the thread that polls the store's future touches it, and only between polls.
/// </summary>
internal sealed unsafe class FiberMailbox : IDisposable
{
    private MailboxLayout* _box;

    /// <param name="argumentCapacity">The most arguments of any import the store's linker defines.</param>
    /// <param name="dropCapacity">How many host-resource drops one stretch of guest execution may queue.</param>
    public FiberMailbox(int argumentCapacity, int dropCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(argumentCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dropCapacity);
        _box = (MailboxLayout*)NativeMemory.AllocZeroed((nuint)sizeof(MailboxLayout));
        _box->Arguments = (Val*)NativeMemory.AllocZeroed((nuint)Math.Max(1, argumentCapacity), (nuint)sizeof(Val));
        _box->ArgumentCapacity = (nuint)argumentCapacity;
        _box->Drops = (ulong*)NativeMemory.AllocZeroed((nuint)dropCapacity, sizeof(ulong));
        _box->DropCapacity = (nuint)dropCapacity;
    }

    /// <summary>The pointer to give <c>wasmtime_store_new</c> as the store's data.</summary>
    public nint Pointer => _box == null ? throw new ObjectDisposedException(nameof(FiberMailbox)) : (nint)_box;

    /// <summary>Takes the host call the guest is waiting on, if the last poll stopped for one.</summary>
    public bool TryTakeHostCall(out PendingHostCall call)
    {
        if (Volatile.Read(ref _box->State) != MailboxLayout.HostCallWaiting)
        {
            call = default;
            return false;
        }

        _box->State = MailboxLayout.Idle;
        call = new PendingHostCall(_box->ImportId, _box->Arguments, checked((int)_box->ArgumentCount), _box->Results, checked((int)_box->ResultCount));
        return true;
    }

    /// <summary>
    /// Ends the host call taken last: deletes its arguments and lets the guest's continuation see it done (results
    /// must already be in the slots). The next poll resumes the guest.
    /// </summary>
    public void Complete()
    {
        ReleaseArguments();
        Volatile.Write(ref _box->Done, 1);
    }

    /// <summary>True when host-resource drops are queued.</summary>
    public bool HasDrops => _box->DropCount > 0;

    /// <summary>Hands every queued host-resource drop (tag, rep) to <paramref name="drop"/> and empties the queue.</summary>
    public int TakeDrops(Action<uint, uint> drop)
    {
        var count = checked((int)_box->DropCount);
        for (var i = 0; i < count; i++)
        {
            var entry = _box->Drops[i];
            drop((uint)(entry >> 32), (uint)entry);
        }

        _box->DropCount = 0;
        return count;
    }

    public void Dispose()
    {
        if (_box == null)
        {
            return;
        }

        ReleaseArguments();
        NativeMemory.Free(_box->Arguments);
        NativeMemory.Free(_box->Drops);
        NativeMemory.Free(_box);
        _box = null;
    }

    private void ReleaseArguments()
    {
        var count = Math.Min(_box->ArgumentCount, _box->ArgumentCapacity);
        for (nuint i = 0; i < count; i++)
        {
            ComponentApi.wasmtime_component_val_delete(&_box->Arguments[i]);
            _box->Arguments[i] = default;
        }

        _box->ArgumentCount = 0;
    }
}

/// <summary>
/// The native data blocks the fiber callbacks of one async linker read (one per import, one per host resource
/// type). They must outlive the linker and every store instantiated from it; <see cref="Dispose"/> frees them.
/// </summary>
internal sealed unsafe class FiberCallbackData : IDisposable
{
    private static readonly nint QueueFullMessage = Message(
        "too many host resources dropped while the guest ran without yielding (the async drop queue is full)");

    private static readonly nint NoMailboxMessage = Message(
        "a host function of an async linker was called in a store that has no fiber mailbox (a WasmDynamic bug)");

    private static readonly nint TooManyArgumentsMessage = Message(
        "the guest called a host function with more arguments than the store's fiber mailbox holds (a WasmDynamic bug)");

    private readonly List<nint> _blocks = new();

    /// <summary>Data for <see cref="FiberTrampolines.HostCall"/>: which import the guest called.</summary>
    public nint ForHostCall(long importId)
    {
        var block = Allocate(6);
        block[0] = FiberTrampolines.ContextGetData;
        block[1] = (nint)importId;
        block[2] = FiberTrampolines.PollDone;
        block[3] = FiberTrampolines.ErrorNew;
        block[4] = NoMailboxMessage;
        block[5] = TooManyArgumentsMessage;
        return (nint)block;
    }

    /// <summary>Data for <see cref="FiberTrampolines.ResourceDrop"/>: which host resource type (tag) was dropped.</summary>
    public nint ForResourceDrop(uint tag)
    {
        var block = Allocate(5);
        block[0] = FiberTrampolines.ContextGetData;
        block[1] = (nint)tag;
        block[2] = FiberTrampolines.ErrorNew;
        block[3] = QueueFullMessage;
        block[4] = NoMailboxMessage;
        return (nint)block;
    }

    public void Dispose()
    {
        lock (_blocks)
        {
            foreach (var block in _blocks)
            {
                NativeMemory.Free((void*)block);
            }

            _blocks.Clear();
        }
    }

    // Process-lifetime, like the routines themselves.
    private static nint Message(string text) => Marshal.StringToCoTaskMemUTF8(text);

    private nint* Allocate(int words)
    {
        var block = (nint*)NativeMemory.AllocZeroed((nuint)words, (nuint)sizeof(nint));
        lock (_blocks)
        {
            _blocks.Add((nint)block);
        }

        return block;
    }
}

/// <summary>
/// A growable byte buffer that <see cref="FiberTrampolines.OutputWrite"/> appends a WASI stream's output to; drained
/// by the host between polls. Allocated with the C library's allocator because the routine grows it with realloc.
/// </summary>
internal sealed unsafe class FiberOutputBuffer : IDisposable
{
    // 0 bytes*   8 length   16 capacity   24 realloc
    private nint* _block;

    public FiberOutputBuffer(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _block = (nint*)NativeMemory.AllocZeroed(4, (nuint)sizeof(nint));
        _block[0] = (nint)NativeMemory.Alloc((nuint)initialCapacity); // malloc on Unix: the routine's realloc may grow it
        _block[2] = initialCapacity;
        _block[3] = FiberTrampolines.Realloc;
    }

    /// <summary>The data pointer to register with <see cref="FiberTrampolines.OutputWrite"/>.</summary>
    public nint Pointer => _block == null ? throw new ObjectDisposedException(nameof(FiberOutputBuffer)) : (nint)_block;

    /// <summary>The bytes written so far.</summary>
    public int Length => (int)_block[1];

    /// <summary>Hands the buffered bytes to <paramref name="sink"/> and empties the buffer.</summary>
    public void Drain(ReadOnlySpanAction sink)
    {
        var length = checked((int)_block[1]);
        if (length > 0)
        {
            sink(new ReadOnlySpan<byte>((void*)_block[0], length));
            _block[1] = 0;
        }
    }

    public void Dispose()
    {
        if (_block == null)
        {
            return;
        }

        NativeMemory.Free((void*)_block[0]);
        NativeMemory.Free(_block);
        _block = null;
    }

    public delegate void ReadOnlySpanAction(ReadOnlySpan<byte> bytes);
}
