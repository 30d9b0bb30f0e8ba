using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WasmDynamic.Native;

/// <summary>Where a callback leaves the exception it caught, for the managed caller of the native call to rethrow.</summary>
internal interface IHostExceptionSink
{
    /// <summary>Keeps <paramref name="exception"/>, thrown by <paramref name="where"/> (a name and WIT signature).</summary>
    void Capture(Exception exception, string where);

    /// <summary>The exception kept since the last call, and who threw it (null when none); the sink is empty after.</summary>
    (Exception? Exception, string? Where) TakeCaptured();
}

/// <summary>
/// The one bridge from Wasmtime's native callbacks into managed code. Every <c>[UnmanagedCallersOnly]</c> entry point
/// finds its target with <see cref="Target{T}"/>, catches everything, and returns what <see cref="Captured"/> or
/// <see cref="Unexpected"/> make of the exception: a managed exception never unwinds through native frames. The host
/// exception itself is kept by an <see cref="IHostExceptionSink"/> and rethrown to the caller of the export.
/// </summary>
internal static class CallbackBridge
{
    /// <summary>A GCHandle to <paramref name="target"/>, for a callback's <c>env</c>; Wasmtime frees it with <see cref="FreeHandle"/>.</summary>
    public static nint Handle(object target) => GCHandle.ToIntPtr(GCHandle.Alloc(target));

    /// <summary>Frees a handle made by <see cref="Handle"/> that Wasmtime never took (registration failed).</summary>
    public static void Free(nint env) => GCHandle.FromIntPtr(env).Free();

    /// <summary>The object behind a callback's <c>env</c>.</summary>
    public static T Target<T>(nint env)
        where T : class => (T)GCHandle.FromIntPtr(env).Target!;

    /// <summary>
    /// <see cref="Target{T}"/> without the cast check, for the hot host-import path: only for an <c>env</c> (or store
    /// data) that this library made from a <typeparamref name="T"/> with <see cref="Handle"/>.
    /// </summary>
    public static T TargetOf<T>(nint env)
        where T : class => Unsafe.As<T>(GCHandle.FromIntPtr(env).Target!);

    /// <summary>
    /// A host's exception: kept in <paramref name="sink"/>, and a trap for Wasmtime that names it
    /// (<c>host function 'f' (f: func())</c> threw …).
    /// </summary>
    public static nint Captured(IHostExceptionSink sink, Exception exception, string kind, string where)
    {
        sink.Capture(exception, where);
        return NativeError.Create($"{kind} {where} threw {exception.GetType().Name}: {exception.Message}");
    }

    /// <summary>A failure of the bridge itself (no host code ran): a trap for Wasmtime.</summary>
    public static nint Unexpected(string callback, Exception exception) =>
        NativeError.Create($"WasmDynamic {callback} failed: {exception.GetType().Name}: {exception.Message}");

    /// <summary>The finalizer Wasmtime calls for an <c>env</c> made by <see cref="Handle"/>.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static void FreeHandle(nint env)
    {
        try
        {
            GCHandle.FromIntPtr(env).Free();
        }
        catch (Exception)
        {
            // Nothing may unwind into native code; a handle that cannot be freed is leaked.
        }
    }
}
