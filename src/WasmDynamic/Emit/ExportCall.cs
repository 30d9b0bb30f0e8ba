using WasmDynamic.Marshalling;
using WasmDynamic.Native;

namespace WasmDynamic.Emit;

/// <summary>
/// What an emitted export method calls for one WIT function of one instance: <c>Begin</c> → lower the arguments into
/// the returned slots → <c>Call</c> → lift the result → <c>End</c>. Emit owns this seam so the IL it writes depends on
/// nothing above it; the export runtime implements it (<c>Exports.FunctionInvoker</c>).
/// </summary>
internal abstract unsafe class ExportCall
{
    /// <summary>The context the arguments are lowered and the result lifted with.</summary>
    public abstract MarshalContext Context { get; }

    /// <summary>Enters the instance and returns the argument slots.</summary>
    public abstract Val* Begin();

    /// <summary>Calls the function with the lowered arguments; returns the result slot.</summary>
    public abstract Val* Call();

    /// <summary>Frees the result and leaves the instance (always, from a finally).</summary>
    public abstract void End();

    /// <summary>The argument error located at WIT parameter <paramref name="index"/>.</summary>
    public abstract Exception ArgumentFailed(ComponentArgumentException e, int index);

    /// <summary>An <c>err</c> result, with the function named.</summary>
    public abstract Exception ErrorReturned(ComponentErrorException e);
}
