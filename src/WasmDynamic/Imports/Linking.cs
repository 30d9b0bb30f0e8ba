using System.Runtime.InteropServices;
using System.Text;
using WasmDynamic.Native;

namespace WasmDynamic.Imports;

/// <summary>
/// Builds a component's linker for one import plan (WASI, host functions, host resources, empty type-only instances),
/// instantiates with it, and looks up exports. The linker holds no store and no host object: its callbacks find the
/// store's <see cref="StoreState"/> through the store's data, so one linker serves every instance of that plan.
/// </summary>
internal static unsafe class Linking
{
    /// <summary>What linking needs of the compiled component: the engine, its code, its name, world and bulk plan.</summary>
    public readonly record struct Target(nint Engine, ComponentHandle Handle, string Name, Wit.WitWorld World, BulkAdapter.BulkPlan? Bulk);

    /// <summary>
    /// A linker defining everything <paramref name="plan"/> binds; host function <c>k</c> is the store's
    /// <see cref="StoreState.Imports"/>[k]. With <paramref name="fiber"/> (an async linker), every host function and host
    /// resource destructor is a fiber callback (<see cref="FiberTrampolines"/>) whose data block comes from
    /// <paramref name="fiber"/>, WASI output goes to the fiber output buffers (see <see cref="WasiSetup"/>), and nothing managed is registered that Wasmtime could
    /// call on the guest's fiber; such a linker serves only stores whose data is a <see cref="FiberMailbox"/>.
    /// </summary>
    public static LinkerHandle Build(Target component, ImportPlan plan, bool wasi, bool trapUnknown, FiberCallbackData? fiber = null)
    {
        var linker = new LinkerHandle(ComponentApi.wasmtime_component_linker_new(component.Engine));
        try
        {
            if (wasi)
            {
                // Async stores get the synchronous WASI p2 too: its functions are native (nothing managed runs on the fiber),
                // but a blocking one (a sleep, stdin) blocks the polling thread. Wasmtime 50's async WASI
                // (wasmtime_component_linker_add_wasip2_async) needs a Tokio reactor on the thread that polls, which the C
                // API does not provide: a guest that blocks on a pollable makes it panic and abort the process
                // ("there is no reactor running", measured 2026-12-01).
                Check(ComponentApi.wasmtime_component_linker_add_wasip2(linker.Pointer), component, "adding WASI 0.2");
                if (component.World.Imports.Any(i => i.Name.StartsWith("wasi:http/", StringComparison.Ordinal)))
                {
                    Check(ComponentApi.wasmtime_component_linker_add_wasi_http(linker.Pointer), component, "adding wasi:http");
                }

                // Host objects given for WASI interfaces replace the built-in functions.
                ComponentApi.wasmtime_component_linker_allow_shadowing(linker.Pointer, true);
            }

            var resources = plan.Resources;
            var functions = plan.Functions.Select((f, index) => (f.Instance, f.Function.Name, Index: index)).ToList();
            var root = ComponentApi.wasmtime_component_linker_root(linker.Pointer);
            try
            {
                foreach (var group in resources.GroupBy(r => r.Instance))
                {
                    if (group.Key is null)
                    {
                        foreach (var r in group)
                        {
                            AddResource(root, r, component, fiber);
                        }

                        continue;
                    }

                    var child = AddInstance(root, group.Key, component);
                    try
                    {
                        foreach (var r in group)
                        {
                            AddResource(child, r, component, fiber);
                        }
                    }
                    finally
                    {
                        ComponentApi.wasmtime_component_linker_instance_delete(child);
                    }
                }

                foreach (var group in functions.GroupBy(d => d.Instance))
                {
                    if (group.Key is null)
                    {
                        foreach (var d in group)
                        {
                            AddFunc(root, d.Name, d.Index, plan, component, fiber);
                        }

                        continue;
                    }

                    var child = AddInstance(root, group.Key, component);
                    try
                    {
                        foreach (var d in group)
                        {
                            AddFunc(child, d.Name, d.Index, plan, component, fiber);
                        }
                    }
                    finally
                    {
                        ComponentApi.wasmtime_component_linker_instance_delete(child);
                    }
                }

                foreach (var name in plan.EmptyInstances.Where(n => functions.All(d => d.Instance != n) && resources.All(r => r.Instance != n)))
                {
                    ComponentApi.wasmtime_component_linker_instance_delete(AddInstance(root, name, component));
                }
            }
            finally
            {
                ComponentApi.wasmtime_component_linker_instance_delete(root);
            }

            if (trapUnknown)
            {
                Check(ComponentApi.wasmtime_component_linker_define_unknown_imports_as_traps(linker.Pointer, component.Handle.Pointer), component, "defining unimplemented imports as traps");
            }

            return linker;
        }
        catch
        {
            linker.Dispose();
            throw;
        }
    }

