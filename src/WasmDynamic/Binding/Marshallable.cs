using WasmDynamic.Wit;

namespace WasmDynamic.Binding;

/// <summary>What WasmDynamic can marshal: the one answer the emitted proxies, bindgen and the host binder share.</summary>
internal static class Marshallable
{
    /// <summary>Why values of <paramref name="t"/> cannot be marshalled, or null when they can.</summary>
    public static string? WhyNot(WitType t)
    {
        switch (t)
        {
            case WitMap or WitFuture or WitStream or WitFixedSizeList:
            case WitPrimitive { Kind: WitTypeKind.ErrorContext }:
                return $"it uses {t.Kind.ToString().ToLowerInvariant()} ({t}), which WasmDynamic cannot marshal yet";
            case WitTuple tu when tu.Types.Count > ClrTypeMap.MaxTupleArity:
                return $"it uses a tuple of {tu.Types.Count} elements (WasmDynamic binds at most {ClrTypeMap.MaxTupleArity})";
        }

        foreach (var child in WitFingerprint.Children(t))
        {
            if (WhyNot(child) is { } why)
            {
                return why;
            }
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="f"/> cannot be bound in <paramref name="profile"/>, or null. Both profiles refuse types that
    /// cannot be marshalled; bindgen also leaves out async functions and functions taking WASI resources (which the
    /// runtime implements itself), while the emitted default proxy keeps them reachable through <c>dynamic</c>.
    /// </summary>
    public static string? WhyNot(WitFunction f, BindingProfile profile)
    {
        if (profile == BindingProfile.Bindgen && f.IsAsync)
        {
            return "it is async";
        }

        foreach (var p in f.Kind == WitFunctionKind.Method ? f.Parameters.Skip(1) : f.Parameters)
        {
            if (WhyNot(p.Type, profile) is { } why)
            {
                return why;
            }
        }

        return f.Result is null ? null : WhyNot(f.Result, profile);
    }

    /// <summary>Why values of <paramref name="t"/> cannot be bound in <paramref name="profile"/> (see <see cref="WhyNot(WitFunction, BindingProfile)"/>), or null.</summary>
    public static string? WhyNot(WitType t, BindingProfile profile)
    {
        if (profile == BindingProfile.Bindgen && FindWasiHandle(t) is { } h)
        {
            return $"it uses the WASI resource '{h.Resource.Name}', which the runtime implements";
        }

        return WhyNot(t);
    }

    private static WitHandle? FindWasiHandle(WitType t)
    {
        if (t is WitHandle h && BindingNames.IsWasi(h.Resource.Owner ?? string.Empty))
        {
            return h;
        }

        foreach (var child in WitFingerprint.Children(t))
        {
            if (FindWasiHandle(child) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
