using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Benchmarks.Floor;

/// <summary>
/// The async floor's engine: <see cref="FloorEngine"/>'s settings plus what WasmDynamic's runtime has on for async
/// instances (epoch interruption; each store yields at a tick instead of trapping). No ticker runs here, so a floor
/// call never yields: it measures <c>wasmtime_component_func_call_async</c> + one <c>wasmtime_call_future_poll</c> +
/// <c>wasmtime_call_future_delete</c>, Wasmtime's own cost of running a call on a fiber.
/// </summary>
internal static unsafe class FloorAsyncEngine
{
    private static readonly Lazy<nint> Shared = new(Create);

    public static nint Engine => Shared.Value;

    private static nint Create()
    {
        var config = FloorApi.wasm_config_new();
        FloorApi.wasmtime_config_wasm_component_model_set(config, true);
        FloorApi.wasmtime_config_wasm_component_model_async_set(config, false);
        FloorApi.wasmtime_config_concurrency_support_set(config, new ComponentRuntimeOptions().ConcurrencySupport);
        FloorApi.wasmtime_config_wasm_component_model_map_set(config, true);
        FloorApi.wasmtime_config_epoch_interruption_set(config, new ComponentRuntimeOptions().EpochInterruption);
        if (Environment.GetEnvironmentVariable("WASMDYNAMIC_FLOOR_ASYNC_STACK") is { } stack)
        {
            FloorApi.wasmtime_config_async_stack_size_set(config, nuint.Parse(stack, System.Globalization.CultureInfo.InvariantCulture));
        }

        return FloorApi.wasm_engine_new_with_config(config);
    }

    /// <summary>wat2wasm + wasmtime_component_new on this engine.</summary>
    public static nint Compile(string wat)
    {
        var text = Encoding.UTF8.GetBytes(wat);
        NByteVec wasm;
        fixed (byte* p = text)
        {
            FloorApi.Check(FloorApi.wasmtime_wat2wasm(p, (nuint)text.Length, &wasm), "wat2wasm");
        }

        try
        {
            nint component;
            FloorApi.Check(FloorApi.wasmtime_component_new(Engine, wasm.Data, wasm.Size, &component), "wasmtime_component_new");
            return component;
        }
        finally
        {
            FloorApi.wasm_byte_vec_delete(&wasm);
        }
    }

    /// <summary>Polls a future to its end and deletes it; after a poll that returns false, sets <paramref name="flag"/> (a suspended host call is done).</summary>
    public static void Drive(nint future, byte* flag)
    {
        try
        {
            while (!FloorApi.wasmtime_call_future_poll(future))
            {
                if (flag != null)
                {
                    *flag = 1;
                }
            }
        }
        finally
        {
            FloorApi.wasmtime_call_future_delete(future);
        }
    }
}

