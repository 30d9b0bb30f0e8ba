using System.Runtime.InteropServices;
using System.Text;
using WasmDynamic.Native;
using WasmDynamic.Wit;

namespace WasmDynamic.Marshalling;

/// <summary>
/// The explicit context of one direction of a call, passed to every <c>Lower</c> and <c>Lift</c>: the store the values
/// belong to (<see cref="Site"/>, for resource handles) and where lowered values get their native memory. Call arguments are borrowed by Wasmtime, so they live in a
/// <see cref="NativeArena"/> and die with the call. Host-function results are freed by Wasmtime, so they must be
/// made with Wasmtime's own allocators (<see cref="Owned"/>); mixing the two corrupts the heap.
/// </summary>
internal sealed unsafe class MarshalContext : IDisposable
{
    public MarshalContext(bool owned, IResourceSite site)
    {
        Owned = owned;
        Site = site;
    }

    /// <summary>The store (and instance) the values of this call belong to.</summary>
    public IResourceSite Site { get; }

    /// <summary>True when values are built for Wasmtime to own and free (host results).</summary>
    public bool Owned { get; }

    /// <summary>The argument slots of the call being lowered, when it goes to a bulk-bytes twin (else null).</summary>
    private Val* _bulkArgs;

    /// <summary>Bit <c>i</c>: argument slot <c>i</c> is a <c>list&lt;u8&gt;</c> the twin takes as a string.</summary>
    private ulong _bulkMask;

    /// <summary>The fewest bytes a marked slot's list must hold to be lowered as a string (smaller ones stay lists).</summary>
    private int _bulkMinimum;

    /// <summary>
    /// Marks the argument slots whose <c>list&lt;u8&gt;</c> may go to a bulk-bytes twin as a string (0: none), when it
    /// holds at least <paramref name="minimum"/> bytes.
    /// </summary>
    public void MarkBulkSlots(Val* args, ulong mask, int minimum = 0)
    {
        _bulkArgs = args;
        _bulkMask = mask;
        _bulkMinimum = minimum;
    }

    /// <summary>
    /// True when <paramref name="dst"/> is a marked argument slot (never a nested value: those live in the arena) and
    /// a list of <paramref name="length"/> bytes is worth lowering as a string there.
    /// </summary>
    public bool IsBulkSlot(Val* dst, int length) =>
        _bulkMask != 0 && length >= _bulkMinimum && dst >= _bulkArgs && dst < _bulkArgs + 64 && ((_bulkMask >> (int)(dst - _bulkArgs)) & 1) != 0;

    private readonly List<nint> _deleteAfterCall = new();

    /// <summary>How many host-side boxes of moved resources wait for <see cref="Reset"/> (read by tests).</summary>
    internal int BoxesToFree => _deleteAfterCall.Count;

    /// <summary>Scratch memory (arguments, or temporaries in owned mode).</summary>
    public NativeArena Arena { get; } = new();

    // The guest resource handles lowered into this call's arguments, checked again (and moved, for an own) when the
    // call enters the instance: lowering may run before that (an async frame), and may fail at a later argument.
    private readonly List<LoweredHandle> _handles = new();

    // The argument slots and function of the call being lowered, to name the parameter a handle was passed as.
    private Val* _callArgs;
    private WitFunction? _callFunction;
    private string? _callName;

    private readonly record struct LoweredHandle(IArgumentHandle Handle, nint Any, bool Move, nint Slot, string Where);

    /// <summary>The argument slots, the function and its qualified name of the call lowered with this context (for messages).</summary>
    public void SetCall(Val* args, WitFunction function, string qualifiedName)
    {
        _callArgs = args;

        // Compared first: calls of the same function (the common case) then make no reference store (a GC write barrier).
        if (!ReferenceEquals(_callFunction, function) || !ReferenceEquals(_callName, qualifiedName))
        {
            _callFunction = function;
            _callName = qualifiedName;
        }
    }

    /// <summary>
    /// Where a value lowered into <paramref name="slot"/> went, as a sentence: "Argument 'c' of 'f' (f: func(…))."
    /// (or "An argument of …" for a value inside one); empty outside a call.
    /// </summary>
    public string Location(nint slot) =>
        _callFunction is null || _callName is null
            ? string.Empty
            : ParameterOf(slot) is { } name
                ? $"Argument '{name}' of '{_callName}' ({_callFunction.Signature})."
                : $"An argument of '{_callName}' ({_callFunction.Signature}).";

