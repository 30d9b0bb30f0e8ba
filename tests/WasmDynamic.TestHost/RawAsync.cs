using System.Runtime.InteropServices;
using System.Text;
using WasmDynamic.Native;

namespace WasmDynamic.Tests;

/// <summary>
/// Drives Wasmtime's async component calls at the C API level with the fiber callbacks (no managed code on the
/// guest's fiber), for the tests of <see cref="FiberTrampolines"/>. Shared by WasmDynamic.Tests and the child-process
/// host. The host side of an import is a delegate run on the polling thread between polls.
/// </summary>
internal sealed class RawAsync : IDisposable
{
    /// <summary>An import: gets the argument values (owned by the mailbox), writes the result slots.</summary>
    public delegate ValueTask HostImport(PendingHostCall call);

    private readonly ComponentRuntime _runtime;
    private readonly LinkerHandle _linker;
    private readonly FiberCallbackData _data = new();
    private readonly Dictionary<long, HostImport> _imports = new();

    public RawAsync(ComponentRuntime runtime, WasmComponent component)
    {
        _runtime = runtime;
        Component = component;
        _linker = new LinkerHandle(ComponentApi.wasmtime_component_linker_new(runtime.Engine.Pointer));
    }

    public WasmComponent Component { get; }

    public int MaxArguments { get; set; } = 4;

    public int DropCapacity { get; set; } = 16;

    /// <summary>Creates stores whose data pointer is null (to test the routines' guard).</summary>
    public bool WithoutMailbox { get; set; }