/// <summary>
/// The async floor's host import: a <c>wasmtime_component_func_async_callback_t</c> in machine code (no managed code
/// may run on a Wasmtime fiber) that copies a 32-byte result value from its environment into the first result slot,
/// if any, and returns a continuation. With no flag in the environment, that continuation is ready at once (the guest
/// goes on within the same poll). With a flag, the callback clears it and the continuation returns it: the fiber
/// suspends, the poll returns false, and the caller sets the flag and polls again — the shape of WasmDynamic's async
/// host calls, which run the host's .NET method between two polls. Arguments are left to Wasmtime, which frees them.
/// </summary>
internal static unsafe partial class FloorAsyncHost
{
    // x86-64 System V (env: 0 result value, 32 flag byte* or null):
    //   host:   mov rax,[rsp+8]; test rax,rax; jz 1f               ; nresults
    //           movdqu xmm0,[rdi]; movdqu xmm1,[rdi+16]; movdqu [r9],xmm0; movdqu [r9+16],xmm1
    //       1:  mov rax,[rsp+24]; mov rdx,[rdi+32]; test rdx,rdx; jnz 2f   ; continuation, flag
    //           lea rdx,[rip+ready]; mov [rax],rdx; mov qword [rax+8],0; mov qword [rax+16],0; ret
    //       2:  mov byte [rdx],0; lea rcx,[rip+flag]; mov [rax],rcx; mov [rax+8],rdx; mov qword [rax+16],0; ret
    //   ready:  mov eax,1; ret
    //   flag:   movzx eax,byte [rdi]; ret
    private static ReadOnlySpan<byte> Code =>
    [
        0x48, 0x8B, 0x44, 0x24, 0x08, 0x48, 0x85, 0xC0, 0x74, 0x14, 0xF3, 0x0F, 0x6F, 0x07, 0xF3, 0x0F,
        0x6F, 0x4F, 0x10, 0xF3, 0x41, 0x0F, 0x7F, 0x01, 0xF3, 0x41, 0x0F, 0x7F, 0x49, 0x10, 0x48, 0x8B,
        0x44, 0x24, 0x18, 0x48, 0x8B, 0x57, 0x20, 0x48, 0x85, 0xD2, 0x75, 0x1B, 0x48, 0x8D, 0x15, 0x2E,
        0x00, 0x00, 0x00, 0x48, 0x89, 0x10, 0x48, 0xC7, 0x40, 0x08, 0x00, 0x00, 0x00, 0x00, 0x48, 0xC7,
        0x40, 0x10, 0x00, 0x00, 0x00, 0x00, 0xC3, 0xC6, 0x02, 0x00, 0x48, 0x8D, 0x0D, 0x16, 0x00, 0x00,
        0x00, 0x48, 0x89, 0x08, 0x48, 0x89, 0x50, 0x08, 0x48, 0xC7, 0x40, 0x10, 0x00, 0x00, 0x00, 0x00,
        0xC3, 0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3, 0x0F, 0xB6, 0x07, 0xC3,
    ];

    private static readonly Lazy<nint> Page = new(Map);

    /// <summary>The callback's address.</summary>
    public static nint Callback => Page.Value;

    /// <summary>An environment for <see cref="Callback"/>: a native copy of the result value and the flag (never freed; a few per process).</summary>
    public static nint Environment(ReadOnlySpan<byte> value, byte* flag)
    {
        var env = (byte*)NativeMemory.AllocZeroed(V.Size + 8);
        value.CopyTo(new Span<byte>(env, V.Size));
        *(byte**)(env + V.Size) = flag;
        return (nint)env;
    }

    private static nint Map()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            throw new PlatformNotSupportedException("The async floor's host callback exists for x86-64 System V only.");
        }

        const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2;
        var mapAnonymous = OperatingSystem.IsLinux() ? 0x20 : 0x1000;
        var page = mmap(0, 4096, ProtRead | ProtWrite, MapPrivate | mapAnonymous, -1, 0);
        if (page == -1)
        {
            throw new InvalidOperationException("mmap failed for the async floor's host callback.");
        }

        Code.CopyTo(new Span<byte>((void*)page, 4096));
        if (mprotect(page, 4096, ProtRead | ProtExec) != 0)
        {
            throw new InvalidOperationException("mprotect failed for the async floor's host callback.");
        }

        return page;
    }

    [LibraryImport("libc", SetLastError = true)] private static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)] private static partial int mprotect(nint addr, nuint length, int prot);
}

/// <summary>A host function of the async floor linker: an instance name (null = root), a name, and the result it returns (none: empty).</summary>
internal readonly struct FloorAsyncHostFunc(string? instance, string name, byte[]? result)
{
    public string? Instance { get; } = instance;

    public string Name { get; } = name;

    public byte[] Result { get; } = result ?? new byte[V.Size];
}