    /// <summary>Instantiates the component in the store behind <paramref name="context"/>, whose data is <paramref name="state"/>.</summary>
    public static ComponentInstanceNative Instantiate(Target component, LinkerHandle linker, nint context, StoreState state)
    {
        ComponentInstanceNative instance;
        var error = ComponentApi.wasmtime_component_linker_instantiate(linker.Pointer, context, component.Handle.Pointer, &instance);
        if (error != 0)
        {
            throw InstantiationFailed(component, NativeError.TakeMessage(error), state);
        }

        return instance;
    }

    /// <summary>
    /// Starts instantiating in an async store (one with <see cref="StoreState.Fiber"/>) with an async linker: the future
    /// the async driver polls; <paramref name="instance"/> and <paramref name="error"/> are written when it completes, so
    /// they must stay put until then, and so must <paramref name="linker"/> (it lives with the compiled component).
    /// </summary>
    public static CallFutureHandle StartInstantiateAsync(Target component, nint context, LinkerHandle linker, ComponentInstanceNative* instance, nint* error) =>
        new(AsyncApi.wasmtime_component_linker_instantiate_async(linker.Pointer, context, component.Handle.Pointer, instance, error));

    /// <summary>The exception for a failed instantiation: a resource limit, or the start code's trap (or the host import it called that threw).</summary>
    public static Exception InstantiationFailed(Target component, string rawMessage, StoreState state)
    {
        var message = BulkAdapter.Backtraces.Rewrite(rawMessage, component.Bulk);
        var host = state.PendingHostException;
        state.PendingHostException = null;
        if (host is null && PoolAdvice(message) is { } advice)
        {
            return new ComponentResourceLimitException(component.Name, message, advice);
        }

        if (host is null && IsLimit(message))
        {
            return new ComponentResourceLimitException(component.Name, message);
        }

        // Lead with the cause (a trap in the start code, or the host import it called that threw); Wasmtime's
        // whole report, backtrace included, comes last.
        var cause = ComponentTrapException.CauseOf(message).TrimEnd('.');
        var todo = host is null ? "Fix the component's start code" : "Fix the host import (it was called while the component was being instantiated)";
        return new ComponentBindingException($"{cause}: component '{component.Name}' could not be instantiated. {todo}, then instantiate again.{Environment.NewLine}{message}", [], host);
    }

    /// <summary>The advice for Wasmtime's report that the pooling allocator is full ("maximum concurrent … limit of N reached"), or null.</summary>
    private static string? PoolAdvice(string message) =>
        message.Contains("concurrent", StringComparison.Ordinal) && message.Contains("limit", StringComparison.Ordinal)
            ? "The runtime's pooling allocator is full (ComponentRuntimeOptions.PoolingAllocator): dispose instances that are no longer needed, or raise PoolingAllocatorOptions.TotalComponentInstances, TotalCoreInstances, TotalMemories or TotalTables."
            : null;

    /// <summary>Wasmtime's wording when a store limit refuses an instantiation.</summary>
    private static bool IsLimit(string message) =>
        message.Contains("exceeds memory limits", StringComparison.Ordinal) || message.Contains("exceeds table limits", StringComparison.Ordinal)
        || message.Contains("resource limit exceeded", StringComparison.Ordinal);

    private static nint AddInstance(nint parent, string name, Target component)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        nint child;
        fixed (byte* p = bytes)
        {
            Check(ComponentApi.wasmtime_component_linker_instance_add_instance(parent, p, (nuint)bytes.Length, &child), component, $"defining instance '{name}'");
        }