    /// <summary>
    /// Records a guest resource handle lowered into <paramref name="slot"/> (<paramref name="move"/>: for an own, which
    /// moves it into the guest). Nothing changes for the handle until <see cref="CommitHandles"/>; a call that never
    /// runs leaves it as it was.
    /// </summary>
    /// <exception cref="ComponentArgumentException">The handle is already in this call where one of the two uses takes ownership.</exception>
    public void AddHandle(IArgumentHandle handle, nint any, bool move, Val* slot, string resourceName, string where)
    {
        var clash = -1;
        if (_handles.Count < IndexFrom)
        {
            for (var i = 0; i < _handles.Count && clash < 0; i++)
            {
                clash = _handles[i].Handle == handle && (move || _handles[i].Move) ? i : -1;
            }
        }
        else
        {
            // Many handles (a list of resources): one lookup each instead of a scan.
            if (_byHandle.Count == 0)
            {
                for (var i = 0; i < _handles.Count; i++)
                {
                    Index(_handles[i], i);
                }
            }

            clash = _byHandle.TryGetValue(handle, out var seen) && (move || _handles[seen].Move) ? seen : -1;
        }

        if (clash >= 0)
        {
            var first = ParameterOf(_handles[clash].Slot) is { } name ? $"as '{name}'" : "earlier";
            throw new ComponentArgumentException($"The same {resourceName} resource is already passed {first} in this call, and an own<{resourceName}> moves it into the component, which can take a resource only once and not while it is borrowed in the same call. Pass a different {resourceName} to each parameter");
        }

        var lowered = new LoweredHandle(handle, any, move, (nint)slot, where);
        _handles.Add(lowered);
        if (_byHandle.Count != 0)
        {
            Index(lowered, _handles.Count - 1);
        }
    }

    // From this many handles in one call, AddHandle looks earlier ones up in _byHandle (an own entry wins).
    private const int IndexFrom = 16;

    private readonly Dictionary<IArgumentHandle, int> _byHandle = new(ReferenceEqualityComparer.Instance);

    private void Index(LoweredHandle lowered, int index)
    {
        if (lowered.Move || !_byHandle.ContainsKey(lowered.Handle))
        {
            _byHandle[lowered.Handle] = index;
        }
    }

    /// <summary>
    /// Called with the instance held, right before the call goes to Wasmtime: checks every recorded handle still holds
    /// what was lowered (a Dispose or a recreated store meanwhile would leave a freed box in the argument), then moves
    /// the owned ones into the guest; their host-side boxes are freed when the call is over.
    /// </summary>
    /// <exception cref="ObjectDisposedException">A handle was disposed, or its store went away, since it was lowered.</exception>
    public void CommitHandles()
    {
        if (_handles.Count == 0)
        {
            return;
        }

        foreach (var lowered in _handles)
        {
            if (!lowered.Handle.Holds(lowered.Any))
            {
                ForgetHandles();
                throw lowered.Handle.Released(lowered.Where, Location(lowered.Slot));
            }
        }

        foreach (var lowered in _handles)
        {
            if (lowered.Move)
            {
                lowered.Handle.MoveToGuest();
                _deleteAfterCall.Add(lowered.Any);
            }
        }

        ForgetHandles();
    }

    private void ForgetHandles()
    {
        _handles.Clear();
        if (_byHandle.Count != 0)
        {
            _byHandle.Clear();
        }
    }

    private string? ParameterOf(nint slot)
    {
        var args = (nint)_callArgs;
        if (_callFunction is null || args == 0 || slot < args || (slot - args) % (nint)Val.Size != 0)
        {
            return null;
        }

        var index = (slot - args) / (nint)Val.Size;
        return index < _callFunction.Parameters.Count ? _callFunction.Parameters[(int)index].Name : null;
    }

    /// <summary>Releases everything this call used: the arena and the boxes of moved resources; handles recorded for a call that did not run are forgotten.</summary>
    public void Reset()
    {
        Arena.Reset();
        if (_bulkWanted != 0)
        {
            ResetBulk();
        }

        if (_handles.Count != 0)
        {
            ForgetHandles();
        }

        if (_deleteAfterCall.Count == 0)
        {
            return;
        }

        foreach (var any in _deleteAfterCall)
        {
            ComponentApi.wasmtime_component_resource_any_delete(any);
        }

        _deleteAfterCall.Clear();
    }