/// <summary>An async linker (host functions through <c>wasmtime_component_linker_instance_add_func_async</c>).</summary>
internal sealed unsafe class FloorAsyncLinker : IDisposable
{
    /// <param name="suspend">Whether each host call suspends the guest until the caller's next poll (see <see cref="FloorAsyncHost"/>).</param>
    /// <param name="functions">The host functions.</param>
    public FloorAsyncLinker(bool suspend, params FloorAsyncHostFunc[] functions)
    {
        Flag = suspend ? (byte*)NativeMemory.AllocZeroed(1) : null;
        Handle = FloorApi.wasmtime_component_linker_new(FloorAsyncEngine.Engine);
        var root = FloorApi.wasmtime_component_linker_root(Handle);
        try
        {
            foreach (var group in functions.GroupBy(f => f.Instance))
            {
                var target = root;
                if (group.Key is not null)
                {
                    var name = Encoding.UTF8.GetBytes(group.Key);
                    fixed (byte* n = name)
                    {
                        nint child;
                        FloorApi.Check(FloorApi.wasmtime_component_linker_instance_add_instance(root, n, (nuint)name.Length, &child), "add_instance");
                        target = child;
                    }
                }

                foreach (var f in group)
                {
                    var name = Encoding.UTF8.GetBytes(f.Name);
                    fixed (byte* n = name)
                    {
                        FloorApi.Check(FloorApi.wasmtime_component_linker_instance_add_func_async(target, n, (nuint)name.Length, FloorAsyncHost.Callback, FloorAsyncHost.Environment(f.Result, Flag), 0), "add_func_async");
                    }
                }

                if (target != root)
                {
                    FloorApi.wasmtime_component_linker_instance_delete(target);
                }
            }
        }
        finally
        {
            FloorApi.wasmtime_component_linker_instance_delete(root);
        }
    }

    public nint Handle { get; }

    /// <summary>The flag a suspended host call waits on (null: host calls complete at once).</summary>
    public byte* Flag { get; }

    public void Dispose() => FloorApi.wasmtime_component_linker_delete(Handle);
}

/// <summary>One store of the async floor engine with one instance (instantiated with <c>_instantiate_async</c>), called with <c>_call_async</c>.</summary>
internal sealed unsafe class FloorAsyncInstance : IDisposable
{
    private readonly nint _store;
    private readonly NInstance* _instance;
    private readonly nint* _error;
    private readonly List<nint> _funcs = new();
    private readonly byte* _flag;

    public FloorAsyncInstance(nint component, FloorAsyncLinker linker)
    {
        _flag = linker.Flag;
        _store = FloorApi.wasmtime_store_new(FloorAsyncEngine.Engine, 0, 0);
        Context = FloorApi.wasmtime_store_context(_store);

        // As WasmDynamic arms an async store: one tick ahead, yielding (not trapping) when a tick comes.
        FloorApi.wasmtime_context_set_epoch_deadline(Context, 1);
        FloorApi.wasmtime_context_epoch_deadline_async_yield_and_update(Context, 1);
        _instance = (NInstance*)NativeMemory.AllocZeroed((nuint)sizeof(NInstance));
        _error = (nint*)NativeMemory.AllocZeroed((nuint)sizeof(nint));
        FloorAsyncEngine.Drive(FloorApi.wasmtime_component_linker_instantiate_async(linker.Handle, Context, component, _instance, _error), _flag);
        FloorApi.Check(*_error, "instantiate_async");
    }

    public nint Context { get; }

    /// <summary>An exported root function, kept in native memory.</summary>
    public NFunc* Func(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        nint index;
        fixed (byte* p = bytes)
        {
            index = FloorApi.wasmtime_component_instance_get_export_index(_instance, Context, 0, p, (nuint)bytes.Length);
        }

        if (index == 0)
        {
            throw new InvalidOperationException($"No export '{name}'.");
        }

        var func = (NFunc*)NativeMemory.AllocZeroed((nuint)sizeof(NFunc));
        _funcs.Add((nint)func);
        var found = FloorApi.wasmtime_component_instance_get_func(_instance, Context, index, func);
        FloorApi.wasmtime_component_export_index_delete(index);
        return found ? func : throw new InvalidOperationException($"'{name}' is not a function.");
    }

    /// <summary>call_async + poll to the end + delete; throws on a trap.</summary>
    public void Call(NFunc* func, byte* args, nuint argCount, byte* result, nuint resultCount)
    {
        FloorAsyncEngine.Drive(FloorApi.wasmtime_component_func_call_async(func, Context, args, argCount, result, resultCount, _error), _flag);
        var error = *_error;
        *_error = 0;
        FloorApi.Check(error, "call_async");
    }

    public void Dispose()
    {
        FloorApi.wasmtime_store_delete(_store);
        NativeMemory.Free(_instance);
        NativeMemory.Free(_error);
        foreach (var f in _funcs)
        {
            NativeMemory.Free((void*)f);
        }
    }
}