        return child;
    }

    private static void AddResource(nint instance, HostBinder.ResourceDefinition r, Target component, FiberCallbackData? fiber)
    {
        var bytes = Encoding.UTF8.GetBytes(r.Name);
        var type = ComponentApi.wasmtime_component_resource_type_new_host(r.Tag);
        if (fiber is not null)
        {
            // Async: the drop is queued natively and the host object released between polls (see AsyncDriver).
            try
            {
                fixed (byte* p = bytes)
                {
                    Check(ComponentApi.wasmtime_component_linker_instance_add_resource(instance, p, (nuint)bytes.Length, type, (delegate* unmanaged[Cdecl]<nint, nint, uint, nint>)FiberTrampolines.ResourceDrop, fiber.ForResourceDrop(r.Tag), null), component, $"defining host resource '{r.Instance}#{r.Name}'");
                }
            }
            finally
            {
                ComponentApi.wasmtime_component_resource_type_delete(type);
            }

            return;
        }

        var handle = CallbackBridge.Handle(new HostResourceCallbacks.Target($"{r.Instance}#[resource-drop]{r.Name}"));
        try
        {
            fixed (byte* p = bytes)
            {
                var error = ComponentApi.wasmtime_component_linker_instance_add_resource(instance, p, (nuint)bytes.Length, type, &HostResourceCallbacks.Destructor, handle, &CallbackBridge.FreeHandle);
                if (error != 0)
                {
                    CallbackBridge.Free(handle);
                    Check(error, component, $"defining host resource '{r.Instance}#{r.Name}'");
                }
            }
        }
        finally
        {
            ComponentApi.wasmtime_component_resource_type_delete(type);
        }
    }

    private static void AddFunc(nint instance, string name, int index, ImportPlan plan, Target component, FiberCallbackData? fiber)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        if (fiber is not null)
        {
            // Async: the guest's call is recorded in the store's mailbox by machine code, with import id index + 1; the
            // driver runs the store's host function Imports[index].
            fixed (byte* p = bytes)
            {
                Check(AsyncApi.wasmtime_component_linker_instance_add_func_async(instance, p, (nuint)bytes.Length, FiberTrampolines.HostCall, fiber.ForHostCall(index + 1L), 0), component, $"defining host function '{plan.Functions[index].Qualified}'");
            }

            return;
        }

        fixed (byte* p = bytes)
        {
            // env is the plan index, not a handle: nothing to free.
            Check(ComponentApi.wasmtime_component_linker_instance_add_func(instance, p, (nuint)bytes.Length, &HostFunction.Callback, index, null), component, $"defining host function '{plan.Functions[index].Qualified}'");
        }
    }

    /// <summary>Finds an exported function: at the root, or inside the exported instance <paramref name="instanceName"/>.</summary>
    public static ComponentFunc GetFunc(string componentName, ComponentInstanceNative instance, nint context, string? instanceName, string name)
    {
        nint parent = 0;
        try
        {
            if (instanceName is not null)
            {
                parent = ExportIndex(&instance, context, 0, instanceName);
                if (parent == 0)
                {
                    throw new WasmDynamicException($"Component '{componentName}' has no exported instance '{instanceName}'.");
                }
            }

            var index = ExportIndex(&instance, context, parent, name);
            if (index == 0)
            {
                throw new WasmDynamicException($"Component '{componentName}' has no exported function '{name}'{(instanceName is null ? string.Empty : $" in '{instanceName}'")}.");
            }

            try
            {
                ComponentFunc func;
                if (!ComponentApi.wasmtime_component_instance_get_func(&instance, context, index, &func))
                {
                    throw new WasmDynamicException($"Export '{name}' of component '{componentName}' is not a function.");
                }

                return func;
            }
            finally
            {
                ComponentApi.wasmtime_component_export_index_delete(index);
            }
        }
        finally
        {
            if (parent != 0)
            {
                ComponentApi.wasmtime_component_export_index_delete(parent);
            }
        }
    }

    private static nint ExportIndex(ComponentInstanceNative* instance, nint context, nint parent, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            return ComponentApi.wasmtime_component_instance_get_export_index(instance, context, parent, p, (nuint)bytes.Length);
        }
    }

    private static void Check(nint error, Target component, string what)
    {
        if (error != 0)
        {
            throw new ComponentBindingException($"Cannot instantiate component '{component.Name}' ({what}): {NativeError.TakeMessage(error)}", []);
        }
    }
}