    public unsafe void AddImport(string name, HostImport host)
    {
        var id = _imports.Count + 1L;
        _imports[id] = host;
        var root = ComponentApi.wasmtime_component_linker_root(_linker.Pointer);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            fixed (byte* p = bytes)
            {
                Check(AsyncApi.wasmtime_component_linker_instance_add_func_async(root, p, (nuint)bytes.Length, FiberTrampolines.HostCall, _data.ForHostCall(id), 0));
            }
        }
        finally
        {
            ComponentApi.wasmtime_component_linker_instance_delete(root);
        }
    }

    public unsafe void AddHostResource(string name, uint tag)
    {
        var root = ComponentApi.wasmtime_component_linker_root(_linker.Pointer);
        var type = ComponentApi.wasmtime_component_resource_type_new_host(tag);
        try
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            fixed (byte* p = bytes)
            {
                Check(ComponentApi.wasmtime_component_linker_instance_add_resource(
                    root, p, (nuint)bytes.Length, type,
                    (delegate* unmanaged[Cdecl]<nint, nint, uint, nint>)FiberTrampolines.ResourceDrop, _data.ForResourceDrop(tag), null));
            }
        }
        finally
        {
            ComponentApi.wasmtime_component_resource_type_delete(type);
            ComponentApi.wasmtime_component_linker_instance_delete(root);
        }
    }

    public void AddWasip2Async() => Check(AsyncApi.wasmtime_component_linker_add_wasip2_async(_linker.Pointer));

    public unsafe Store NewStore(Action<nint>? configureContext = null)
    {
        var mailbox = new FiberMailbox(MaxArguments, DropCapacity);
        var store = new StoreHandle(WasmtimeApi.wasmtime_store_new(_runtime.Engine.Pointer, WithoutMailbox ? 0 : mailbox.Pointer, null));
        var context = WasmtimeApi.wasmtime_store_context(store.Pointer);
        WasmtimeApi.wasmtime_context_set_epoch_deadline(context, 1_000_000);
        configureContext?.Invoke(context);
        return new Store(this, store, context, mailbox);
    }

    public void Dispose()
    {
        _linker.Dispose();
        _data.Dispose();
    }

    public static void Check(nint error)
    {
        if (error != 0)
        {
            throw new InvalidOperationException(NativeError.TakeMessage(error));
        }
    }

    public sealed class Store : IDisposable
    {
        private readonly RawAsync _owner;
        private readonly nint _instance = AllocInstance();

        private static unsafe nint AllocInstance() => (nint)NativeMemory.AllocZeroed(1, (nuint)sizeof(ComponentInstanceNative));

        internal Store(RawAsync owner, StoreHandle handle, nint context, FiberMailbox mailbox)
        {
            _owner = owner;
            Handle = handle;
            Context = context;
            Mailbox = mailbox;
        }

        public StoreHandle Handle { get; }

        public nint Context { get; }

        public FiberMailbox Mailbox { get; }

        public List<(uint Tag, uint Rep)> Drops { get; } = new();

        /// <summary>Polls that returned without a host call (epoch or fuel yields).</summary>
        public int Yields { get; private set; }

        public async Task InstantiateAsync()
        {
            using var call = new NativeCall(0, hasResult: false);
            StartInstantiate(call);
            await DriveAsync(call.Future!, CancellationToken.None);
            call.ThrowIfFailed();
        }

        /// <summary>
        /// Calls an export asynchronously. Arguments are consumed (deleted after the call); the result is returned
        /// as a native value the caller must delete. Cancellation deletes the future mid-call.
        /// </summary>
        public async Task<Val> CallAsync(string name, Val[] arguments, bool hasResult, CancellationToken cancellation = default)
        {
            using var call = new NativeCall(arguments.Length, hasResult);
            call.Start(Export(name), Context, arguments);
            await DriveAsync(call.Future!, cancellation);
            call.Future!.Dispose();
            call.ThrowIfFailed();
            return call.Result;
        }

        private unsafe void StartInstantiate(NativeCall call) =>
            call.Future = new CallFutureHandle(AsyncApi.wasmtime_component_linker_instantiate_async(_owner._linker.Pointer, Context, _owner.Component.Handle.Pointer, (ComponentInstanceNative*)_instance, call.ErrorSlot));

        private unsafe ComponentFunc Export(string name)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            ComponentFunc func;
            fixed (byte* p = bytes)
            {
                var index = ComponentApi.wasmtime_component_instance_get_export_index((ComponentInstanceNative*)_instance, Context, 0, p, (nuint)bytes.Length);
                if (index == 0 || !ComponentApi.wasmtime_component_instance_get_func((ComponentInstanceNative*)_instance, Context, index, &func))
                {
                    throw new InvalidOperationException($"no export '{name}'");
                }

                ComponentApi.wasmtime_component_export_index_delete(index);
            }

            return func;
        }

        private async Task DriveAsync(CallFutureHandle future, CancellationToken cancellation)
        {
            while (!future.Poll())
            {
                Mailbox.TakeDrops((tag, rep) => Drops.Add((tag, rep)));
                cancellation.ThrowIfCancellationRequested();
                if (Mailbox.TryTakeHostCall(out var call))
                {
                    await _owner._imports[call.ImportId](call);
                    Mailbox.Complete();
                }
                else
                {
                    Yields++;
                    await Task.Yield();
                }
            }

            Mailbox.TakeDrops((tag, rep) => Drops.Add((tag, rep)));
        }

        public void Dispose()
        {
            Handle.Dispose();
            Mailbox.Dispose();
            unsafe { NativeMemory.Free((void*)_instance); }
        }
    }

    /// <summary>The native memory of one async call: func, arguments, result slot, error slot.</summary>
    private sealed unsafe class NativeCall : IDisposable
    {
        private readonly int _count;
        private readonly bool _hasResult;
        private readonly ComponentFunc* _func = (ComponentFunc*)NativeMemory.AllocZeroed(1, (nuint)sizeof(ComponentFunc));
        private readonly Val* _args;
        private readonly Val* _result = (Val*)NativeMemory.AllocZeroed(1, (nuint)sizeof(Val));
        private readonly nint* _error = (nint*)NativeMemory.AllocZeroed(1, (nuint)sizeof(nint));

        public NativeCall(int count, bool hasResult)
        {
            _count = count;
            _hasResult = hasResult;
            _args = (Val*)NativeMemory.AllocZeroed((nuint)Math.Max(1, count), (nuint)sizeof(Val));
        }

        public CallFutureHandle? Future { get; set; }

        public nint* ErrorSlot => _error;

        public Val Result => *_result;

        public void Start(ComponentFunc func, nint context, Val[] arguments)
        {
            *_func = func;
            for (var i = 0; i < _count; i++)
            {
                _args[i] = arguments[i];
            }

            Future = new CallFutureHandle(AsyncApi.wasmtime_component_func_call_async(_func, context, _args, (nuint)_count, _result, _hasResult ? 1u : 0u, _error));
        }

        public void ThrowIfFailed() => Check(*_error);

        public void Dispose()
        {
            Future?.Dispose();
            for (var i = 0; i < _count; i++)
            {
                ComponentApi.wasmtime_component_val_delete(&_args[i]);
            }

            NativeMemory.Free(_func);
            NativeMemory.Free(_args);
            NativeMemory.Free(_result);
            NativeMemory.Free(_error);
        }
    }

    public static unsafe uint ArgU32(PendingHostCall call, int i) => call.Arguments[i].U32;

    public static unsafe ValKind ArgKind(PendingHostCall call, int i) => call.Arguments[i].Kind;

    public static unsafe string ArgString(PendingHostCall call, int i) => call.Arguments[i].Bytes.ToUtf8String();

    public static unsafe void SetResult(PendingHostCall call, Val value) => call.Results[0] = value;

    public static Val U32(uint value) => new() { Kind = ValKind.U32, U32 = value };

    public static unsafe Val String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var val = new Val { Kind = ValKind.String };
        WasmtimeApi.wasm_byte_vec_new_uninitialized(&val.Bytes, (nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(val.Bytes.Data, bytes.Length));
        return val;
    }
}
