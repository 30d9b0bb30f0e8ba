using System.Runtime.InteropServices;
using System.Text;

namespace WasmDynamic.Benchmarks.Floor;

/// <summary>An engine configured like WasmDynamic's (component model on, async off, map on).</summary>
internal static unsafe class FloorEngine
{
    private static readonly Lazy<nint> Shared = new(Create);

    public static nint Engine => Shared.Value;

    private static nint Create()
    {
        var config = FloorApi.wasm_config_new();
        FloorApi.wasmtime_config_wasm_component_model_set(config, true);
        FloorApi.wasmtime_config_wasm_component_model_async_set(config, false);

        // The floor's engine has the library's settings: a floor is the least a caller can do with the same engine.
        FloorApi.wasmtime_config_concurrency_support_set(config, new WasmDynamic.ComponentRuntimeOptions().ConcurrencySupport);
        FloorApi.wasmtime_config_wasm_component_model_map_set(config, true);
        return FloorApi.wasm_engine_new_with_config(config);
    }

    /// <summary>wat2wasm + wasmtime_component_new.</summary>
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
}

/// <summary>A host function for the floor linker: an instance name (null = root), a name and a native callback.</summary>
internal readonly unsafe struct FloorHostFunc(string? instance, string name, delegate* unmanaged[Cdecl]<nint, nint, nint, byte*, nuint, byte*, nuint, nint> callback)
{
    public string? Instance { get; } = instance;

    public string Name { get; } = name;

    public delegate* unmanaged[Cdecl]<nint, nint, nint, byte*, nuint, byte*, nuint, nint> Callback { get; } = callback;
}

/// <summary>A linker with optional host functions; instantiates a component into fresh stores.</summary>
internal sealed unsafe class FloorLinker : IDisposable
{
    public FloorLinker(params FloorHostFunc[] functions)
    {
        Handle = FloorApi.wasmtime_component_linker_new(FloorEngine.Engine);
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
                        FloorApi.Check(FloorApi.wasmtime_component_linker_instance_add_func(target, n, (nuint)name.Length, f.Callback, 0, 0), "add_func");
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

    public void Dispose() => FloorApi.wasmtime_component_linker_delete(Handle);
}

/// <summary>One store with one instance of a component, and exported functions looked up by export index.</summary>
internal sealed unsafe class FloorInstance : IDisposable
{
    private readonly nint _store;
    private readonly NInstance* _instance;
    private readonly List<nint> _funcs = new();

    public FloorInstance(nint component, FloorLinker linker)
    {
        _store = FloorApi.wasmtime_store_new(FloorEngine.Engine, 0, 0);
        Context = FloorApi.wasmtime_store_context(_store);
        _instance = (NInstance*)NativeMemory.AllocZeroed((nuint)sizeof(NInstance));
        FloorApi.Check(FloorApi.wasmtime_component_linker_instantiate(linker.Handle, Context, component, _instance), "instantiate");
    }

    public nint Context { get; }

    /// <summary>An exported function (at the root, or in the exported instance <paramref name="instance"/>), kept in native memory.</summary>
    public NFunc* Func(string? instance, string name)
    {
        nint parent = 0;
        if (instance is not null)
        {
            parent = Index(0, instance);
        }

        var index = Index(parent, name);
        var func = (NFunc*)NativeMemory.AllocZeroed((nuint)sizeof(NFunc));
        _funcs.Add((nint)func);
        if (!FloorApi.wasmtime_component_instance_get_func(_instance, Context, index, func))
        {
            throw new InvalidOperationException($"'{name}' is not a function.");
        }

        FloorApi.wasmtime_component_export_index_delete(index);
        if (parent != 0)
        {
            FloorApi.wasmtime_component_export_index_delete(parent);
        }

        return func;
    }

    private nint Index(nint parent, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            var index = FloorApi.wasmtime_component_instance_get_export_index(_instance, Context, parent, p, (nuint)bytes.Length);
            return index != 0 ? index : throw new InvalidOperationException($"No export '{name}'.");
        }
    }

    /// <summary>Calls and throws on a trap.</summary>
    public void Call(NFunc* func, byte* args, nuint argCount, byte* result, nuint resultCount) =>
        FloorApi.Check(FloorApi.wasmtime_component_func_call(func, Context, args, argCount, result, resultCount), "call");

    public void Dispose()
    {
        FloorApi.wasmtime_store_delete(_store);
        NativeMemory.Free(_instance);
        foreach (var f in _funcs)
        {
            NativeMemory.Free((void*)f);
        }
    }
}
