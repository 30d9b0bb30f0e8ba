namespace WasmDynamic;

/// <summary>
/// Why binding is not trim- and AOT-safe, for <c>[RequiresUnreferencedCode]</c> and <c>[RequiresDynamicCode]</c>: one
/// wording for every member that carries them.
/// </summary>
internal static class Trimming
{
    /// <summary>Reflection over the user's CLR types (interfaces, records, variants, enums, host objects).</summary>
    public const string Reflection =
        "WasmDynamic binds CLR types to WIT by reflection: the records, variants, enums and host classes that a bound interface or "
        + "import object uses are read member by member. A trimmed app keeps what the annotated parameters name; types reached only "
        + "through their signatures must be kept by the app (use them, or root them with [DynamicDependency] or a TrimmerRootAssembly).";

    /// <summary>Reflection.Emit: proxies, host adapters and data types are emitted at run time.</summary>
    public const string Emit =
        "WasmDynamic emits IL at run time (System.Reflection.Emit) for proxies, host adapters and WIT data types: it needs the JIT "
        + "and cannot run under NativeAOT.";
}