    private const int OnePassChars = 340 * 1024;

    /// <summary>UTF-8 that refuses lone surrogates instead of replacing them with U+FFFD.</summary>
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="text"/> as UTF-8 into <paramref name="dst"/>.</summary>
    /// <exception cref="ComponentArgumentException">The text holds a lone UTF-16 surrogate, which has no UTF-8 form.</exception>
    public void WriteString(ByteVec* dst, string text)
    {
        try
        {
            WriteUtf8(dst, text);
        }
        catch (EncoderFallbackException e)
        {
            var bad = e.CharUnknownHigh != default ? e.CharUnknownHigh : e.CharUnknownLow != default ? e.CharUnknownLow : e.CharUnknown;
            throw LoneSurrogate(bad, e.Index, e);
        }
    }

    private static ComponentArgumentException LoneSurrogate(char bad, int index, Exception? inner) =>
        new($"The string has a lone UTF-16 surrogate U+{(int)bad:X4} at index {index}, which is not Unicode text; WIT strings must be valid Unicode (fix the text, or pass bytes as list<u8>).", inner);

    private void WriteUtf8(ByteVec* dst, string text)
    {
        // Up to OnePassChars the worst case (3 bytes a char) fits the arena chunk it keeps: encode in one pass.
        var max = text.Length <= OnePassChars ? Strict.GetMaxByteCount(text.Length) : Strict.GetByteCount(text);
        if (Owned)
        {
            var count = Strict.GetByteCount(text);
            WasmtimeApi.wasm_byte_vec_new_uninitialized(dst, (nuint)count);
            Strict.GetBytes(text, new Span<byte>(dst->Data, count));
            return;
        }

        // Transcoded by Utf8.FromUtf16 directly (what the encoding calls, without its layers): a lone surrogate is
        // reported where it is, as the strict encoding's exception would have been.
        var buffer = (byte*)Arena.Alloc((nuint)Math.Max(max, 1));
        if (System.Text.Unicode.Utf8.FromUtf16(text, new Span<byte>(buffer, max), out var read, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            throw LoneSurrogate(text[read], read, null);
        }

        dst->Data = buffer;
        dst->Size = (nuint)written;
    }

    /// <summary>Writes a name the converter pre-encoded (a record field, enum case, flag).</summary>
    public void WriteName(ByteVec* dst, NativeName name)
    {
        if (Owned)
        {
            WasmtimeApi.wasm_byte_vec_new_uninitialized(dst, (nuint)name.Length);
            Buffer.MemoryCopy(name.Pointer, dst->Data, name.Length, name.Length);
            return;
        }

        dst->Data = name.Pointer;
        dst->Size = (nuint)name.Length;
    }

    /// <summary>Allocates <paramref name="count"/> zeroed values for a list or tuple.</summary>
    public Val* AllocVals(ValVec* dst, int count, bool tuple)
    {
        if (Owned)
        {
            if (tuple)
            {
                ComponentApi.wasmtime_component_valtuple_new_uninit(dst, (nuint)count);
            }
            else
            {
                ComponentApi.wasmtime_component_vallist_new_uninit(dst, (nuint)count);
            }

            NativeMemory.Clear(dst->Data, (nuint)count * Val.Size);
            return dst->Data;
        }

        dst->Size = (nuint)count;
        dst->Data = (Val*)Arena.AllocZeroed((nuint)Math.Max(count, 1) * Val.Size);
        return dst->Data;
    }

    /// <summary>
    /// The entries of a borrowed record (not <see cref="Owned"/>): <paramref name="count"/> entries copied from
    /// <paramref name="template"/> (names set, values zero) into the arena.
    /// </summary>
    public RecordEntry* CopyRecord(RecordVec* dst, RecordEntry* template, int count)
    {
        System.Diagnostics.Debug.Assert(!Owned, "A host result's record names must be Wasmtime-owned copies.");
        var bytes = (nuint)Math.Max(count, 1) * RecordEntry.Size;
        dst->Size = (nuint)count;
        dst->Data = (RecordEntry*)Arena.Alloc(bytes);
        Buffer.MemoryCopy(template, dst->Data, bytes, bytes);
        return dst->Data;
    }

    /// <summary>Allocates <paramref name="count"/> zeroed record entries.</summary>
    public RecordEntry* AllocRecord(RecordVec* dst, int count)
    {
        if (Owned)
        {
            ComponentApi.wasmtime_component_valrecord_new_uninit(dst, (nuint)count);
            NativeMemory.Clear(dst->Data, (nuint)count * RecordEntry.Size);
            return dst->Data;
        }

        dst->Size = (nuint)count;
        dst->Data = (RecordEntry*)Arena.AllocZeroed((nuint)Math.Max(count, 1) * RecordEntry.Size);
        return dst->Data;
    }

    /// <summary>Allocates <paramref name="count"/> zeroed names for a flags value.</summary>
    public ByteVec* AllocNames(ByteVecVec* dst, int count)
    {
        if (Owned)
        {
            ComponentApi.wasmtime_component_valflags_new_uninit(dst, (nuint)count);
            NativeMemory.Clear(dst->Data, (nuint)count * (nuint)sizeof(ByteVec));
            return dst->Data;
        }

        dst->Size = (nuint)count;
        dst->Data = (ByteVec*)Arena.AllocZeroed((nuint)Math.Max(count, 1) * (nuint)sizeof(ByteVec));
        return dst->Data;
    }

    /// <summary>A zeroed slot to lower a payload (option, result, variant) into; pass it to <see cref="FinishBox"/>.</summary>
    public Val* BeginBox()
    {
        // Cleared inline (four stores), not through NativeMemory.Clear: a payload box is lowered on every option,
        // result and variant call.
        var slot = (Val*)Arena.Alloc(Val.Size);
        *slot = default;
        return slot;
    }

    /// <summary>The pointer to store for a boxed payload: the slot itself, or a Wasmtime-owned copy in owned mode.</summary>
    public Val* FinishBox(Val* slot) => Owned ? ComponentApi.wasmtime_component_val_new(slot) : slot;

    // The encoded arguments of bulk-bytes twins: one native buffer kept between calls and grown, at the end of a call
    // that needed more, to that call's need. The arena frees chunks over 1 MiB after each call, so a caller passing
    // large lists call after call would map fresh memory and fault every page in again each time.
    private byte* _bulkBuffer;
    private nuint _bulkCapacity;
    private nuint _bulkUsed;
    private nuint _bulkWanted;

    /// <summary>
    /// Memory for an encoded bulk argument of this call: from the kept buffer while it has room, else from the arena
    /// (and the buffer grows for the next call).
    /// </summary>
    public byte* AllocBulk(nuint size)
    {
        size = (size + 15) & ~(nuint)15;
        _bulkWanted += size;
        // An empty text still gets a real pointer (the arena's): the C API reads a string's data as a slice.
        if (size != 0 && _bulkUsed + size <= _bulkCapacity)
        {
            var p = _bulkBuffer + _bulkUsed;
            _bulkUsed += size;
            return p;
        }

        return (byte*)Arena.Alloc(size);
    }

    private void ResetBulk()
    {
        if (_bulkWanted > _bulkCapacity)
        {
            NativeMemory.Free(_bulkBuffer);
            _bulkBuffer = null;
            _bulkCapacity = 0;
            _bulkBuffer = (byte*)NativeMemory.Alloc(_bulkWanted);
            _bulkCapacity = _bulkWanted;
        }

        _bulkUsed = 0;
        _bulkWanted = 0;
    }

    public void Dispose()
    {
        Arena.Dispose();
        NativeMemory.Free(_bulkBuffer);
        _bulkBuffer = null;
        _bulkCapacity = _bulkUsed = _bulkWanted = 0;
    }
}

/// <summary>A UTF-8 name kept in native memory for the life of the process (names are few and shared).</summary>
internal readonly unsafe struct NativeName
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, NativeName> Cache = new();

    private NativeName(byte* pointer, int length)
    {
        Pointer = pointer;
        Length = length;
    }

    public byte* Pointer { get; }

    public int Length { get; }

    public static NativeName Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        var bytes = Encoding.UTF8.GetBytes(n);
        var p = (byte*)NativeMemory.Alloc((nuint)Math.Max(bytes.Length, 1));
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return new NativeName(p, bytes.Length);
    });

    /// <summary>True when <paramref name="vec"/> holds the same bytes.</summary>
    public bool Matches(ByteVec* vec) => (int)vec->Size == Length && new ReadOnlySpan<byte>(vec->Data, Length).SequenceEqual(new ReadOnlySpan<byte>(Pointer, Length));
}
